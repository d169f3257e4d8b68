using Sesame.Admin;
using Sesame.Pools;
using Sesame.Triggers;

namespace Sesame.CognitoApi.Operations;

internal sealed record UpdateUserPoolRequest(
    string? UserPoolId, string? PoolName, UserPoolPolicyType? Policies, LambdaConfigType? LambdaConfig, List<string>? AutoVerifiedAttributes = null,
    Dictionary<string, string>? UserPoolTags = null);

/// <summary>
/// Updates a pool created through the API. As in Cognito, a member left out goes back to its default (no
/// <c>LambdaConfig</c>: no triggers; no <c>Policies</c>: minimum length 8) — the way CloudFormation and the Amplify CLI
/// send the whole pool each time; <c>PoolName</c> left out keeps the name, and <c>UsernameAttributes</c> cannot change.
/// The tag <see cref="CreateUserPool.EnumerationModeTag"/> changes the enumeration mode; left out, the mode stays (tags
/// are not pool settings in Cognito, so leaving them out must not loosen a pool).
/// </summary>
internal sealed class UpdateUserPool(UserPools pools, UserPoolAdmin admin, LambdaFunctions lambdas)
    : CognitoOperation<UpdateUserPoolRequest, AccountEmptyResponse>(AdminJsonContext.Wire.UpdateUserPoolRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "UpdateUserPool";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "ConcurrentModificationException", "InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException",
        "UserImportInProgressException", "InvalidEmailRoleAccessPolicyException", "UserPoolTaggingException",
        "FeatureUnavailableInTierException", "TierChangeNotAllowedException",
    ];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(UpdateUserPoolRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var name = request.PoolName is null ? null : Names.Check(request.PoolName, "poolName");
        // Checked before anything is written (an out-of-range MinimumLength is refused whole).
        CreateUserPool.MinimumLength(request.Policies);
        var triggers = LambdaConfigShapes.ToTriggers(request.LambdaConfig, lambdas);
        var verified = request.AutoVerifiedAttributes is { } listed ? new List<string>(listed) : null;
        SchemaShapes.Check(new Configuration.UserPoolOptions { AutoVerifiedAttributes = verified });
        var enumeration = CreateUserPool.EnumerationModeFromTags(request.UserPoolTags);
        await admin.UpdatePoolAsync(AdminShapes.Stored(pool), settings =>
        {
            settings.Name = name ?? settings.Name;
            CreateUserPool.SetPasswordPolicy(settings, request.Policies);
            settings.Triggers = triggers;
            // Left out: Sesame's default (phone, else email), as a pool created without it.
            settings.AutoVerifiedAttributes = verified;
            settings.EnumerationMode = enumeration ?? settings.EnumerationMode;
        }, cancellationToken);
        return new AccountEmptyResponse();
    }
}
