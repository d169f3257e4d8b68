using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sesame.Storage.Sqlite;
using Sesame.Tests.TestSupport;
using Xunit.Abstractions;

namespace Sesame.Tests.Storage;

/// <summary>Run alone: the PostgreSQL count listens to process-wide activity sources, which parallel tests would add to.</summary>
[CollectionDefinition(nameof(StatementCount), DisableParallelization = true)]
public sealed class StatementCount;

/// <summary>
/// What one full one-time-code sign-in (InitiateAuth CUSTOM_AUTH, the code delivered, RespondToAuthChallenge) costs the
/// database, on each engine, as docs/benchmarks.md records it: SQLite statements (counted by SQLite's own trace hook on
/// every pooled connection) and PostgreSQL round trips (Npgsql's command activities, each one round trip, plus one
/// COMMIT per write transaction; BEGIN travels with the first command). Measured, printed, not held to a number: the
/// test holds only that the counting sees every sign-in. The pool is configured as bench/run.sh configures it.
/// </summary>
[Collection(nameof(StatementCount))]
public sealed class StatementCountTests(ITestOutputHelper log)
{
    private const int SignIns = 5;

    // The pool as bench/run.sh configures it: the abuse limits one load generator would trip are off, the per-account
    // answer caps (CodeFailuresPerDay, ConsecutiveCodeFailures) stay on at their defaults, so the count is a production sign-in's.
    private static readonly Dictionary<string, string?> BenchLimits = new[]
        {
            "DestinationPerTenMinutes", "DestinationPerDay", "ClientIpPerHour", "ClientIpPerDay", "SmsPerHour", "SmsPerDay",
            "PrefixUnconvertedPerHour", "PasswordAttemptsPerClientIpPerFiveMinutes", "PasswordAttemptsPerClientIpPerHour", "PasswordAttemptsPerAccountPerDay",
        }
        .Select(limit => KeyValuePair.Create($"Sesame:UserPools:{SesameApp.PoolId}:Limits:{limit}", (string?)"0"))
        .Append(KeyValuePair.Create($"Sesame:UserPools:{SesameApp.PoolId}:Limits:DestinationInterval", (string?)"00:00:00"))
        .ToDictionary();

    [Fact]
    public async Task SignIn_Sqlite_StatementsCounted()
    {
        using var app = new SesameApp(BenchLimits);
        await app.CreateConfirmedUserAsync(SesameApp.NewPhone());
        var statements = 0L;
        // Connections come back to the pool with the hook on: warm enough of them that every store call gets one.
        var database = app.Services.GetRequiredService<SqliteDatabase>();
        var held = Enumerable.Range(0, 8).Select(_ => database.OpenConnection()).ToList();
        foreach (var connection in held)
        {
            SQLitePCL.raw.sqlite3_trace(connection.Handle, new SQLitePCL.strdelegate_trace((_, _) => Interlocked.Increment(ref statements)), null);
        }

        held.ForEach(c => c.Dispose());
        var counts = await PerSignInAsync(app, () => Interlocked.Read(ref statements));

        log.WriteLine($"SQLite statements per sign-in: {string.Join(", ", counts)} (median {Median(counts)})");
        Assert.All(counts, c => Assert.True(c > 0, "no statement was counted"));
    }

    [PostgresFact]
    public async Task SignIn_Postgres_RoundTripsCounted()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        using var app = new SesameApp(new(BenchLimits)
        {
            ["Sesame:Storage:Provider"] = "Postgres",
            ["Sesame:Storage:ConnectionString"] = db.ConnectionString,
        });
        await app.CreateConfirmedUserAsync(SesameApp.NewPhone());
        long commands = 0, commits = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Sesame",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && Database(activity) == db.Name)
                {
                    Interlocked.Increment(ref commands);
                }
                else if (activity.OperationName == "postgresql write")
                {
                    Interlocked.Increment(ref commits);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var counts = await PerSignInAsync(app, () => Interlocked.Read(ref commands) + Interlocked.Read(ref commits));

        log.WriteLine($"PostgreSQL round trips per sign-in: {string.Join(", ", counts)} (median {Median(counts)}; {commands} commands, {commits} commits in all)");
        Assert.All(counts, c => Assert.True(c > 0, "no round trip was counted"));
        Assert.True(commands > 0 && commits > 0, $"{commands} commands, {commits} commits");
    }

    private static string? Database(Activity activity) =>
        activity.GetTagItem("db.namespace") as string ?? activity.GetTagItem("db.name") as string
        ?? (activity.GetTagItem("db.connection_string") is string cs ? new NpgsqlConnectionStringBuilder(cs).Database : null);

    private static async Task<List<long>> PerSignInAsync(SesameApp app, Func<long> counter)
    {
        var counts = new List<long>();
        for (var i = 0; i < SignIns; i++)
        {
            var phone = SesameApp.NewPhone();
            await app.CreateConfirmedUserAsync(phone);
            var before = counter();
            await app.SignInAsync(phone);
            counts.Add(counter() - before);
        }

        return counts;
    }

    private static long Median(List<long> counts) => counts.Order().ElementAt(counts.Count / 2);
}
