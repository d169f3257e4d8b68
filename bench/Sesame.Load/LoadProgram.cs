using System.Globalization;
using System.Text.Json.Nodes;

namespace Sesame.Load;

/// <summary>
/// <c>Sesame.Load [run] [options]</c> drives flows; <c>ceiling</c> measures RS256 signatures per second;
/// <c>overhead</c> measures the generator alone; <c>report</c> merges result files into one JSON and a markdown table.
/// </summary>
internal static class LoadProgram
{
    private const string Help = """
        Sesame.Load: complete Cognito flows against a server on this machine, with latency percentiles.

        Sesame.Load [run] [options]
          --endpoint URL          the server (loopback only)                  default http://127.0.0.1:9229
          --also-endpoint URL     another node of it (repeatable): requests go round-robin over every node
          --pool ID               user pool id                                 default us-east-1_SesameDev
          --client ID             app client id (no secret)                    default sesamedevclient0000000000
          --flow LIST             signin,user-auth,signup,refresh,password,mix default signin
          --concurrency N         workers, each running one flow at a time     default 16
          --connections N         HTTP connections in the pool                 default = concurrency
          --users N               users created through the API before timing  default 1000
          --seeded FILE           users already in the store (a seed-csv file): no user is created; the
                                  population is --users of them, drawn at random
          --duration S            seconds per flow (at most 600)               default 10
          --count N               flows per flow name instead of a duration
          --rate R                start R flows per second in all (one shared schedule), to read latency
                                  at a chosen rate; --concurrency still bounds flows in flight
          --warmup S              untimed seconds before each flow             default 1
          --admin-key ID:SECRET   create users with AdminCreateUser (or env SESAME_LOAD_ADMIN_KEY);
                                  without it users sign up and confirm
          --codes MODE            http: the delivery endpoint; outbox: GET /dev/outbox;
                                  fixed:CODE: one known code (cognito-local's CODE)    default http
          --delivery-listen A:P   the delivery endpoint Sesame's Http provider posts to  default 127.0.0.1:0
          --delivery-secret S     its SigningSecret (or env SESAME_LOAD_DELIVERY_SECRET); signatures checked
          --signature-header H    default X-Sesame-Signature
          --code-timeout S        how long a flow waits for its code           default 10
          --overhead S            seconds measuring the generator alone first (0: skip)  default 2
          --ceiling S             seconds measuring the RS256 ceiling first, all cores (0: skip)  default 2
          --target sesame|cognito-local
                                  cognito-local: create a pool and client through its API, email
                                  logins, refresh = InitiateAuth only, --codes fixed:CODE  default sesame
          --server-pid PID        report the server's CPU time per flow (from /proc/PID/stat; Linux)
          --json FILE             write the results as JSON
        Flows are never retried; a failed step fails its flow. Exit 1 when a flow failed or none completed.

        Sesame.Load ceiling [--threads N] [--duration S] [--json FILE]
          RS256 (RSA-2048, PKCS#1 v1.5, SHA-256) signatures per second on N threads (default: all cores).
        Sesame.Load overhead [--concurrency N] [--duration S]
        Sesame.Load report --run NAME=FILE [--run NAME=FILE …] [--server NAME=FILE] [--ceiling FILE]
                           [--peer NAME=FILE] [--revision R] [--json FILE]
          Merges result files (files of one NAME join their flows): "flows" is the first run's, "ceiling" the
          first run's unless --ceiling, "peer" each peer's with Sesame / peer per flow; prints the markdown table.
        Sesame.Load seed-csv --users N --out FILE
          Writes N users as a Cognito user export (cognito:username, phone_number, phone_number_verified) for
          `sesame import cognito`, the fast way to fill a pool before `run --seeded FILE`.
        Sesame.Load fuzz [--endpoint URL] [--requests N] [--seed S] [--concurrency N] [--server-pid PID]
                         [--server-log FILE] [--json FILE]
          Malformed requests (bodies up to 1 MiB, deep nesting, invalid UTF-8, wrong types, huge numbers, duplicate
          keys, random X-Amz-Target values, paths and headers; seeded, default 10000 requests, seed 1, concurrency 8).
          Reports 5xx answers (first 20 requests that caused one), fail/crit/unhandled-exception lines the server
          wrote to FILE meanwhile, and its RSS (start, end, max). Exit 1 on any 5xx or such log line.
        Sesame.Load enumeration [--endpoint URL] [--client ID] [--requests N] [--json FILE]
          Known user against unknown login, N interleaved pairs each (default 5000), for InitiateAuth (CUSTOM_AUTH,
          USER_AUTH, USER_PASSWORD_AUTH, USER_SRP_AUTH), SignUp, ResendConfirmationCode and ConfirmSignUp: medians,
          abs(Δ median) and whether the masked bodies are identical. For a Development server in the strict
          enumeration mode with the limits off (bench/enumeration.sh); codes read from GET /dev/outbox.
        Sesame.Load free-port
          Prints a TCP port that is free on 127.0.0.1 now.
        Sesame.Load wait-health --endpoint URL [--timeout S] [--since-unix-ms T]
          Polls GET /health until 200 (exit 1 after the timeout, default 30); prints the milliseconds since T
          (e.g. when the server was started), or since the call.
        """;

    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "run";
            var options = Arguments.Parse(command == "run" && (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal)) ? args : args[1..]);
            if (options.ContainsKey("help"))
            {
                Console.WriteLine(Help);
                return 0;
            }

            switch (command)
            {
                case "run":
                    var run = await LoadRunner.RunAsync(RunOptions(options), Console.Out, cancel.Token);
                    await WriteJsonAsync(options, Json.Run(run), cancel.Token);
                    return run.Flows.Any(f => f.Failed > 0 || f.EndToEnd.Count == 0) ? 1 : 0;
                case "ceiling":
                    var threads = options.TryGetValue("threads", out var t) ? LoadOptions.ParseInt(t[0], "--threads") : Environment.ProcessorCount;
                    var ceiling = Ceiling.Measure(Math.Max(1, threads), Seconds(options, "duration", 5));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"RS256 ceiling: {ceiling.Rs256SignsPerSecond:0} signatures/s on {ceiling.Threads} threads = {ceiling.SigninsPerSecond:0} sign-ins/s"));
                    await WriteJsonAsync(options, Json.Ceiling(ceiling), cancel.Token);
                    return 0;
                case "overhead":
                    var concurrency = options.TryGetValue("concurrency", out var c) ? LoadOptions.ParseInt(c[0], "--concurrency") : 16;
                    var rate = await OverheadProbe.MeasureAsync(concurrency, Seconds(options, "duration", 5), cancel.Token);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generator overhead: {rate:0} requests/s (concurrency {concurrency})"));
                    await WriteJsonAsync(options, new JsonObject { ["requestsPerSecond"] = Math.Round(rate, 1), ["concurrency"] = concurrency }, cancel.Token);
                    return 0;
                case "seed-csv":
                    var seeded = options.TryGetValue("users", out var su) ? LoadOptions.ParseInt(su[^1], "--users") : 1000;
                    var csv = options.TryGetValue("out", out var so) ? so[^1] : throw new ArgumentException("seed-csv needs --out FILE");
                    await Population.WriteSeedCsvAsync(csv, seeded, cancel.Token);
                    return 0;
                case "fuzz":
                    var fuzz = await Fuzz.RunAsync(
                        Loopback.Require(options.TryGetValue("endpoint", out var fe) ? fe[^1] : new LoadOptions().Endpoint.ToString(), "--endpoint"),
                        options.TryGetValue("requests", out var fr) ? LoadOptions.ParseLong(fr[^1], "--requests") : 10_000,
                        options.TryGetValue("seed", out var fs) ? LoadOptions.ParseInt(fs[^1], "--seed") : 1,
                        options.TryGetValue("concurrency", out var fc) ? LoadOptions.ParseInt(fc[^1], "--concurrency") : 8,
                        options.TryGetValue("server-pid", out var fp) ? LoadOptions.ParseInt(fp[^1], "--server-pid") : null,
                        options.TryGetValue("server-log", out var fl) ? fl[^1] : null,
                        Console.Out, cancel.Token);
                    await WriteJsonAsync(options, fuzz, cancel.Token);
                    return fuzz["status5xx"]!.GetValue<long>() > 0 || (fuzz["unhandledExceptionLogLines"]?.GetValue<long>() ?? 0) > 0 ? 1 : 0;
                case "enumeration":
                    var enumeration = await Enumeration.RunAsync(
                        Loopback.Require(options.TryGetValue("endpoint", out var ee) ? ee[^1] : new LoadOptions().Endpoint.ToString(), "--endpoint"),
                        options.TryGetValue("client", out var ec) ? ec[^1] : new LoadOptions().ClientId,
                        options.TryGetValue("requests", out var er) ? LoadOptions.ParseInt(er[^1], "--requests") : 5000,
                        Console.Out, cancel.Token);
                    await WriteJsonAsync(options, enumeration, cancel.Token);
                    return 0;
                case "free-port":
                    using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
                    {
                        listener.Start();
                        Console.WriteLine(((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
                    }

                    return 0;
                case "wait-health":
                    return await WaitHealthAsync(options, cancel.Token);
                case "report":
                    var report = await Report.MergeAsync(options, cancel.Token);
                    Console.WriteLine(Table.Markdown(report));
                    await WriteJsonAsync(options, report, cancel.Token);
                    return 0;
                default:
                    throw new ArgumentException($"unknown command '{command}' (run, ceiling, overhead, report; --help)");
            }
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 2;
        }
        catch (FlowException e)
        {
            await Console.Error.WriteLineAsync("error while creating the population: " + e.Message);
            return 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("interrupted");
            return 130;
        }
    }

    private static LoadOptions RunOptions(Dictionary<string, List<string>> o)
    {
        string? One(string name) => o.TryGetValue(name, out var v) ? v[^1] : null;
        var defaults = new LoadOptions();
        return new LoadOptions
        {
            Endpoint = Loopback.Require(One("endpoint") ?? defaults.Endpoint.ToString(), "--endpoint"),
            MoreEndpoints = o.TryGetValue("also-endpoint", out var more) ? [.. more.Select(m => Loopback.Require(m, "--also-endpoint"))] : [],
            PoolId = One("pool") ?? defaults.PoolId,
            ClientId = One("client") ?? defaults.ClientId,
            Flows = (One("flow") ?? One("flows"))?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? defaults.Flows,
            Concurrency = One("concurrency") is { } c ? LoadOptions.ParseInt(c, "--concurrency") : defaults.Concurrency,
            Connections = One("connections") is { } n ? LoadOptions.ParseInt(n, "--connections") : null,
            Users = One("users") is { } u ? LoadOptions.ParseInt(u, "--users") : defaults.Users,
            SeededPath = One("seeded"),
            Duration = One("duration") is { } d ? LoadOptions.ParseSeconds(d, "--duration") : defaults.Duration,
            Count = One("count") is { } k ? LoadOptions.ParseInt(k, "--count") : null,
            Rate = One("rate") is { } r ? LoadOptions.ParseRate(r, "--rate") : null,
            Warmup = One("warmup") is { } w ? LoadOptions.ParseSeconds(w, "--warmup") : defaults.Warmup,
            AdminKey = One("admin-key") ?? (Environment.GetEnvironmentVariable("SESAME_LOAD_ADMIN_KEY") is { Length: > 0 } key ? key : null),
            Codes = One("codes") ?? defaults.Codes,
            DeliveryListen = One("delivery-listen") is { } l ? LoadOptions.ParseEndPoint(l, "--delivery-listen") : defaults.DeliveryListen,
            DeliverySecret = One("delivery-secret") ?? (Environment.GetEnvironmentVariable("SESAME_LOAD_DELIVERY_SECRET") is { Length: > 0 } s ? s : null),
            SignatureHeader = One("signature-header") ?? defaults.SignatureHeader,
            CodeTimeout = One("code-timeout") is { } ct ? LoadOptions.ParseSeconds(ct, "--code-timeout") : defaults.CodeTimeout,
            Overhead = One("overhead") is { } oh ? LoadOptions.ParseSeconds(oh, "--overhead") : defaults.Overhead,
            Ceiling = One("ceiling") is { } ce ? LoadOptions.ParseSeconds(ce, "--ceiling") : defaults.Ceiling,
            Target = One("target") ?? defaults.Target,
            ServerPid = One("server-pid") is { } pid ? LoadOptions.ParseInt(pid, "--server-pid") : null,
            JsonPath = One("json"),
        };
    }

    private static async Task<int> WaitHealthAsync(Dictionary<string, List<string>> options, CancellationToken cancellationToken)
    {
        var endpoint = Loopback.Require(options.TryGetValue("endpoint", out var e) ? e[^1] : new LoadOptions().Endpoint.ToString(), "--endpoint");
        var timeout = Seconds(options, "timeout", 30);
        var since = options.TryGetValue("since-unix-ms", out var t)
            ? DateTimeOffset.FromUnixTimeMilliseconds(LoadOptions.ParseLong(t[^1], "--since-unix-ms"))
            : DateTimeOffset.UtcNow;
        using var http = CognitoClient.CreateHttpClient(1);
        http.Timeout = TimeSpan.FromSeconds(2);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(endpoint, "/health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    Console.WriteLine(((DateTimeOffset.UtcNow - since).TotalMilliseconds).ToString("0", CultureInfo.InvariantCulture));
                    return 0;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No answer within the request timeout.
            }

            await Task.Delay(10, cancellationToken);
        }

        await Console.Error.WriteLineAsync($"error: {endpoint} did not answer /health with 200 within {timeout.TotalSeconds:0} s");
        return 1;
    }

    private static TimeSpan Seconds(Dictionary<string, List<string>> options, string name, double fallback)
    {
        var value = options.TryGetValue(name, out var v) ? LoadOptions.ParseSeconds(v[^1], "--" + name) : TimeSpan.FromSeconds(fallback);
        return value > TimeSpan.Zero && value <= TimeSpan.FromSeconds(LoadOptions.MaxDurationSeconds)
            ? value
            : throw new ArgumentException($"--{name} must be between 0 and {LoadOptions.MaxDurationSeconds} seconds.");
    }

    private static async Task WriteJsonAsync(Dictionary<string, List<string>> options, JsonNode node, CancellationToken cancellationToken)
    {
        if (options.TryGetValue("json", out var path))
        {
            await File.WriteAllTextAsync(path[^1], Json.Text(node) + "\n", cancellationToken);
        }
    }
}

