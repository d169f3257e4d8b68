using Sesame.Account;
using Sesame.Cognito;

namespace Sesame.CognitoApi.Operations;

/// <summary>Disables a user and revokes every token of theirs; sign-in and refresh then fail with <c>NotAuthorizedException: User is disabled.</c></summary>
internal sealed class AdminDisableUser(AdminUsers admin, AccountFlow account)
    : CognitoOperation<AdminUserRequest, AccountEmptyResponse>(AccountJsonContext.Wire.AdminUserRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminDisableUser";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminUserRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        await account.SetEnabledAsync(user, enabled: false, cancellationToken);
        return new AccountEmptyResponse();
    }
}
