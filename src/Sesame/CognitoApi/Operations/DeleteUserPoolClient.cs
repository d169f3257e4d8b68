using Sesame.Admin;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

/// <summary>
/// Deletes an app client created through the API. Its tokens stop working at once on Sesame's own APIs (the client is
/// unknown to refresh and to the access-token operations); JWTs checked offline stay valid until they expire.
/// </summary>
internal sealed class DeleteUserPoolClient(UserPools pools, UserPoolAdmin admin)
    : CognitoOperation<DescribeUserPoolClientRequest, AccountEmptyResponse>(
        AdminJsonContext.Wire.DescribeUserPoolClientRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "DeleteUserPoolClient";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => ["ConcurrentModificationException"];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(DescribeUserPoolClientRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        await admin.DeleteClientAsync(AdminShapes.Stored(AdminShapes.FindClient(pool, pools, request.ClientId)), cancellationToken);
        return new AccountEmptyResponse();
    }
}
