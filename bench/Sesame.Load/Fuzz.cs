using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Sesame.Load;

/// <summary>
/// <c>Sesame.Load fuzz</c>: sends <see cref="MalformedRequests"/> to a server on loopback and reports what a robust
/// server must never show: 5xx answers (with the first requests that caused them), unhandled-exception lines in its
/// log, and the growth of its resident memory (from <c>/proc/PID/status</c>, Linux).
/// </summary>
internal static class Fuzz
{
    public static async Task<JsonObject> RunAsync(
        Uri endpoint, long requests, int seed, int concurrency, int? serverPid, string? serverLog, TextWriter output, CancellationToken cancellationToken)
    {
        using var http = CognitoClient.CreateHttpClient(concurrency);
        http.Timeout = TimeSpan.FromSeconds(30);
        var logStart = serverLog is not null && File.Exists(serverLog) ? new FileInfo(serverLog).Length : 0;
        long next = -1, status2xx = 0, status4xx = 0, status5xx = 0, other = 0, transport = 0;
        var findings = new List<string>();
        var rssStart = Rss(serverPid);
        var rssMax = rssStart;
        // RSS once the first tenth of the requests (at most 100,000) is answered: from a cold start, RSS grows while the
        // runtime compiles the paths the requests reach and the GC sizes its heap to the load. Growth past that point is
        // what a leak or unbounded buffering would show; both figures are reported.
        var warmupRequests = Math.Min(100_000, requests / 10);
        long? rssWarm = null, rssMaxAfterWarm = null;
        var clock = Stopwatch.StartNew();

        async Task Worker(int worker)
        {
            // One generator per worker, seeded from the run's seed: the run is reproducible worker by worker.
            var generator = new MalformedRequests(unchecked(seed * 1_000_003 + worker));
            while (Interlocked.Increment(ref next) < requests)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var request = generator.Next();
                try
                {
                    using var message = request.ToHttpRequestMessage(endpoint);
                    using var response = await http.SendAsync(message, cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    var code = (int)response.StatusCode;
                    if (code >= 500)
                    {
                        Interlocked.Increment(ref status5xx);
                        lock (findings)
                        {
                            if (findings.Count < 20)
                            {
                                findings.Add($"{code} {request.Describe()}");
                            }
                        }
                    }
                    else if (code >= 400)
                    {
                        Interlocked.Increment(ref status4xx);
                    }
                    else if (code >= 200 && code < 300)
                    {
                        Interlocked.Increment(ref status2xx);
                    }
                    else
                    {
                        Interlocked.Increment(ref other);
                    }
                }
                catch (HttpRequestException)
                {
                    // Kestrel closes a connection on a request it cannot parse; that is not a 5xx.
                    Interlocked.Increment(ref transport);
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref transport);
                }
            }
        }

        using var sampler = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var workers = Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i), cancellationToken)));
        var lastReport = TimeSpan.Zero;
        while (!workers.IsCompleted)
        {
            await Task.WhenAny(workers, sampler.WaitForNextTickAsync(cancellationToken).AsTask());
            if (Rss(serverPid) is { } rss)
            {
                rssMax = Math.Max(rss, rssMax ?? 0);
                if (rssWarm is null && Interlocked.Read(ref next) >= warmupRequests)
                {
                    rssWarm = rss;
                }

                if (rssWarm is not null)
                {
                    rssMaxAfterWarm = Math.Max(rss, rssMaxAfterWarm ?? 0);
                }
            }

            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(30))
            {
                lastReport = clock.Elapsed;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {Math.Min(next, requests)} sent, {status5xx} 5xx, RSS {Mb(Rss(serverPid))} MB, {clock.Elapsed.TotalSeconds:0} s"));
            }
        }

        await workers;
        var elapsed = clock.Elapsed;
        var rssEnd = Rss(serverPid);
        var (logLines, logExamples) = ServerLogFindings(serverLog, logStart);
        var result = new JsonObject
        {
            ["requests"] = requests,
            ["seed"] = seed,
            ["concurrency"] = concurrency,
            ["seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["requestsPerSecond"] = Math.Round(requests / elapsed.TotalSeconds, 0),
            ["status2xx"] = status2xx,
            ["status4xx"] = status4xx,
            ["status5xx"] = status5xx,
            ["statusOther"] = other,
            ["connectionsClosed"] = transport,
            ["unhandledExceptionLogLines"] = serverLog is null ? null : logLines,
            ["rssStartMb"] = Mb(rssStart),
            ["rssEndMb"] = Mb(rssEnd),
            ["rssMaxMb"] = Mb(rssMax),
            ["rssGrowthMb"] = rssStart is { } a && rssEnd is { } b ? Math.Round((b - a) / 1048576.0, 1) : null,
            ["warmupRequests"] = warmupRequests,
            ["rssAfterWarmupMb"] = Mb(rssWarm),
            ["rssMaxAfterWarmupMb"] = Mb(rssMaxAfterWarm),
            ["rssGrowthAfterWarmupMb"] = rssWarm is { } w && rssEnd is { } e ? Math.Round((e - w) / 1048576.0, 1) : null,
            ["findings"] = new JsonArray([.. findings.Select(f => (JsonNode)f)]),
            ["logExamples"] = new JsonArray([.. logExamples.Select(f => (JsonNode)f)]),
        };
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"fuzz: {requests} requests in {elapsed.TotalSeconds:0} s (seed {seed}, concurrency {concurrency}): 2xx {status2xx}, 4xx {status4xx}, 5xx {status5xx}, other {other}, connections closed {transport}"));
        await output.WriteLineAsync($"server log: {(serverLog is null ? "not read (--server-log)" : logLines + " error or critical entries (unhandled exceptions among them)")}; RSS {Mb(rssStart)} → {Mb(rssEnd)} MB (max {Mb(rssMax)}); after the first {warmupRequests} requests {Mb(rssWarm)} → {Mb(rssEnd)} MB (max {Mb(rssMaxAfterWarm)})");
        foreach (var finding in findings.Concat(logExamples))
        {
            await output.WriteLineAsync("  " + finding);
        }

        return result;
    }

    /// <summary>Entries the server logged at Error or Critical since the run began (unhandled exceptions among them).</summary>
    private static (long Count, List<string> Examples) ServerLogFindings(string? path, long from)
    {
        var examples = new List<string>();
        if (path is null || !File.Exists(path))
        {
            return (0, examples);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        long count = 0;
        while (reader.ReadLine() is { } line)
        {
            // One per log entry: the simple console format starts each error entry with "fail:" or "crit:" (its
            // message and stack trace follow on indented lines), the JSON format names the level.
            if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
                || line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal))
            {
                count++;
                if (examples.Count < 10)
                {
                    examples.Add("log: " + (line.Length > 300 ? line[..300] : line));
                }
            }
        }

        return (count, examples);
    }

    private static long? Rss(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return null;
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    private static double? Mb(long? bytes) => bytes is { } b ? Math.Round(b / 1048576.0, 1) : null;
}
