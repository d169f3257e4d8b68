using Sesame.Account;
using Sesame.Cognito;

namespace Sesame.CognitoApi.Operations;

/// <summary>An Admin* request that names one user of one pool.</summary>
internal sealed record AdminUserRequest(string? UserPoolId, string? Username);

/// <summary>Deletes a user with its codes; its tokens are revoked with it.</summary>
internal sealed class AdminDeleteUser(AdminUsers admin, AccountFlow account)
    : CognitoOperation<AdminUserRequest, AccountEmptyResponse>(AccountJsonContext.Wire.AdminUserRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminDeleteUser";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminUserRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        await account.DeleteAsync(user, cancellationToken);
        return new AccountEmptyResponse();
    }
}
