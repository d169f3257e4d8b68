using Sesame.Account;
using Sesame.Cognito;
using Sesame.Storage;

namespace Sesame.CognitoApi.Operations;

/// <summary>Removes a user from a group; a user who was not a member is no error.</summary>
internal sealed class AdminRemoveUserFromGroup(AdminUsers admin, IGroupStore groups)
    : CognitoOperation<AdminUserGroupRequest, AccountEmptyResponse>(AdminJsonContext.Wire.AdminUserGroupRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminRemoveUserFromGroup";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminUserGroupRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var name = GroupShapes.Name(request.GroupName);
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        return await groups.RemoveMemberAsync(user.PoolId, name, user.Sub, cancellationToken) ? new AccountEmptyResponse() : throw GroupShapes.NotFound();
    }
}
