using Sesame.Admin;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

/// <summary>
/// Updates an app client created through the API. As in Cognito, a member left out goes back to its default; the
/// secret stays, and <c>ClientName</c> left out keeps the name.
/// </summary>
internal sealed class UpdateUserPoolClient(UserPools pools, UserPoolAdmin admin)
    : CognitoOperation<CreateUserPoolClientRequest, CreateUserPoolClientResponse>(
        AdminJsonContext.Wire.CreateUserPoolClientRequest, AdminJsonContext.Wire.CreateUserPoolClientResponse)
{
    public override string Name => "UpdateUserPoolClient";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
        ["ConcurrentModificationException", "InvalidOAuthFlowException", "ScopeDoesNotExistException", "FeatureUnavailableInTierException"];

    public override async ValueTask<CreateUserPoolClientResponse> ExecuteAsync(
        CreateUserPoolClientRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var client = AdminShapes.Stored(AdminShapes.FindClient(pool, pools, request.ClientId));
        var name = request.ClientName is null ? client.Options.Name : Names.Check(request.ClientName, "clientName");
        var settings = CreateUserPoolClient.Settings(request, name, client.Options.Secret);
        SchemaShapes.CheckClient(pool.Options, settings, creating: false);
        var updated = await admin.UpdateClientAsync(client, settings, cancellationToken);
        return new CreateUserPoolClientResponse(DescribeUserPoolClient.Describe(updated));
    }
}
