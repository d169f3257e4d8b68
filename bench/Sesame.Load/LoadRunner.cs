using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Sesame.Load;

/// <summary>Everything one run measured.</summary>
internal sealed record RunResult(LoadOptions Options, double? OverheadRequestsPerSecond, CeilingResult? Ceiling, TimeSpan Setup, IReadOnlyList<FlowResult> Flows);

/// <summary>
/// Creates the population through the API (untimed), then runs each requested flow with <c>Concurrency</c> workers
/// for the duration or count, each worker starting its next flow when the last one ends (a closed loop), or at the next
/// start time of a shared schedule when a rate is set.
/// </summary>
internal sealed class LoadRunner(LoadOptions options, ICodeSource codes, CognitoClient client, TextWriter log)
{
    private readonly Population _population = new(emails: options.IsCognitoLocal);

    public static async Task<RunResult> RunAsync(LoadOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        options = options.Validated();
        var connections = options.Connections ?? options.Concurrency;
        var admin = options.AdminKey is null ? null : SigV4.Parse(options.AdminKey, options.Region);
        using var client = new CognitoClient(options.Endpoint, connections, admin, options.MoreEndpoints);
        double? overhead = null;
        if (options.Overhead > TimeSpan.Zero)
        {
            overhead = await OverheadProbe.MeasureAsync(options.Concurrency, options.Overhead, cancellationToken);
            log.WriteLine($"generator overhead: {overhead:0} requests/s against a trivial loopback responder (concurrency {options.Concurrency})");
        }

        CeilingResult? ceiling = null;
        if (options.Ceiling > TimeSpan.Zero)
        {
            ceiling = global::Sesame.Load.Ceiling.Measure(Environment.ProcessorCount, options.Ceiling);
            log.WriteLine($"RS256 ceiling: {ceiling.Rs256SignsPerSecond:0} signatures/s on {ceiling.Threads} threads = {ceiling.SigninsPerSecond:0} sign-ins/s");
        }

        if (options.IsCognitoLocal)
        {
            options = await CreatePoolAsync(client, options, cancellationToken);
            log.WriteLine($"cognito-local: pool {options.PoolId}, client {options.ClientId} created");
        }

        if (options.FixedCode is { } fixedCode)
        {
            return await new LoadRunner(options, new FixedCode(fixedCode), client, log).RunAsync(overhead, ceiling, cancellationToken);
        }

        if (options.Codes == "outbox")
        {
            return await new LoadRunner(options, new OutboxReader(client, options.CodeTimeout), client, log).RunAsync(overhead, ceiling, cancellationToken);
        }

        await using var inbox = new DeliveryInbox(options.DeliverySecret, options.SignatureHeader, options.CodeTimeout);
        await inbox.StartAsync(options.DeliveryListen, cancellationToken);
        log.WriteLine($"delivery endpoint: {inbox.Url} (signature {(options.DeliverySecret is null ? "not checked: no --delivery-secret" : "checked")})");
        var result = await new LoadRunner(options, inbox, client, log).RunAsync(overhead, ceiling, cancellationToken);
        log.WriteLine($"delivery: {inbox.Received} messages, {inbox.Unexpected} unexpected, {inbox.Rejected} refused (bad signature)");
        return result;
    }

