using Sesame.Account;
using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record ForgotPasswordRequest(string? ClientId, string? SecretHash, string? Username, Dictionary<string, string>? ClientMetadata);

internal sealed record ForgotPasswordResponse(CodeDeliveryDetails CodeDeliveryDetails);

/// <summary>Sends a password-reset code to the user's verified phone number or email (Amplify v6 <c>resetPassword</c>).</summary>
internal sealed class ForgotPassword(UserPools pools, PasswordRecovery recovery)
    : CognitoOperation<ForgotPasswordRequest, ForgotPasswordResponse>(
        CognitoJsonContext.Wire.ForgotPasswordRequest, CognitoJsonContext.Wire.ForgotPasswordResponse)
{
    public override string Name => "ForgotPassword";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.CodeDeliveryFailure, "ForbiddenException", CognitoErrors.LimitExceeded, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<ForgotPasswordResponse> ExecuteAsync(ForgotPasswordRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var client = ClientCheck.Find(pools, request.ClientId);
        var username = Validate.Username(request.Username);
        ClientCheck.SecretHash(client, username, request.SecretHash);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        return new ForgotPasswordResponse(await recovery.ForgotAsync(client, username, request.ClientMetadata, cancellationToken));
    }
}
