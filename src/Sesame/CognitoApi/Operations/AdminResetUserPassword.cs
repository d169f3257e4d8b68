using Sesame.Account;
using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminUserMetadataRequest(string? UserPoolId, string? Username, Dictionary<string, string>? ClientMetadata);

/// <summary>
/// An administrator resets a user's password: the user becomes <c>RESET_REQUIRED</c> and gets a reset code, as from
/// ForgotPassword; every sign-in then answers <c>PasswordResetRequiredException</c> until ConfirmForgotPassword.
/// </summary>
internal sealed class AdminResetUserPassword(UserPools pools, AdminUsers admin, PasswordRecovery recovery)
    : CognitoOperation<AdminUserMetadataRequest, AccountEmptyResponse>(
        AdminJsonContext.Wire.AdminUserMetadataRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminResetUserPassword";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.LimitExceeded, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminUserMetadataRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        await recovery.AdminResetAsync(AdminShapes.FindPool(pools, user.PoolId), user, request.ClientMetadata, cancellationToken);
        return new AccountEmptyResponse();
    }
}
