using System.Text.RegularExpressions;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Users;

namespace Sesame.CognitoApi;

/// <summary>Cognito's <c>UserType</c> (AdminCreateUser, ListUsers). Dates are epoch seconds, as Cognito writes them.</summary>
internal sealed record UserType(
    string Username, List<AttributeType>? Attributes, double UserCreateDate, double UserLastModifiedDate, bool Enabled, string UserStatus);

/// <summary>Shapes and checks the admin operations share.</summary>
internal static partial class AdminShapes
{
    /// <summary>Cognito writes timestamps as epoch seconds with a fraction (<c>1689980857.949</c>).</summary>
    public static double Epoch(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    public static UserType ToUserType(User user, IReadOnlyCollection<string>? attributesToGet = null) => new(
        user.Username,
        [.. user.AllAttributes().Where(a => attributesToGet is null || attributesToGet.Contains(a.Key)).Select(a => new AttributeType(a.Key, a.Value))],
        Epoch(user.CreatedAt),
        Epoch(user.ModifiedAt),
        user.Enabled,
        user.Status);

    /// <summary>The pool a request names, checked as Cognito's model checks <c>UserPoolId</c>.</summary>
    public static UserPool FindPool(UserPools pools, string? userPoolId)
    {
        var id = PoolId(userPoolId);
        return pools.FindPool(id) ?? throw PoolNotFound(id);
    }

    public static string PoolId(string? userPoolId)
    {
        var id = Validate.Length(userPoolId, "userPoolId", 1, 55);
        if (!PoolIdPattern().IsMatch(id))
        {
            throw CognitoErrors.Validation("userPoolId", @"Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+", id);
        }

        return id;
    }

    public static CognitoException PoolNotFound(string poolId) =>
        CognitoErrors.Error(CognitoErrors.ResourceNotFound, $"User pool {poolId} does not exist.");

    /// <summary>
    /// A pool the API may change or delete: one created through it. A configured pool is changed in configuration, which
    /// would put it back at the next start anyway.
    /// </summary>
    public static UserPool Stored(UserPool pool) => pool.CreatedAt is not null
        ? pool
        : throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
            $"User pool {pool.Id} is defined in configuration (Sesame:UserPools:{pool.Id}); change it there, not through the API.");

    /// <summary>An app client the API may change or delete: one created through it.</summary>
    public static AppClient Stored(AppClient client) => client.CreatedAt is not null
        ? client
        : throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
            $"App client {client.ClientId} is defined in configuration (Sesame:UserPools:{client.Pool.Id}:Clients:{client.ClientId}); change it there, not through the API.");

    /// <summary>The app client a request names, which must belong to the pool it names.</summary>
    public static AppClient FindClient(UserPool pool, UserPools pools, string? clientId)
    {
        var id = Validate.ClientId(clientId);
        var client = pools.FindClient(id);
        return client is not null && client.Pool.Id == pool.Id ? client : throw CognitoErrors.ClientNotFound(id);
    }

    /// <summary>An enum member, with Cognito's validation message when the value is not one of <paramref name="allowed"/>.</summary>
    public static string? Enum(string? value, string member, params string[] allowed) =>
        value is null || allowed.Contains(value)
            ? value
            : throw CognitoErrors.Validation(member, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]", value);

    [GeneratedRegex(@"^[\w-]+_[0-9a-zA-Z]+$")]
    private static partial Regex PoolIdPattern();
}
