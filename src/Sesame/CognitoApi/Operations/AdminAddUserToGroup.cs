using Sesame.Account;
using Sesame.Cognito;
using Sesame.Storage;

namespace Sesame.CognitoApi.Operations;

/// <summary>AdminAddUserToGroup and AdminRemoveUserFromGroup: a user (by username or alias) and a group of one pool.</summary>
internal sealed record AdminUserGroupRequest(string? UserPoolId, string? Username, string? GroupName);

/// <summary>Adds a user to a group; adding a member again is no error. The next tokens carry the group.</summary>
internal sealed class AdminAddUserToGroup(AdminUsers admin, IGroupStore groups, TimeProvider time)
    : CognitoOperation<AdminUserGroupRequest, AccountEmptyResponse>(AdminJsonContext.Wire.AdminUserGroupRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminAddUserToGroup";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminUserGroupRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var name = GroupShapes.Name(request.GroupName);
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        return await groups.AddMemberAsync(user.PoolId, name, user.Sub, time.GetUtcNow(), cancellationToken) switch
        {
            MembershipOutcome.NoSuchGroup => throw GroupShapes.NotFound(),
            MembershipOutcome.NoSuchUser => throw CognitoErrors.UserDoesNotExist(),
            _ => new AccountEmptyResponse(),
        };
    }
}