    /// <summary>cognito-local starts empty: a pool with email usernames that sends codes to the address, and a client.</summary>
    private static async Task<LoadOptions> CreatePoolAsync(CognitoClient client, LoadOptions options, CancellationToken cancellationToken)
    {
        var pool = await client.CallAsync("CreateUserPool", "CreateUserPool", new JsonObject
        {
            ["PoolName"] = "bench",
            ["UsernameAttributes"] = new JsonArray("email"),
            ["AutoVerifiedAttributes"] = new JsonArray("email"),
        }, recorder: null, cancellationToken);
        var poolId = pool.Body?["UserPool"]?["Id"]?.GetValue<string>() ?? throw new FlowException($"CreateUserPool: {pool.Describe()}");
        var app = await client.CallAsync("CreateUserPoolClient", "CreateUserPoolClient", new JsonObject
        {
            ["UserPoolId"] = poolId,
            ["ClientName"] = "bench",
            ["ExplicitAuthFlows"] = new JsonArray("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
        }, recorder: null, cancellationToken);
        var clientId = app.Body?["UserPoolClient"]?["ClientId"]?.GetValue<string>() ?? throw new FlowException($"CreateUserPoolClient: {app.Describe()}");
        return options with { PoolId = poolId, ClientId = clientId };
    }

    public async Task<RunResult> RunAsync(double? overhead, CeilingResult? ceiling, CancellationToken cancellationToken)
    {
        var flows = new Flows(client, codes, _population, options.ClientId, refreshThroughInitiateAuthOnly: options.IsCognitoLocal);
        var setup = Timer.Start();
        await PrepareAsync(flows, cancellationToken);
        var setupTime = setup.Elapsed;
        log.WriteLine($"population: {_population.Users.Count} users in {setupTime.TotalSeconds:0.0} s");

        var results = new List<FlowResult>();
        foreach (var flow in options.Flows)
        {
            if (options.Warmup > TimeSpan.Zero && options.Count is null)
            {
                await DriveAsync(flows, flow, new Recorder(), options.Warmup, count: null, cancellationToken);
            }

            var recorder = new Recorder();
            var cpuBefore = ProcessCpu.Read(options.ServerPid);
            var ownBefore = ProcessCpu.Read(Environment.ProcessId);
            var elapsed = await DriveAsync(flows, flow, recorder, options.Duration, options.Count, cancellationToken);
            var result = recorder.Result(
                flow, elapsed, ProcessCpu.Read(options.ServerPid) - cpuBefore, ProcessCpu.Read(Environment.ProcessId) - ownBefore);
            results.Add(result);
            Table.PrintFlow(log, result);
        }

        return new RunResult(options, overhead, ceiling, setupTime, results);
    }

    /// <summary>The users the flows need, created through the API before timing starts.</summary>
    private async Task PrepareAsync(Flows flows, CancellationToken cancellationToken)
    {
        var wanted = options.Flows.SelectMany(f => f == FlowNames.Mix ? FlowNames.MixWeights.Select(w => w.Flow) : [f]).ToHashSet(StringComparer.Ordinal);
        // cognito-local has no CUSTOM_AUTH: its refresh tokens come from password sign-ins.
        var needsUsers = wanted.Overlaps(options.IsCognitoLocal ? [FlowNames.SignIn, FlowNames.UserAuth] : [FlowNames.SignIn, FlowNames.UserAuth, FlowNames.Refresh]);
        // Flows that wait for a code hold their user alone, so there must be a user per worker.
        var users = needsUsers ? Math.Max(options.Users, options.Concurrency) : 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken };
        if (options.SeededPath is not null && users > 0)
        {
            foreach (var login in await Population.ReadSeedCsvAsync(options.SeededPath, users, cancellationToken))
            {
                _population.Add(login);
            }

            users = 0;
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, users), parallel, async (_, ct) =>
        {
            var phone = _population.NewLogin(kind: 8);
            if (options.AdminKey is not null)
            {
                var created = await client.AdminAsync("AdminCreateUser", new JsonObject
                {
                    ["UserPoolId"] = options.PoolId,
                    ["Username"] = phone,
                    ["MessageAction"] = "SUPPRESS",
                    ["UserAttributes"] = new JsonArray(
                        new JsonObject { ["Name"] = "phone_number", ["Value"] = phone },
                        new JsonObject { ["Name"] = "phone_number_verified", ["Value"] = "true" }),
                }, ct);
                if (!created.Ok)
                {
                    throw new FlowException($"AdminCreateUser: {created.Describe()}");
                }
            }
            else
            {
                // Without an admin key, users sign up as anyone would (a confirmed sign-up verifies the phone).
                await flows.SignUpAsync(phone, password: null, recorder: null, ct);
            }

            _population.Add(phone);
        });

