using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Hosting;
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
    : PeriodicWork(options.Value.Storage.SweepInterval, "delete expired limit counters", new EventId(2, "SweepFailed"), logger)
{
    protected override async ValueTask RunAsync(CancellationToken cancellationToken)
    {
        var deleted = await store.SweepAsync(time.GetUtcNow(), cancellationToken);
        if (deleted > 0)
        {
            Log.Swept(logger, deleted);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Deleted {Count} expired limit counters.")]
        public static partial void Swept(ILogger logger, int count);
    }
}
