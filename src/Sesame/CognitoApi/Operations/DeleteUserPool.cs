using Sesame.Admin;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record DeleteUserPoolRequest(string? UserPoolId);

/// <summary>Deletes a pool created through the API with everything in it: clients, users, groups, codes, tokens, keys.</summary>
internal sealed class DeleteUserPool(UserPools pools, UserPoolAdmin admin)
    : CognitoOperation<DeleteUserPoolRequest, AccountEmptyResponse>(AdminJsonContext.Wire.DeleteUserPoolRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "DeleteUserPool";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => ["UserImportInProgressException"];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(DeleteUserPoolRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        await admin.DeletePoolAsync(AdminShapes.Stored(pool), cancellationToken);
        return new AccountEmptyResponse();
    }
}
