using Sesame.Admin;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record AddCustomAttributesRequest(string? UserPoolId, List<SchemaAttributeType>? CustomAttributes);

/// <summary>
/// Adds custom attributes to a pool created through the API (a configured pool declares them in its <c>Schema</c>).
/// Names take the <c>custom:</c> prefix, as in Cognito; an existing name is refused, and attributes are never removed.
/// </summary>
internal sealed class AddCustomAttributes(UserPools pools, UserPoolAdmin admin)
    : CognitoOperation<AddCustomAttributesRequest, AccountEmptyResponse>(AdminJsonContext.Wire.AddCustomAttributesRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AddCustomAttributes";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => ["UserImportInProgressException"];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AddCustomAttributesRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.Stored(AdminShapes.FindPool(pools, request.UserPoolId));
        if (request.CustomAttributes is { Count: > 25 })
        {
            throw CognitoErrors.Validation("customAttributes", "Member must have length less than or equal to 25");
        }

        var added = SchemaShapes.FromWire(request.CustomAttributes ?? throw CognitoErrors.Validation("customAttributes", "Member must not be null"), "customAttributes")!;
        foreach (var attribute in added)
        {
            // Always custom, whatever the name looks like.
            attribute.Name = attribute.Name.StartsWith(PoolAttributeSettings.CustomPrefix, StringComparison.Ordinal)
                ? attribute.Name
                : PoolAttributeSettings.CustomPrefix + attribute.Name;
            if ((pool.Options.Schema ?? []).Any(a => a.AttributeName == attribute.AttributeName))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Existing attribute already has name {attribute.AttributeName}.");
            }
        }

        var schema = new List<SchemaAttributeOptions>([.. pool.Options.Schema ?? [], .. added]);
        SchemaShapes.Check(new UserPoolOptions { Schema = schema });
        await admin.UpdatePoolAsync(pool, settings => settings.Schema = schema, cancellationToken);
        return new AccountEmptyResponse();
    }
}
