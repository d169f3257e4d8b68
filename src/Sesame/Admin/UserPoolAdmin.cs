using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tokens;

namespace Sesame.Admin;

/// <summary>
/// Creates, updates and deletes pools and app clients through the API: stored first (so they survive a restart and
/// reach every node that loads the store after), signing keys made for a new pool before anyone can see it, then put
/// in (or taken out of) the in-memory snapshot. Configured pools and clients are never changed here.
/// </summary>
internal sealed partial class UserPoolAdmin(
    UserPools pools, IUserPoolStore store, SigningKeys keys, TimeProvider time, ILogger<UserPoolAdmin> logger)
{
    public async ValueTask<UserPool> CreatePoolAsync(string region, UserPoolOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var poolId = ResourceIds.PoolId(region);
            if (pools.FindPool(poolId) is not null)
            {
                continue;
            }

            if (!await store.AddPoolAsync(new UserPoolRecord(poolId, settings, now, now), cancellationToken))
            {
                if (attempt < 3)
                {
                    continue;
                }

                throw new InvalidOperationException("Could not draw an unused user pool id.");
            }

            var pool = new UserPool(poolId, settings) { CreatedAt = now, ModifiedAt = now };
            // Tokens can be issued (and the JWKS served) the moment the pool is visible.
            await keys.ForPoolAsync(pool, cancellationToken);
            pools.Add(pool);
            Log.PoolCreated(logger, poolId);
            return pool;
        }
    }

    public async ValueTask<AppClient> CreateClientAsync(UserPool pool, AppClientOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var clientId = ResourceIds.ClientId();
            if (pools.FindClient(clientId) is not null)
            {
                continue;
            }

            if (!await store.AddClientAsync(new AppClientRecord(clientId, pool.Id, settings, now, now), cancellationToken))
            {
                if (attempt < 3)
                {
                    continue;
                }

                throw new InvalidOperationException("Could not draw an unused app client id.");
            }

            var client = new AppClient(clientId, settings, pool) { CreatedAt = now, ModifiedAt = now };
            pools.Add(client);
            Log.ClientCreated(logger, clientId, pool.Id);
            return client;
        }
    }

    /// <summary>Applies <paramref name="change"/> to a copy of a stored pool's settings, stores it, then shows it.</summary>
    public async ValueTask<UserPool> UpdatePoolAsync(UserPool pool, Action<UserPoolOptions> change, CancellationToken cancellationToken)
    {
        var settings = StoredPoolSettings.ReadPool(StoredPoolSettings.Write(pool.Options));
        change(settings);
        var now = time.GetUtcNow();
        if (!await store.UpdatePoolAsync(new UserPoolRecord(pool.Id, settings, pool.CreatedAt ?? now, now), cancellationToken))
        {
            // Deleted by another node meanwhile: this node stops showing it too.
            pools.Remove(pool);
            throw CognitoErrors.Error(CognitoErrors.ResourceNotFound, $"User pool {pool.Id} does not exist.");
        }

        var updated = new UserPool(pool.Id, settings) { CreatedAt = pool.CreatedAt, ModifiedAt = now };
        pools.Replace(updated);
        Log.PoolUpdated(logger, pool.Id);
        return updated;
    }

    public async ValueTask DeletePoolAsync(UserPool pool, CancellationToken cancellationToken)
    {
        var deleted = await store.DeletePoolAsync(pool.Id, cancellationToken);
        pools.Remove(pool);
        if (!deleted)
        {
            throw CognitoErrors.Error(CognitoErrors.ResourceNotFound, $"User pool {pool.Id} does not exist.");
        }

        Log.PoolDeleted(logger, pool.Id);
    }

    /// <summary>Stores new settings for a client created through the API, then shows them.</summary>
    public async ValueTask<AppClient> UpdateClientAsync(AppClient client, AppClientOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!await store.UpdateClientAsync(new AppClientRecord(client.ClientId, client.Pool.Id, settings, client.CreatedAt ?? now, now), cancellationToken))
        {
            pools.Remove(client);
            throw CognitoErrors.ClientNotFound(client.ClientId);
        }

        var updated = new AppClient(client.ClientId, settings, client.Pool) { CreatedAt = client.CreatedAt, ModifiedAt = now };
        pools.Replace(updated);
        Log.ClientUpdated(logger, client.ClientId, client.Pool.Id);
        return updated;
    }

    public async ValueTask DeleteClientAsync(AppClient client, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteClientAsync(client.Pool.Id, client.ClientId, cancellationToken);
        pools.Remove(client);
        if (!deleted)
        {
            throw CognitoErrors.ClientNotFound(client.ClientId);
        }

        Log.ClientDeleted(logger, client.ClientId, client.Pool.Id);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "User pool {PoolId} created through the API.")]
        public static partial void PoolCreated(ILogger logger, string poolId);

        [LoggerMessage(2, LogLevel.Information, "App client {ClientId} created in user pool {PoolId} through the API.")]
        public static partial void ClientCreated(ILogger logger, string clientId, string poolId);

        [LoggerMessage(3, LogLevel.Information, "User pool {PoolId} updated through the API.")]
        public static partial void PoolUpdated(ILogger logger, string poolId);

        [LoggerMessage(4, LogLevel.Information, "User pool {PoolId} deleted through the API, with its clients, users and groups.")]
        public static partial void PoolDeleted(ILogger logger, string poolId);

        [LoggerMessage(5, LogLevel.Information, "App client {ClientId} of user pool {PoolId} updated through the API.")]
        public static partial void ClientUpdated(ILogger logger, string clientId, string poolId);

        [LoggerMessage(6, LogLevel.Information, "App client {ClientId} of user pool {PoolId} deleted through the API.")]
        public static partial void ClientDeleted(ILogger logger, string clientId, string poolId);
    }
}

