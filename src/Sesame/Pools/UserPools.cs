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

    // A pool with AliasAttributes has free-form usernames (Cognito: the two settings exclude each other).
    public bool UsesPhoneAsUsername { get; } =
        (options.UsernameAttributes ?? (options.AliasAttributes is null ? DefaultUsernameAttributes : [])).Contains("phone_number");

    public bool UsesEmailAsUsername { get; } =
        (options.UsernameAttributes ?? (options.AliasAttributes is null ? DefaultUsernameAttributes : [])).Contains("email");

    /// <summary>Whether unconfirmed and confirmed accounts are answered like unknown ones where Cognito tells them apart.</summary>
    public bool StrictEnumeration { get; } = options.PreventUserExistenceErrors && options.EnumerationMode == EnumerationMode.Strict;

    /// <summary>The pool's password mode, with the older <c>PasswordRequired: true</c> read as Required.</summary>
    public PasswordMode Passwords { get; } = options.PasswordRequired ? PasswordMode.Required : options.PasswordMode;

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

    /// <summary>Whether the client may read the attribute (Cognito's <c>ReadAttributes</c>; <c>sub</c> always).</summary>
    public bool CanRead(string attribute) => Options.ReadAttributes is not { } readable || attribute == "sub" || readable.Contains(attribute);

    /// <summary>Whether the client may write the attribute (Cognito's <c>WriteAttributes</c>).</summary>
    public bool CanWrite(string attribute) => Options.WriteAttributes is not { } writable || writable.Contains(attribute);

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
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

    private readonly IUserPoolStore _store;

    // A miss re-reads the store at most this often (PostgreSQL): unknown ids sent on purpose cannot turn into load.
    private static readonly TimeSpan MissReloadSpacing = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _loadGate = new(1, 1);
    // Counts this node's own changes (Add, Replace, Remove): a load whose read began before one of them is dropped, so
    // rows read a moment earlier never undo it (the next load reads it from the store).
    private long _localChanges;
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

        _snapshot = new Snapshot([.. pools], [.. clients]);
    }

    /// <summary>Whether other nodes share the store (PostgreSQL), so the snapshot must be re-read to see their pools.</summary>
    public bool Shared { get; }

    public void Dispose() => _loadGate.Dispose();

    /// <summary>
    /// Brings the pools and clients stored through the API into the snapshot: run once before the server takes requests
    /// (<see cref="StoredUserPoolsLoader"/>), and again, when nodes share the store, every <c>Sesame:Storage:RefreshInterval</c>
    /// and on a miss (<see cref="ReloadOnMissAsync"/>), to pick up what other nodes created, updated or deleted since.
    /// A configured pool or client with the same id wins: configuration is the source for configured pools. Returns
    /// whether the snapshot changed.
    /// </summary>
    public async ValueTask<bool> LoadStoredAsync(CancellationToken cancellationToken)
    {
        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            return await LoadOnceAsync(cancellationToken);
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
        if ((last != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(last, now) < MissReloadSpacing)
            || Interlocked.CompareExchange(ref _lastMissReload, now, last) != last)
        {
            return false;
        }

        return await LoadStoredAsync(cancellationToken);
    }

    private async ValueTask<bool> LoadOnceAsync(CancellationToken cancellationToken)
    {
        var changesBefore = Interlocked.Read(ref _localChanges);
        var (storedPools, storedClients) = await _store.LoadAsync(cancellationToken);
        lock (_writeLock)
        {
            if (Interlocked.Read(ref _localChanges) != changesBefore)
            {
                return false;
            }

            var current = _snapshot;
            // Configured pools are the ones without a creation date; every stored one is taken from the store as it is now.
            var pools = current.Ordered.Where(p => p.CreatedAt is null).ToList();
            foreach (var record in storedPools)
            {
                if (!pools.Any(p => p.Id == record.PoolId))
                {
                    // The instance already held stays when nothing changed: lookups made before still hold it.
                    pools.Add(current.Pools.GetValueOrDefault(record.PoolId) is { CreatedAt: not null } held && held.ModifiedAt == record.ModifiedAt
                        ? held
                        : new UserPool(record.PoolId, record.Settings) { CreatedAt = record.CreatedAt, ModifiedAt = record.ModifiedAt });
                }
            }

            var byId = pools.ToDictionary(p => p.Id, StringComparer.Ordinal);
            var clients = current.OrderedClients.Where(c => c.CreatedAt is null).Select(c => Rebind(c, byId[c.Pool.Id])).ToList();
            foreach (var record in storedClients)
            {
                if (byId.TryGetValue(record.PoolId, out var pool) && !clients.Any(c => c.ClientId == record.ClientId))
                {
                    clients.Add(current.Clients.GetValueOrDefault(record.ClientId) is { CreatedAt: not null } held
                        && held.ModifiedAt == record.ModifiedAt && ReferenceEquals(held.Pool, pool)
                        ? held
                        : new AppClient(record.ClientId, record.Settings, pool) { CreatedAt = record.CreatedAt, ModifiedAt = record.ModifiedAt });
                }
            }

            var changed = pools.Count != current.Ordered.Count || clients.Count != current.OrderedClients.Count
                || pools.Any(p => !ReferenceEquals(current.Pools.GetValueOrDefault(p.Id), p))
                || clients.Any(c => !ReferenceEquals(current.Clients.GetValueOrDefault(c.ClientId), c));
            if (changed)
            {
                _snapshot = new Snapshot([.. pools], [.. clients]);
            }

            return changed;
        }
    }

    /// <summary>Every pool: configured ones first, in configuration order, then created ones, oldest first.</summary>
    public IEnumerable<UserPool> All => _snapshot.Ordered;

    public UserPool? FindPool(string poolId) => _snapshot.Pools.GetValueOrDefault(poolId);

    public AppClient? FindClient(string clientId) => _snapshot.Clients.GetValueOrDefault(clientId);

    /// <summary>The app clients of a pool: configured ones first, in configuration order, then created ones, oldest first.</summary>
    public IEnumerable<AppClient> ClientsOf(string poolId) => _snapshot.OrderedClients.Where(c => c.Pool.Id == poolId);

    /// <summary>Makes a pool created through the API visible to every later lookup.</summary>
    public void Add(UserPool pool)
    {
        lock (_writeLock)
        {
            Interlocked.Increment(ref _localChanges);
            var current = _snapshot;
            // A load may have read it from the store a moment before (it is stored before it is added).
            if (current.Pools.ContainsKey(pool.Id))
            {
                return;
            }

            _snapshot = new Snapshot([.. current.Ordered, pool], [.. current.OrderedClients]);
        }
    }

    /// <summary>Makes an app client created through the API visible to every later lookup.</summary>
    public void Add(AppClient client)
    {
        lock (_writeLock)
        {
            Interlocked.Increment(ref _localChanges);
            var current = _snapshot;
            if (current.Clients.ContainsKey(client.ClientId))
            {
                return;
            }

            _snapshot = new Snapshot(current.Ordered, [.. current.OrderedClients, client]);
        }
    }

    /// <summary>Puts an updated pool in place of the one with its id; its app clients follow it.</summary>
    public void Replace(UserPool pool)
    {
        lock (_writeLock)
        {
            Interlocked.Increment(ref _localChanges);
            var current = _snapshot;
            _snapshot = new Snapshot(
                [.. current.Ordered.Select(p => p.Id == pool.Id ? pool : p)],
                [.. current.OrderedClients.Select(c => c.Pool.Id == pool.Id ? Rebind(c, pool) : c)]);
        }
    }

    /// <summary>Takes a deleted pool, and its app clients, out of every later lookup.</summary>
    public void Remove(UserPool pool)
    {
        lock (_writeLock)
        {
            Interlocked.Increment(ref _localChanges);
            var current = _snapshot;
            _snapshot = new Snapshot([.. current.Ordered.Where(p => p.Id != pool.Id)], [.. current.OrderedClients.Where(c => c.Pool.Id != pool.Id)]);
        }
    }

    /// <summary>Puts an updated app client in place of the one with its id.</summary>
    public void Replace(AppClient client)
    {
        lock (_writeLock)
        {
            Interlocked.Increment(ref _localChanges);
            var current = _snapshot;
            _snapshot = new Snapshot(current.Ordered, [.. current.OrderedClients.Select(c => c.ClientId == client.ClientId ? client : c)]);
        }
    }

    /// <summary>Takes a deleted app client out of every later lookup.</summary>
    public void Remove(AppClient client)
    {
        lock (_writeLock)
        {
            Interlocked.Increment(ref _localChanges);
            var current = _snapshot;
            _snapshot = new Snapshot(current.Ordered, [.. current.OrderedClients.Where(c => c.ClientId != client.ClientId)]);
        }
    }

    private static AppClient Rebind(AppClient client, UserPool pool) => ReferenceEquals(client.Pool, pool)
        ? client
        : new AppClient(client.ClientId, client.Options, pool) { CreatedAt = client.CreatedAt, ModifiedAt = client.ModifiedAt };

    private sealed class Snapshot(IReadOnlyList<UserPool> ordered, IReadOnlyList<AppClient> clients)
    {
        public IReadOnlyList<UserPool> Ordered { get; } = ordered;

        public FrozenDictionary<string, UserPool> Pools { get; } = ordered.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);

        /// <summary>Configured clients first, in configuration order, then created ones, oldest first.</summary>
        public IReadOnlyList<AppClient> OrderedClients { get; } = clients;

        public FrozenDictionary<string, AppClient> Clients { get; } = clients.ToFrozenDictionary(c => c.ClientId, StringComparer.Ordinal);
    }
}
