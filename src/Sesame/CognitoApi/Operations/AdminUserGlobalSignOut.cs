using Sesame.Account;
using Sesame.Cognito;

namespace Sesame.CognitoApi.Operations;

/// <summary>Signs a user out everywhere, as GlobalSignOut does for the user.</summary>
internal sealed class AdminUserGlobalSignOut(AdminUsers admin, AccountFlow account)
    : CognitoOperation<AdminUserRequest, AccountEmptyResponse>(AccountJsonContext.Wire.AdminUserRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminUserGlobalSignOut";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminUserRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        await account.SignOutEverywhereAsync(user, cancellationToken);
        return new AccountEmptyResponse();
    }
}
