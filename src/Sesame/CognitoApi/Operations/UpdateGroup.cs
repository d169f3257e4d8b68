using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.CognitoApi.Operations;

/// <summary>
/// Changes a group's description, role or precedence; a member left out keeps its value ("updates any of the
/// properties", UpdateGroup API reference). Memberships and the name stay.
/// </summary>
internal sealed class UpdateGroup(UserPools pools, IGroupStore groups, TimeProvider time)
    : CognitoOperation<CreateGroupRequest, GroupResponse>(AdminJsonContext.Wire.CreateGroupRequest, AdminJsonContext.Wire.GroupResponse)
{
    public override string Name => "UpdateGroup";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override async ValueTask<GroupResponse> ExecuteAsync(CreateGroupRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var name = GroupShapes.Name(request.GroupName);
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var change = new GroupChange(GroupShapes.Description(request.Description), GroupShapes.RoleArn(request.RoleArn), GroupShapes.Precedence(request.Precedence));
        var group = await groups.UpdateAsync(pool.Id, name, change, time.GetUtcNow(), cancellationToken) ?? throw GroupShapes.NotFound();
        return new GroupResponse(GroupShapes.ToGroupType(group));
    }
}
