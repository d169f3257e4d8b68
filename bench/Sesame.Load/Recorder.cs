using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sesame.Load;

/// <summary>Latencies per operation and per flow, completed and failed flows, and why flows failed.</summary>
internal sealed class Recorder
{
    private readonly ConcurrentDictionary<string, Samples> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Samples> _flows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failed = new(StringComparer.Ordinal);

    public void Record(string operation, TimeSpan elapsed) => _operations.GetOrAdd(operation, _ => new Samples()).Add(elapsed);

    public void Completed(string flow, TimeSpan elapsed) => _flows.GetOrAdd(flow, _ => new Samples()).Add(elapsed);

    public void Failed(string flow, string reason)
    {
        _failed.AddOrUpdate(flow, 1, (_, n) => n + 1);
        // Reasons are operation names and error types, never a code or token; a few distinct ones are enough.
        var key = $"{flow}: {reason}";
        if (_failures.Count < 50 || _failures.ContainsKey(key))
        {
            _failures.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
    }

    public FlowResult Result(string flow, TimeSpan duration, TimeSpan? serverCpu = null, TimeSpan? generatorCpu = null)
    {
        var flows = _flows.TryGetValue(flow, out var f) ? f.Summary(duration) : Summary.Empty;
        return new FlowResult(
            flow,
            duration.TotalSeconds,
            flows,
            _failed.GetValueOrDefault(flow),
            _operations.OrderBy(o => o.Key, StringComparer.Ordinal).ToDictionary(o => o.Key, o => o.Value.Summary(duration), StringComparer.Ordinal),
            _failures.OrderByDescending(e => e.Value).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            serverCpu is { } cpu && flows.Count > 0 ? cpu.TotalMilliseconds / flows.Count : null,
            generatorCpu is { } own && flows.Count > 0 ? own.TotalMilliseconds / flows.Count : null);
    }

    /// <summary>Elapsed times of one operation, appended under a lock (cheap beside an HTTP round trip).</summary>
    private sealed class Samples
    {
        private readonly Lock _lock = new();
        private readonly List<long> _ticks = new(4096);

        public void Add(TimeSpan elapsed)
        {
            lock (_lock)
            {
                _ticks.Add(elapsed.Ticks);
            }
        }

        public Summary Summary(TimeSpan duration)
        {
            long[] sorted;
            lock (_lock)
            {
                sorted = [.. _ticks];
            }

            Array.Sort(sorted);
            return new Summary(
                sorted.Length,
                duration > TimeSpan.Zero ? sorted.Length / duration.TotalSeconds : 0,
                Percentile(sorted, 0.50),
                Percentile(sorted, 0.95),
                Percentile(sorted, 0.99),
                sorted.Length == 0 ? 0 : TimeSpan.FromTicks(sorted[^1]).TotalMilliseconds);
        }

        private static double Percentile(long[] sorted, double p) =>
            sorted.Length == 0 ? 0 : TimeSpan.FromTicks(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)]).TotalMilliseconds;
    }
}

/// <summary>Count, rate and latency percentiles (milliseconds) of one operation or flow.</summary>
internal sealed record Summary(long Count, double PerSecond, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static Summary Empty { get; } = new(0, 0, 0, 0, 0, 0);
}

/// <summary>What one flow's timed run produced.</summary>
internal sealed record FlowResult(
    string Flow,
    double Seconds,
    Summary EndToEnd,
    long Failed,
    IReadOnlyDictionary<string, Summary> Operations,
    IReadOnlyDictionary<string, int> Failures,
    double? ServerCpuMsPerFlow = null,
    double? GeneratorCpuMsPerFlow = null);

/// <summary>
/// CPU time (user + system) a process on this machine has used, from <c>/proc/PID/stat</c>: CPU per flow is far less
/// sensitive than flows per second to other work sharing the cores, so before/after comparisons can use it.
/// </summary>
internal static class ProcessCpu
{
    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    public static TimeSpan? Read(int? pid)
    {
        if (pid is null || !OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces) in parentheses: state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>Elapsed time without allocation.</summary>
internal readonly struct Timer
{
    private readonly long _start;

    private Timer(long start) => _start = start;

    public static Timer Start() => new(Stopwatch.GetTimestamp());

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);
}
