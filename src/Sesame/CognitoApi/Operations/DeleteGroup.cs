using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.CognitoApi.Operations;

/// <summary>Deletes a group and every membership in it; tokens already issued keep the claim until they expire, as in Cognito.</summary>
internal sealed class DeleteGroup(UserPools pools, IGroupStore groups)
    : CognitoOperation<GroupRequest, AccountEmptyResponse>(AdminJsonContext.Wire.GroupRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "DeleteGroup";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(GroupRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var name = GroupShapes.Name(request.GroupName);
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        return await groups.DeleteAsync(pool.Id, name, cancellationToken) ? new AccountEmptyResponse() : throw GroupShapes.NotFound();
    }
}