/// <summary><c>--name value</c> pairs (a name may repeat) and bare <c>--flag</c>s.</summary>
internal static class Arguments
{
    public static Dictionary<string, List<string>> Parse(string[] args)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}' (--help lists the options)");
            }

            var name = args[i][2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            string value;
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (name == "help")
            {
                value = string.Empty;
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                throw new ArgumentException($"--{name} needs a value");
            }

            if (!result.TryGetValue(name, out var values))
            {
                result[name] = values = [];
            }

            values.Add(value);
        }

        return result;
    }
}

/// <summary>Merges the result files of one benchmark into the shape scripts read (issue #11).</summary>
internal static class Report
{
    public static async Task<JsonObject> MergeAsync(Dictionary<string, List<string>> options, CancellationToken cancellationToken)
    {
        var runs = new JsonObject();
        foreach (var (name, path) in Pairs(options, "run"))
        {
            var run = await ReadAsync(path, cancellationToken);
            if (runs[name] is JsonObject earlier)
            {
                // A second file of the same run (e.g. the password flow at its own concurrency): its flows join the first's.
                foreach (var (flow, figures) in run["flows"]?.AsObject().ToList() ?? [])
                {
                    earlier["flows"]![flow] = figures?.DeepClone();
                }
            }
            else
            {
                runs[name] = run;
            }
        }

        if (runs.Count == 0)
        {
            throw new ArgumentException("report needs at least one --run NAME=FILE");
        }

        // What the script measured of the server process itself (start-up, memory), beside the run of the same name.
        foreach (var (name, path) in Pairs(options, "server"))
        {
            if (runs[name] is JsonObject run)
            {
                run["server"] = await ReadAsync(path, cancellationToken);
            }
        }

        var flows = runs.First().Value!["flows"]!.AsObject();
        var peers = new JsonObject();
        foreach (var (name, path) in Pairs(options, "peer"))
        {
            var peer = (await ReadAsync(path, cancellationToken)).AsObject();
            // Sesame / peer per flow both serve, from the first run.
            var ratios = new JsonObject();
            foreach (var (flow, theirs) in peer["flows"]?.AsObject() ?? [])
            {
                var ours = flows[flow]?["perSecond"]?.GetValue<double>();
                var rate = theirs?["perSecond"]?.GetValue<double>();
                ratios[flow] = ours is null || rate is null or <= 0 ? null : Math.Round(ours.Value / rate.Value, 2);
            }

            peer["sesameRatio"] = ratios;
            peers[name] = peer;
        }

        return new JsonObject
        {
            ["revision"] = options.TryGetValue("revision", out var r) ? r[^1] : null,
            ["ceiling"] = options.TryGetValue("ceiling", out var c) ? await ReadAsync(c[^1], cancellationToken) : runs.First().Value?["ceiling"]?.DeepClone(),
            ["flows"] = flows.DeepClone(),
            ["runs"] = runs,
            ["peer"] = peers,
        };
    }

    private static IEnumerable<(string Name, string Path)> Pairs(Dictionary<string, List<string>> options, string option) =>
        (options.TryGetValue(option, out var values) ? values : []).Select(v => v.Split('=', 2) is [var n, var p]
            ? (n, p)
            : throw new ArgumentException($"--{option} must be NAME=FILE"));

    private static async Task<JsonNode> ReadAsync(string path, CancellationToken cancellationToken) =>
        JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken)) ?? throw new ArgumentException($"{path} is empty");
}
