using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Secrets;

namespace Sesame.Storage.Sqlite;

/// <summary>
/// The SQLite file: WAL mode, schema applied from numbered embedded scripts, and one writer at a time.
/// Writes go through <see cref="WriteAsync{T}"/>, which queues them in-process (SQLite allows one writer; queueing here
/// is cheaper and fairer than spinning on SQLITE_BUSY) and commits them with the configured durability by
/// <b>group commit</b>: one writer takes every write queued meanwhile (up to <see cref="MaxBatch"/>), runs each inside
/// a savepoint of one transaction, commits once, and only then answers each caller. A write that throws is rolled back
/// to its savepoint alone and its caller gets the exception; the others commit. So every write stays atomic and is
/// durable (with <c>synchronous=FULL</c>, fsynced) before its caller hears of it, while one commit, the costly part,
/// serves many requests when many arrive at once; alone, a write commits at once, as before.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    /// <summary>The stores' SQL, in SQLite's dialect.</summary>
    public static StoreSql Sql { get; } = new(new SqliteDialect());

    /// <summary>Writes per transaction at most: bounds the time the first of a batch waits for the last.</summary>
    internal const int MaxBatch = 64;

    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly Lock _queueLock = new();
    private readonly Queue<PendingWrite> _queue = new();
    private readonly Counter<long> _writes;
    private readonly Counter<long> _commits;
    private bool _writing;

    // The SQLite connections (pooled ones come back) whose pragmas are set; weak, so a connection the pool closes goes.
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();
    private static readonly object Configured = new();

    public SqliteDatabase(IOptions<SesameOptions> options, DataDirectory dataDirectory, IMeterFactory meters)
    {
        var meter = meters.Create("Sesame.Storage");
        _writes = meter.CreateCounter<long>("sesame.sqlite.writes", description: "Write operations on the SQLite file (each atomic on its own).");
        _commits = meter.CreateCounter<long>("sesame.sqlite.commits", description: "SQLite transactions committed; with group commit one serves several writes.");
        var storage = options.Value.Storage;
        var builder = new SqliteConnectionStringBuilder(
            storage.ConnectionString ?? $"Data Source={Path.Combine(dataDirectory.Path, "sesame.db")}")
        {
            Pooling = true,
            Mode = SqliteOpenMode.ReadWriteCreate,
        };
        _connectionString = builder.ToString();
        _synchronous = storage.SqliteSynchronous.ToUpperInvariant();
        OwnerOnly(builder.DataSource);
        Migrate();
    }

    public async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("sqlite read", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("db.system", "sqlite");
        await using var connection = Open();
        return read(connection);
    }

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("sqlite write", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("db.system", "sqlite");
        return await QueueWriteAsync(write, cancellationToken);
    }

    private Task<T> QueueWriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var pending = new PendingWrite<T>(write, cancellationToken);
        bool lead;
        lock (_queueLock)
        {
            _queue.Enqueue(pending);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            // The writer runs apart from any caller, so no request waits for batches that came after its own.
            _ = Task.Run(DrainQueue, CancellationToken.None);
        }

        return pending.Task;
    }

    private void DrainQueue()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (true)
        {
            lock (_queueLock)
            {
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    _writing = false;
                    return;
                }
            }

            CommitBatch(batch);
            batch.Clear();
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        var done = new List<PendingWrite>(batch.Count);
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var savepoints = batch.Count > 1;
            foreach (var write in batch)
            {
                if (write.CancellationToken.IsCancellationRequested)
                {
                    write.Cancel();
                    continue;
                }

                if (savepoints)
                {
                    transaction.Save("w");
                }

                try
                {
                    write.Run(connection, transaction);
                }
                catch (Exception e) when (savepoints)
                {
                    // Undo this write alone; if even that fails, the transaction is lost and the whole batch fails below.
                    transaction.Rollback("w");
                    transaction.Release("w");
                    write.Fail(e);
                    continue;
                }

                if (savepoints)
                {
                    transaction.Release("w");
                }

                done.Add(write);
            }

            if (done.Count > 0)
            {
                transaction.Commit();
                _commits.Add(1);
                _writes.Add(done.Count);
            }
        }
        catch (Exception e)
        {
            // Nothing of this batch was committed: every write not yet answered gets the error.
            foreach (var write in batch)
            {
                write.Fail(e);
            }

            return;
        }

        foreach (var write in done)
        {
            write.Succeed();
        }
    }

    /// <summary>A queued write: its work, and the caller waiting for it to be committed.</summary>
    private abstract class PendingWrite(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Succeed();

        public abstract void Fail(Exception exception);

        public abstract void Cancel();
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
        : PendingWrite(cancellationToken)
    {
        // Continuations run on the thread pool, never on the writer's thread.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteConnection connection, SqliteTransaction transaction) => _result = write(connection, transaction);

        public override void Succeed() => _completion.TrySetResult(_result!);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }

    public void Dispose()
    {
        // Only this database's pool: ClearAllPools would also close connections other databases in the same process
        // are using at that moment (several servers in one test run).
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>An open connection of this database's pool, for work outside the write queue (<see cref="StorageCopier"/> reads).</summary>
    internal SqliteConnection OpenConnection() => Open();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Per SQLite connection, once: a pooled connection keeps its pragmas, and every store call opens one (three
        // statements compiled and run per read or write otherwise).
        var handle = connection.Handle!;
        if (!_configured.TryGetValue(handle, out _))
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = 5000; PRAGMA synchronous = {_synchronous}; PRAGMA foreign_keys = ON;";
            pragma.ExecuteNonQuery();
            _configured.AddOrUpdate(handle, Configured);
        }

        return connection;
    }

    // The database holds users and sealed messages: readable by its owner only (0600). SQLite gives the -wal and -shm
    // files the database file's mode, so creating the file first with that mode covers all three.
    private static void OwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows() || path is "" or ":memory:" || path.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }

        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first.
            }
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~mode) != 0)
            {
                File.SetUnixFileMode(file, mode);
            }
        }
    }

    private void Migrate()
    {
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        // Every script not yet recorded is applied, in order: scripts are numbered per feature branch, so a database
        // that already has 0007 may still lack 0003 (skipping by "version <= max" would leave it out for ever).
        var applied = new HashSet<long>();
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT version FROM schema_version";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetInt64(0));
            }
        }

        foreach (var (version, script) in SchemaScripts.Read("Sesame.Storage.Sqlite.Schema."))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using var apply = connection.CreateCommand();
            apply.Transaction = transaction;
            apply.CommandText = script;
            apply.ExecuteNonQuery();
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (@v, @t)";
            record.Parameters.AddWithValue("@v", version);
            record.Parameters.AddWithValue("@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            record.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
