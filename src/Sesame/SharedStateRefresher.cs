using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Hosting;
using Sesame.Pools;
using Sesame.Tokens;

namespace Sesame;

/// <summary>
/// What a node holds in memory is re-read every <c>Sesame:Storage:RefreshInterval</c>: on a shared database (PostgreSQL)
/// pools and app clients other nodes created; on either engine signing keys another node or <c>sesame keys rotate</c>
/// rotated (one query), and the scheduled rotation, when configured. A lookup that misses re-reads the pools at once (<see cref="UserPools.ReloadOnMissAsync"/>); this bounds
/// the rest. An unreachable database only delays the next refresh.
/// </summary>
internal sealed class SharedStateRefresher(UserPools pools, SigningKeys keys, IOptions<SesameOptions> options, ILogger<SharedStateRefresher> logger)
    : PeriodicWork(options.Value.Storage.RefreshInterval, "refresh pools and signing keys from the database", new EventId(1, "RefreshFailed"), logger)
{
    protected override async ValueTask RunAsync(CancellationToken cancellationToken)
    {
        if (pools.Shared)
        {
            await pools.LoadStoredAsync(cancellationToken);
        }

        await keys.RefreshAsync(cancellationToken);
    }
}
