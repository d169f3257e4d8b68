using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Configuration;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Storage.Sqlite;
using Sesame.Tests.Unit;

namespace Sesame.Tests.Storage;

/// <summary>
/// Group commit in <see cref="SqliteDatabase"/>: writes queued while one is committing share the next transaction,
/// each stays atomic on its own (a failing one is rolled back alone), and no caller is answered before its commit.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sesame-group-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;
    private readonly SqliteDatabase _database;
    private readonly MeterListener _listener = new();
    private long _commits;
    private long _writes;

    public SqliteGroupCommitTests()
    {
        var services = new ServiceCollection();
        services.AddOptions<SesameOptions>().Configure(o =>
        {
            o.DataDir = _dataDir;
            o.Secrets.MasterKey = TestSecrets.NewMasterKey();
            o.Storage.SqliteSynchronous = "Full";
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<ServerSecrets>();
        services.AddSesameStorage();
        _services = services.BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name is "sesame.sqlite.commits" or "sesame.sqlite.writes")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref instrument.Name == "sesame.sqlite.commits" ? ref _commits : ref _writes, value));
        _listener.Start();
        _database = _services.GetRequiredService<SqliteDatabase>();
        _database.WriteAsync((c, t) => Execute(c, t, "CREATE TABLE probe (n INTEGER NOT NULL PRIMARY KEY)"), CancellationToken.None).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task WriteAsync_WritesQueuedDuringACommit_ShareOneTransactionAndEachFailureIsRolledBackAlone()
    {
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = _database.WriteAsync((c, t) =>
        {
            holding.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return Execute(c, t, "INSERT INTO probe (n) VALUES (0)");
        }, CancellationToken.None);
        Assert.True(holding.Wait(TimeSpan.FromSeconds(30)));
        var commitsBefore = Interlocked.Read(ref _commits);

        // Queued while the first write holds the writer: 40 writes, every fifth of which inserts a row and then throws.
        var queued = Enumerable.Range(1, 40).Select(n => _database.WriteAsync((c, t) =>
        {
            Execute(c, t, $"INSERT INTO probe (n) VALUES ({n})");
            return n % 5 == 0 ? throw new InvalidOperationException($"write {n} refused") : n;
        }, CancellationToken.None)).ToArray();
        Assert.All(queued, task => Assert.False(task.IsCompleted));
        release.Set();

        Assert.Equal(1, await first);
        for (var n = 1; n <= 40; n++)
        {
            if (n % 5 == 0)
            {
                var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => queued[n - 1]);
                Assert.Equal($"write {n} refused", refused.Message);
            }
            else
            {
                Assert.Equal(n, await queued[n - 1]);
            }
        }

        var rows = await _database.ReadAsync(c => Numbers(c), CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 41).Where(n => n == 0 || n % 5 != 0).Select(n => (long)n), rows);
        // The first write's commit, then one for all 40 queued ones (fewer than the batch limit).
        Assert.Equal(commitsBefore + 2, Interlocked.Read(ref _commits));
    }

    [Fact]
    public async Task WriteAsync_AWriteThatFailsAlone_LeavesNothingAndLaterWritesCommit()
    {
        await Assert.ThrowsAsync<SqliteException>(() => _database.WriteAsync((c, t) =>
        {
            Execute(c, t, "INSERT INTO probe (n) VALUES (7)");
            return Execute(c, t, "INSERT INTO probe (n) VALUES (7)");
        }, CancellationToken.None));

        Assert.Equal(1, await _database.WriteAsync((c, t) => Execute(c, t, "INSERT INTO probe (n) VALUES (8)"), CancellationToken.None));
        Assert.Equal([8L], await _database.ReadAsync(c => Numbers(c), CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_ManyConcurrentCallers_EveryWriteCommittedAndCounted()
    {
        var writesBefore = Interlocked.Read(ref _writes);
        await Task.WhenAll(Enumerable.Range(1, 300).Select(n => Task.Run(() =>
            _database.WriteAsync((c, t) => Execute(c, t, $"INSERT INTO probe (n) VALUES ({n})"), CancellationToken.None))));

        Assert.Equal(Enumerable.Range(1, 300).Select(n => (long)n), await _database.ReadAsync(c => Numbers(c), CancellationToken.None));
        Assert.Equal(writesBefore + 300, Interlocked.Read(ref _writes));
        Assert.InRange(Interlocked.Read(ref _commits), 1, Interlocked.Read(ref _writes));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private static List<long> Numbers(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT n FROM probe ORDER BY n";
        using var reader = command.ExecuteReader();
        var numbers = new List<long>();
        while (reader.Read())
        {
            numbers.Add(reader.GetInt64(0));
        }

        return numbers;
    }
}
