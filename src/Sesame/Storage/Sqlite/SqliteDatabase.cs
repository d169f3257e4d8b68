using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Secrets;

namespace Sesame.Storage.Sqlite;

/// <summary>
/// The SQLite file: WAL mode, schema applied from numbered embedded scripts, and one writer at a time.
/// Writes go through <see cref="WriteAsync{T}"/>, which serialises them in-process (SQLite allows one writer;
/// queueing here is cheaper and fairer than spinning on SQLITE_BUSY) and commits with the configured durability.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    /// <summary>The stores' SQL, in SQLite's dialect.</summary>
    public static StoreSql Sql { get; } = new(new SqliteDialect());

    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SqliteDatabase(IOptions<SesameOptions> options, DataDirectory dataDirectory)
    {
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
        await using var connection = Open();
        return read(connection);
    }

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = write(connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        _writeGate.Dispose();
        // Only this database's pool: ClearAllPools would also close connections other databases in the same process
        // are using at that moment (several servers in one test run).
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // Per connection: pooled connections keep them, and re-issuing costs microseconds.
        pragma.CommandText = $"PRAGMA busy_timeout = 5000; PRAGMA synchronous = {_synchronous}; PRAGMA foreign_keys = ON;";
        pragma.ExecuteNonQuery();
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
