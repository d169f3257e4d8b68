using Sesame.Cognito;
using Sesame.Pools;
using Sesame.SignUp;

namespace Sesame.CognitoApi.Operations;

internal sealed record ConfirmSignUpRequest(
    string? ClientId, string? SecretHash, string? Username, string? ConfirmationCode, bool? ForceAliasCreation,
    string? Session, Dictionary<string, string>? ClientMetadata);

internal sealed record ConfirmSignUpResponse(string Session);

internal sealed class ConfirmSignUp(UserPools pools, SignUpFlow flow)
    : CognitoOperation<ConfirmSignUpRequest, ConfirmSignUpResponse>(
        CognitoJsonContext.Wire.ConfirmSignUpRequest, CognitoJsonContext.Wire.ConfirmSignUpResponse)
{
    public override string Name => "ConfirmSignUp";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "AliasExistsException", CognitoErrors.CodeMismatch, CognitoErrors.ExpiredCode, CognitoErrors.LimitExceeded,
        "TooManyFailedAttemptsException", CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<ConfirmSignUpResponse> ExecuteAsync(ConfirmSignUpRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var client = ClientCheck.Find(pools, request.ClientId);
        var username = Validate.Username(request.Username);
        var code = Validate.Code(request.ConfirmationCode, "confirmationCode");
        ClientCheck.SecretHash(client, username, request.SecretHash);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        // Always a Session, even when the request had none: Amplify's autoSignIn depends on it (§2.3).
        return new ConfirmSignUpResponse(await flow.ConfirmAsync(client, username, code, request.ForceAliasCreation == true, request.ClientMetadata, cancellationToken));
    }
}
