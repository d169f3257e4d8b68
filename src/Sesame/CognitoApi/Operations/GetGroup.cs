using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.CognitoApi.Operations;

/// <summary>A request that names one group of one pool (GetGroup, DeleteGroup).</summary>
internal sealed record GroupRequest(string? GroupName, string? UserPoolId);

internal sealed class GetGroup(UserPools pools, IGroupStore groups)
    : CognitoOperation<GroupRequest, GroupResponse>(AdminJsonContext.Wire.GroupRequest, AdminJsonContext.Wire.GroupResponse)
{
    public override string Name => "GetGroup";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override async ValueTask<GroupResponse> ExecuteAsync(GroupRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var name = GroupShapes.Name(request.GroupName);
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var group = await groups.FindAsync(pool.Id, name, cancellationToken) ?? throw GroupShapes.NotFound();
        return new GroupResponse(GroupShapes.ToGroupType(group));
    }
}
