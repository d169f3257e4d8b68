using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Sesame.Configuration;

/// <summary>A configured user pool, resolved once at start-up.</summary>
internal sealed class UserPool(string id, UserPoolOptions options)
{
    public string Id { get; } = id;

    /// <summary>The region part of the id, which clients also derive.</summary>
    public string Region { get; } = id[..id.LastIndexOf('_')];

    public UserPoolOptions Options { get; } = options;

    public static readonly IReadOnlyList<string> DefaultUsernameAttributes = ["phone_number", "email"];

    public bool UsesPhoneAsUsername { get; } = (options.UsernameAttributes ?? DefaultUsernameAttributes).Contains("phone_number");

    public bool UsesEmailAsUsername { get; } = (options.UsernameAttributes ?? DefaultUsernameAttributes).Contains("email");
}

/// <summary>A configured app client and the pool it belongs to.</summary>
internal sealed class AppClient(string clientId, AppClientOptions options, UserPool pool)
{
    public string ClientId { get; } = clientId;

    public AppClientOptions Options { get; } = options;

    public UserPool Pool { get; } = pool;

    // Cognito's default when ExplicitAuthFlows is unset includes ALLOW_USER_SRP_AUTH (CreateUserPoolClient API reference).
    public static readonly IReadOnlyList<string> DefaultAuthFlows = ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

    public bool Allows(string explicitFlow) => (Options.ExplicitAuthFlows ?? DefaultAuthFlows).Contains(explicitFlow);
}

/// <summary>Looks up pools and app clients. One dictionary lookup per request.</summary>
internal sealed class UserPools
{
    private readonly FrozenDictionary<string, UserPool> _pools;
    private readonly FrozenDictionary<string, AppClient> _clients;

    public UserPools(IOptions<SesameOptions> options)
    {
        var pools = new Dictionary<string, UserPool>(StringComparer.Ordinal);
        var clients = new Dictionary<string, AppClient>(StringComparer.Ordinal);
        foreach (var (poolId, poolOptions) in options.Value.UserPools)
        {
            var pool = new UserPool(poolId, poolOptions);
            pools[poolId] = pool;
            foreach (var (clientId, clientOptions) in poolOptions.Clients)
            {
                clients[clientId] = new AppClient(clientId, clientOptions, pool);
            }
        }

        _pools = pools.ToFrozenDictionary(StringComparer.Ordinal);
        _clients = clients.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<UserPool> All => _pools.Values;

    public UserPool? FindPool(string poolId) => _pools.GetValueOrDefault(poolId);

    public AppClient? FindClient(string clientId) => _clients.GetValueOrDefault(clientId);
}
