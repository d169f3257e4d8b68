using Sesame.Configuration;

namespace Sesame.Storage;

/// <summary>A user pool created through the API (CreateUserPool). Its app clients are stored apart.</summary>
internal sealed record UserPoolRecord(string PoolId, UserPoolOptions Settings, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt);

/// <summary>An app client created through the API (CreateUserPoolClient); the secret, when any, is in the settings.</summary>
internal sealed record AppClientRecord(string ClientId, string PoolId, AppClientOptions Settings, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt);

/// <summary>Pools and app clients created through the API. Configured ones never come from here.</summary>
internal interface IUserPoolStore
{
    /// <summary>Every stored pool and client, read once at start-up into the in-memory snapshot.</summary>
    ValueTask<(IReadOnlyList<UserPoolRecord> Pools, IReadOnlyList<AppClientRecord> Clients)> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Adds a pool; false when the id is taken.</summary>
    ValueTask<bool> AddPoolAsync(UserPoolRecord pool, CancellationToken cancellationToken);

    /// <summary>Adds an app client; false when the id is taken.</summary>
    ValueTask<bool> AddClientAsync(AppClientRecord client, CancellationToken cancellationToken);

    /// <summary>Replaces a stored pool's name, settings and modification time; false when there is no such stored pool.</summary>
    ValueTask<bool> UpdatePoolAsync(UserPoolRecord pool, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a stored pool with everything in it — app clients, users, groups, codes, sessions, tokens, queued messages,
    /// signing keys — in one transaction; false when there is no such stored pool.
    /// </summary>
    ValueTask<bool> DeletePoolAsync(string poolId, CancellationToken cancellationToken);

    /// <summary>Replaces a stored client's name, settings and modification time; false when the pool has no such stored client.</summary>
    ValueTask<bool> UpdateClientAsync(AppClientRecord client, CancellationToken cancellationToken);

    /// <summary>Deletes a stored client; false when the pool has no such stored client.</summary>
    ValueTask<bool> DeleteClientAsync(string poolId, string clientId, CancellationToken cancellationToken);
}
