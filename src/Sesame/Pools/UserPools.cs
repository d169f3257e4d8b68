using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Storage;

namespace Sesame.Pools;

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

    /// <summary>When the pool was created through the API; null for a configured pool.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? ModifiedAt { get; init; }
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

    /// <summary>When the client was created through the API; null for a configured client.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? ModifiedAt { get; init; }
}

/// <summary>
/// Looks up pools and app clients: one dictionary lookup per request, on an immutable snapshot. Pools and clients
/// created through the API (CreateUserPool, CreateUserPoolClient) are read from storage once at start-up and added
/// copy-on-write, so a lookup never touches the database; configuration stays the source of configured pools.
/// </summary>
internal sealed class UserPools : IDisposable
{
    // A miss re-reads the store at most this often (PostgreSQL): unknown ids sent on purpose cannot turn into load.
    private static readonly TimeSpan MissReloadSpacing = TimeSpan.FromSeconds(1);

    private readonly Lock _writeLock = new();
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private volatile Snapshot _snapshot;

    private readonly IUserPoolStore _store;
    private readonly IReadOnlyList<UserPool> _configuredPools;
    private readonly IReadOnlyList<AppClient> _configuredClients;
    // Pools and clients this node added while a load was reading the store: the load's rows may predate them.
    private readonly List<(long Ticks, object Item)> _recentlyAdded = [];
    private long _lastMissReload;

    public UserPools(IOptions<SesameOptions> options, IUserPoolStore store)
    {
        _store = store;
        Shared = Storage.StorageServices.IsPostgres(options.Value);
        var pools = new List<UserPool>();
        var clients = new List<AppClient>();
        foreach (var (poolId, poolOptions) in options.Value.UserPools)
        {
            var pool = new UserPool(poolId, poolOptions);
            pools.Add(pool);
            foreach (var (clientId, clientOptions) in poolOptions.Clients)
            {
                clients.Add(new AppClient(clientId, clientOptions, pool));
            }
        }

        _configuredPools = pools;
        _configuredClients = clients;
        _snapshot = new Snapshot([.. pools], [.. clients]);
    }

    public void Dispose() => _loadGate.Dispose();

    /// <summary>Whether other nodes share the store (PostgreSQL), so the snapshot must be re-read to see their pools.</summary>
    public bool Shared { get; }

