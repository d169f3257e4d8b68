using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Storage;

namespace Sesame.Abuse;

/// <summary>
/// Deletes expired limit counters every <c>Sesame:Storage:SweepInterval</c>. A key is trimmed whenever it is counted
/// again, but the counters of a destination or client IP that never comes back would otherwise stay in the store for
/// ever: one script spreading requests over many addresses would grow it without bound. Expiry is judged by the
/// server's clock (the TimeProvider), how often to look by real time. On many nodes each sweeps; a sweep that finds
/// nothing costs one indexed DELETE.
/// </summary>
internal sealed partial class LimitSweeper(IRateLimitStore store, TimeProvider time, IOptions<SesameOptions> options, ILogger<LimitSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Storage.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var deleted = await store.SweepAsync(time.GetUtcNow(), stoppingToken);
                if (deleted > 0)
                {
                    Log.Swept(logger, deleted);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.SweepFailed(logger, e.GetType().Name, e.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Deleted {Count} expired limit counters.")]
        public static partial void Swept(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Warning, "Could not delete expired limit counters ({ErrorType}: {Reason}); trying again at the next interval.")]
        public static partial void SweepFailed(ILogger logger, string errorType, string reason);
    }
}