        if (options.IsCognitoLocal && wanted.Overlaps([FlowNames.Refresh, FlowNames.Password]))
        {
            // Its passwords are compared in clear, so as many password users as refresh tokens cost nothing.
            var passwordUsers = Enumerable.Range(0, Math.Max(options.Concurrency, Math.Min(options.Users, 256))).Select(_ => _population.NewLogin(kind: 7)).ToArray();
            await Parallel.ForEachAsync(passwordUsers, parallel, (login, ct) => new ValueTask(flows.SignUpAsync(login, _population.Password, recorder: null, ct)));
            _population.SetPasswordUsers(passwordUsers);
            var refreshTokens = new System.Collections.Concurrent.ConcurrentBag<string>();
            await Parallel.ForEachAsync(passwordUsers, parallel, async (login, ct) =>
                refreshTokens.Add((await flows.PasswordAsync(login, recorder: null, ct))["RefreshToken"]?.GetValue<string>()
                    ?? throw new FlowException("the sign-in returned no refresh token")));
            _population.SetRefreshTokens(refreshTokens);
            return;
        }

        if (wanted.Contains(FlowNames.Refresh))
        {
            // Refresh tokens of up to 256 users: enough that requests do not all hit one row.
            var tokens = new System.Collections.Concurrent.ConcurrentBag<string>();
            await Parallel.ForEachAsync(_population.Users.Take(256).ToArray(), parallel, async (phone, ct) =>
                tokens.Add((await flows.SignInAsync(phone, recorder: null, ct))["RefreshToken"]?.GetValue<string>()
                    ?? throw new FlowException("the sign-in returned no refresh token")));
            _population.SetRefreshTokens(tokens);
        }

        if (wanted.Contains(FlowNames.Password))
        {
            // Password hashing is deliberately slow, so only a few users get one: one per worker (each holds its own).
            var passwordUsers = Enumerable.Range(0, Math.Max(options.Concurrency, Math.Min(options.Users, 8))).Select(_ => _population.NewLogin(kind: 7)).ToArray();
            await Parallel.ForEachAsync(passwordUsers, parallel, (phone, ct) => new ValueTask(flows.SignUpAsync(phone, _population.Password, recorder: null, ct)));
            _population.SetPasswordUsers(passwordUsers);
        }
    }

    /// <summary>Runs one flow with every worker; returns the time from the first start to the last end.</summary>
    private async Task<TimeSpan> DriveAsync(Flows flows, string flow, Recorder recorder, TimeSpan duration, long? count, CancellationToken cancellationToken)
    {
        var remaining = count ?? long.MaxValue;
        var scheduled = -1L;
        var clock = Timer.Start();
        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (count is not null ? Interlocked.Decrement(ref remaining) < 0 : clock.Elapsed >= duration)
                {
                    return;
                }

                if (options.Rate is { } rate)
                {
                    // The next start of one schedule shared by every worker: flow n starts n / rate seconds in. A
                    // worker that is late starts at once; one that is early waits, so the run holds the rate it can.
                    var start = TimeSpan.FromSeconds(Interlocked.Increment(ref scheduled) / rate);
                    if (count is null && start >= duration)
                    {
                        return;
                    }

                    if (start - clock.Elapsed is { Ticks: > 0 } wait)
                    {
                        await Task.Delay(wait, cancellationToken);
                    }
                }

                var name = flow == FlowNames.Mix ? PickFromMix() : flow;
                var started = Timer.Start();
                try
                {
                    await flows.RunAsync(name, recorder, cancellationToken);
                    recorder.Completed(flow, started.Elapsed);
                    if (flow == FlowNames.Mix)
                    {
                        recorder.Completed(name, started.Elapsed);
                    }
                }
                catch (FlowException e)
                {
                    recorder.Failed(flow, e.Message);
                }
                catch (HttpRequestException e)
                {
                    recorder.Failed(flow, e.InnerException is SocketException s ? $"HTTP: {s.SocketErrorCode}" : $"HTTP: {e.HttpRequestError}");
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    recorder.Failed(flow, "HTTP: timed out");
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        return clock.Elapsed;
    }

    private static string PickFromMix()
    {
        var roll = RandomNumberGenerator.GetInt32(FlowNames.MixWeights.Sum(w => w.Weight));
        foreach (var (name, weight) in FlowNames.MixWeights)
        {
            if ((roll -= weight) < 0)
            {
                return name;
            }
        }

        return FlowNames.SignIn;
    }
}
