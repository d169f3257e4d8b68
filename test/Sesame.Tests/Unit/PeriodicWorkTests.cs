using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sesame.Hosting;

namespace Sesame.Tests.Unit;

/// <summary>The one loop background work repeats on: a failed run is logged under the work's event id and the next runs.</summary>
public sealed class PeriodicWorkTests
{
    [Fact]
    public async Task PeriodicWork_RunFails_LoggedWithItsEventIdAndRunAgain()
    {
        var logger = new ListLogger();
        using var work = new Work(logger, run => run == 1 ? throw new InvalidOperationException("store away") : ValueTask.CompletedTask);
        await work.StartAsync(CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (work.Runs < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{work.Runs} run(s) within 10 s at a 20 ms interval");
            await Task.Delay(10);
        }

        await work.StopAsync(CancellationToken.None);
        var failure = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Warning, 7), (failure.Level, failure.EventId));
        Assert.Equal("Could not do the test work (InvalidOperationException: store away); trying again at the next interval.", failure.Message);
    }

    [Fact]
    public async Task PeriodicWork_HostStops_RunInProgressCancelledNothingLogged()
    {
        var logger = new ListLogger();
        var started = new TaskCompletionSource();
        var cancelled = new TaskCompletionSource();
        Work? work = null;
        work = new Work(logger, async _ =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, work!.Token);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        });
        using (work)
        {
            await work.StartAsync(CancellationToken.None);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

            await work.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(1, work.Runs);
            Assert.Empty(logger.Entries);
        }
    }

    private sealed class Work(ILogger logger, Func<int, ValueTask> run)
        : PeriodicWork(TimeSpan.FromMilliseconds(20), "do the test work", new EventId(7, "TestFailed"), logger)
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public CancellationToken Token { get; private set; }

        protected override ValueTask RunAsync(CancellationToken cancellationToken)
        {
            Token = cancellationToken;
            return run(Interlocked.Increment(ref _runs));
        }
    }

    private sealed class ListLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }
}
