using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sesame.Tests.TestSupport;

/// <summary>Keeps every log line the server writes (with its exception, if any), for tests that check what is logged.</summary>
internal sealed class CollectingLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Text, Exception? Exception)> Entries { get; } = new();

    public IEnumerable<string> Lines => Entries.Select(e => e.Text + (e.Exception is null ? string.Empty : " " + e.Exception));

    public ILogger CreateLogger(string categoryName) => new Collector(Entries);

    public void Dispose()
    {
    }

    private sealed class Collector(ConcurrentQueue<(LogLevel, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
