using Sesame.Cognito;
using Sesame.Pools;
using Sesame.SignUp;

namespace Sesame.CognitoApi.Operations;

internal sealed record ResendConfirmationCodeRequest(
    string? ClientId, string? SecretHash, string? Username, Dictionary<string, string>? ClientMetadata);

internal sealed record ResendConfirmationCodeResponse(CodeDeliveryDetails CodeDeliveryDetails);

internal sealed class ResendConfirmationCode(UserPools pools, SignUpFlow flow)
    : CognitoOperation<ResendConfirmationCodeRequest, ResendConfirmationCodeResponse>(
        CognitoJsonContext.Wire.ResendConfirmationCodeRequest, CognitoJsonContext.Wire.ResendConfirmationCodeResponse)
{
    public override string Name => "ResendConfirmationCode";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.CodeDeliveryFailure, CognitoErrors.LimitExceeded, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<ResendConfirmationCodeResponse> ExecuteAsync(
        ResendConfirmationCodeRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var client = ClientCheck.Find(pools, request.ClientId);
        var username = Validate.Username(request.Username);
        ClientCheck.SecretHash(client, username, request.SecretHash);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        return new ResendConfirmationCodeResponse(await flow.ResendAsync(client, username, request.ClientMetadata, cancellationToken));
    }
}
