using Sesame.Account;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminUpdateUserAttributesRequest(
    string? UserPoolId, string? Username, List<AttributeType>? UserAttributes, Dictionary<string, string>? ClientMetadata);

/// <summary>
/// Changes a user's attributes at once. Unlike a client, an administrator may write <c>email_verified</c> and
/// <c>phone_number_verified</c>; setting one to true in the same call as a new value skips its verification
/// (model doc of AdminUpdateUserAttributes).
/// </summary>
internal sealed class AdminUpdateUserAttributes(AdminUsers admin, AccountFlow account, UserPools pools)
    : CognitoOperation<AdminUpdateUserAttributesRequest, AccountEmptyResponse>(
        AccountJsonContext.Wire.AdminUpdateUserAttributesRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminUpdateUserAttributes";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.AliasExists, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(
        AdminUpdateUserAttributesRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        if (request.UserAttributes is null)
        {
            throw CognitoErrors.Validation("userAttributes", "Member must not be null");
        }

        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        var others = new List<AttributeType>();
        foreach (var attribute in request.UserAttributes)
        {
            if (attribute?.Name is UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified)
            {
                var value = attribute.Value?.ToLowerInvariant();
                flags[attribute.Name] = value is "true" or "false"
                    ? value
                    : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{attribute.Name} must be true or false.");
            }
            else
            {
                others.Add(attribute!);
            }
        }

        var changes = UserAttributes.FromClient(others, "userAttributes");
        foreach (var (name, value) in flags)
        {
            changes[name] = value;
        }

        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        if (pools.FindPool(user.PoolId) is { } pool)
        {
            // An administrator writes any attribute, but not past the schema (immutable ones, constraints).
            AttributeSchema.CheckUpdate(pool, client: null, changes);
        }

        await account.AdminUpdateAttributesAsync(user, changes, request.ClientMetadata, cancellationToken);
        return new AccountEmptyResponse();
    }
}
