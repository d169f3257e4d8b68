using Sesame.Account;
using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record ConfirmForgotPasswordRequest(
    string? ClientId, string? SecretHash, string? Username, string? ConfirmationCode, string? Password, Dictionary<string, string>? ClientMetadata);

/// <summary>Sets a new password with the code ForgotPassword or AdminResetUserPassword sent (Amplify v6 <c>confirmResetPassword</c>).</summary>
internal sealed class ConfirmForgotPassword(UserPools pools, PasswordRecovery recovery)
    : CognitoOperation<ConfirmForgotPasswordRequest, AccountEmptyResponse>(
        CognitoJsonContext.Wire.ConfirmForgotPasswordRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "ConfirmForgotPassword";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.CodeMismatch, CognitoErrors.ExpiredCode, "ForbiddenException", CognitoErrors.InvalidPassword, CognitoErrors.LimitExceeded,
        "PasswordHistoryPolicyViolationException", "TooManyFailedAttemptsException", CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(ConfirmForgotPasswordRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var client = ClientCheck.Find(pools, request.ClientId);
        var username = Validate.Username(request.Username);
        var code = Validate.Code(request.ConfirmationCode, "confirmationCode");
        // Never echoed in a validation message: the password is a secret.
        var password = request.Password ?? throw CognitoErrors.Validation("password", "Member must not be null");
        ClientCheck.SecretHash(client, username, request.SecretHash);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        await recovery.ConfirmForgotAsync(client, username, code, password, request.ClientMetadata, cancellationToken);
        return new AccountEmptyResponse();
    }
}
