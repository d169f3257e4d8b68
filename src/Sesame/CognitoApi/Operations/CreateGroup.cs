using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.CognitoApi.Operations;

internal sealed record CreateGroupRequest(string? GroupName, string? UserPoolId, string? Description, string? RoleArn, int? Precedence);

/// <summary>The response of CreateGroup, GetGroup and UpdateGroup.</summary>
internal sealed record GroupResponse(GroupType Group);

/// <summary>A group of a pool; a second group whose name differs only in case is refused, as Cognito refuses it.</summary>
internal sealed class CreateGroup(UserPools pools, IGroupStore groups, TimeProvider time)
    : CognitoOperation<CreateGroupRequest, GroupResponse>(AdminJsonContext.Wire.CreateGroupRequest, AdminJsonContext.Wire.GroupResponse)
{
    public const string GroupExists = "GroupExistsException";

    public override string Name => "CreateGroup";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [GroupExists, CognitoErrors.LimitExceeded];

    public override async ValueTask<GroupResponse> ExecuteAsync(CreateGroupRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var name = GroupShapes.Name(request.GroupName);
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var now = time.GetUtcNow();
        var group = new GroupRecord(pool.Id, name, GroupShapes.Description(request.Description), GroupShapes.RoleArn(request.RoleArn),
            GroupShapes.Precedence(request.Precedence), now, now);
        return await groups.CreateAsync(group, cancellationToken)
            ? new GroupResponse(GroupShapes.ToGroupType(group))
            : throw CognitoErrors.Error(GroupExists, "A group with the name already exists.");
    }
}