    /// <summary>
    /// Rebuilds the snapshot from configuration and the pools and clients stored through the API: at start-up (before the
    /// server takes requests, <see cref="StoredUserPoolsLoader"/>) and, when nodes share the store, every
    /// <c>Sesame:Storage:RefreshInterval</c> and on a miss. A configured pool or client with the same id wins:
    /// configuration is the source for configured pools. Returns whether anything changed.
    /// </summary>
    public async ValueTask<bool> LoadStoredAsync(CancellationToken cancellationToken)
    {
        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (storedPools, storedClients) = await _store.LoadAsync(cancellationToken);
            lock (_writeLock)
            {
                var current = _snapshot;
                var pools = _configuredPools.ToList();
                var configuredIds = pools.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
                var clients = _configuredClients.ToList();
                var configuredClientIds = clients.Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
                foreach (var record in storedPools)
                {
                    if (!configuredIds.Contains(record.PoolId))
                    {
                        // The instance already held stays when nothing changed: others hold references to it.
                        pools.Add(current.Pools.GetValueOrDefault(record.PoolId) is { } held && held.ModifiedAt == record.ModifiedAt
                            ? held
                            : new UserPool(record.PoolId, record.Settings) { CreatedAt = record.CreatedAt, ModifiedAt = record.ModifiedAt });
                    }
                }

                var byId = pools.ToDictionary(p => p.Id, StringComparer.Ordinal);
                foreach (var record in storedClients)
                {
                    if (byId.TryGetValue(record.PoolId, out var pool) && !configuredClientIds.Contains(record.ClientId))
                    {
                        clients.Add(current.Clients.GetValueOrDefault(record.ClientId) is { } held && held.ModifiedAt == record.ModifiedAt && ReferenceEquals(held.Pool, pool)
                            ? held
                            : new AppClient(record.ClientId, record.Settings, pool) { CreatedAt = record.CreatedAt, ModifiedAt = record.ModifiedAt });
                    }
                }

                foreach (var (ticks, item) in _recentlyAdded)
                {
                    if (ticks >= started && item is UserPool p && !byId.ContainsKey(p.Id))
                    {
                        pools.Add(p);
                        byId[p.Id] = p;
                    }
                    else if (ticks >= started && item is AppClient c && !clients.Any(x => x.ClientId == c.ClientId))
                    {
                        clients.Add(c);
                    }
                }

                _recentlyAdded.RemoveAll(a => a.Ticks < started);
                var changed = pools.Count != current.Ordered.Count || clients.Count != current.Clients.Count
                    || pools.Any(p => !ReferenceEquals(current.Pools.GetValueOrDefault(p.Id), p))
                    || clients.Any(c => !ReferenceEquals(current.Clients.GetValueOrDefault(c.ClientId), c));
                if (changed)
                {
                    _snapshot = new Snapshot([.. pools], [.. clients]);
                }

                return changed;
            }
        }
        finally
        {
            _loadGate.Release();
        }
    }

    /// <summary>
    /// After a lookup missed, on a shared store: re-reads the store (at most once a second, whoever asks) so a pool or
    /// client another node has just created is found at once. True when the snapshot changed.
    /// </summary>
    public async ValueTask<bool> ReloadOnMissAsync(CancellationToken cancellationToken)
    {
        if (!Shared)
        {
            return false;
        }

        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _lastMissReload);
        if (last != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(last, now) < MissReloadSpacing
            || Interlocked.CompareExchange(ref _lastMissReload, now, last) != last)
        {
            return false;
        }

        return await LoadStoredAsync(cancellationToken);
    }

    /// <summary>Every pool: configured ones first, in configuration order, then created ones, oldest first.</summary>
    public IEnumerable<UserPool> All => _snapshot.Ordered;

    public UserPool? FindPool(string poolId) => _snapshot.Pools.GetValueOrDefault(poolId);

    public AppClient? FindClient(string clientId) => _snapshot.Clients.GetValueOrDefault(clientId);

    /// <summary>The app clients of a pool.</summary>
    public IEnumerable<AppClient> ClientsOf(string poolId) => _snapshot.Clients.Values.Where(c => c.Pool.Id == poolId);

    /// <summary>Makes a pool created through the API visible to every later lookup.</summary>
    public void Add(UserPool pool)
    {
        lock (_writeLock)
        {
            if (Shared)
            {
                _recentlyAdded.Add((System.Diagnostics.Stopwatch.GetTimestamp(), pool));
            }

            var current = _snapshot;
            // A refresh may have read it from the store a moment before (it is stored before it is added).
            if (!current.Pools.ContainsKey(pool.Id))
            {
                _snapshot = new Snapshot([.. current.Ordered, pool], [.. current.Clients.Values]);
            }
        }
    }

    /// <summary>Makes an app client created through the API visible to every later lookup.</summary>
    public void Add(AppClient client)
    {
        lock (_writeLock)
        {
            if (Shared)
            {
                _recentlyAdded.Add((System.Diagnostics.Stopwatch.GetTimestamp(), client));
            }

            var current = _snapshot;
            if (!current.Clients.ContainsKey(client.ClientId))
            {
                _snapshot = new Snapshot(current.Ordered, [.. current.Clients.Values, client]);
            }
        }
    }

    private sealed class Snapshot(IReadOnlyList<UserPool> ordered, IReadOnlyList<AppClient> clients)
    {
        public IReadOnlyList<UserPool> Ordered { get; } = ordered;

        public FrozenDictionary<string, UserPool> Pools { get; } = ordered.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);

        public FrozenDictionary<string, AppClient> Clients { get; } = clients.ToFrozenDictionary(c => c.ClientId, StringComparer.Ordinal);
    }
}
