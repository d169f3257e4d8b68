using Sesame.Account;
using Sesame.Cognito;

namespace Sesame.CognitoApi.Operations;

/// <summary>Enables a disabled user again. Tokens revoked by the disabling stay revoked.</summary>
internal sealed class AdminEnableUser(AdminUsers admin, AccountFlow account)
    : CognitoOperation<AdminUserRequest, AccountEmptyResponse>(AccountJsonContext.Wire.AdminUserRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminEnableUser";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminUserRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        await account.SetEnabledAsync(user, enabled: true, cancellationToken);
        return new AccountEmptyResponse();
    }
}
