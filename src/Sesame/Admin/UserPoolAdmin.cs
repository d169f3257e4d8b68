using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tokens;

namespace Sesame.Admin;

/// <summary>
/// Creates pools and app clients through the API: stored first (so they survive a restart and reach every node that
/// starts after), signing keys made for a new pool before anyone can see it, then added to the in-memory snapshot.
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

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "User pool {PoolId} created through the API.")]
        public static partial void PoolCreated(ILogger logger, string poolId);

        [LoggerMessage(2, LogLevel.Information, "App client {ClientId} created in user pool {PoolId} through the API.")]
        public static partial void ClientCreated(ILogger logger, string clientId, string poolId);
    }
}
