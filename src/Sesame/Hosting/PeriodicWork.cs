using Microsoft.Extensions.Hosting;

namespace Sesame.Hosting;

/// <summary>
/// Work a node repeats every <paramref name="interval"/> of real time, for as long as the host runs: the first run one
/// interval after start, one run at a time, a failure logged (with the work's own event id, in the work's own category)
/// and tried again at the next interval, and the host's stop ending the loop, a run in progress included. Real time, not
/// the TimeProvider: how often to look is not part of what the server decides (expiry, judged inside the work, is).
/// </summary>
/// <param name="work">What the work does, as the failure line says it: "Could not {work} (…)".</param>
/// <param name="failureEvent">The failure line's event id, fixed per work: Category + EventId names it across versions.</param>
internal abstract class PeriodicWork(TimeSpan interval, string work, EventId failureEvent, ILogger logger) : BackgroundService
{
    private readonly Action<ILogger, string, string, string, Exception?> _failed = LoggerMessage.Define<string, string, string>(
        LogLevel.Warning, failureEvent, "Could not {Work} ({ErrorType}: {Reason}); trying again at the next interval.");

    /// <summary>One run; an exception fails this run only.</summary>
    protected abstract ValueTask RunAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _failed(logger, work, e.GetType().Name, e.Message, null);
            }
        }
    }
}
