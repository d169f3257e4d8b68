using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Tokens;

namespace Sesame;

/// <summary>
/// What a node holds in memory is re-read every <c>Sesame:Storage:RefreshInterval</c>: on a shared database (PostgreSQL)
/// pools and app clients other nodes created; on either engine signing keys another node or <c>sesame keys rotate</c>
/// rotated (one query), and the scheduled rotation, when configured. A lookup that misses re-reads the pools at once (<see cref="UserPools.ReloadOnMissAsync"/>); this bounds
/// the rest. An unreachable database only delays the next refresh.
/// </summary>
internal sealed partial class SharedStateRefresher(UserPools pools, SigningKeys keys, IOptions<SesameOptions> options, ILogger<SharedStateRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time, not the TimeProvider: how often to look is not part of what the server decides.
        using var timer = new PeriodicTimer(options.Value.Storage.RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (pools.Shared)
                {
                    await pools.LoadStoredAsync(stoppingToken);
                }

                await keys.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.RefreshFailed(logger, e.GetType().Name, e.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not refresh pools and signing keys from the database ({ErrorType}: {Reason}); trying again at the next interval.")]
        public static partial void RefreshFailed(ILogger logger, string errorType, string reason);
    }
}
