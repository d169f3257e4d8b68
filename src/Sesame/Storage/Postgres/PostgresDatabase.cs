using System.Data;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;
using Sesame.Configuration;

namespace Sesame.Storage.Postgres;

/// <summary>
/// The PostgreSQL database every node shares: one <see cref="NpgsqlDataSource"/> (the connection pool), the schema
/// applied at start-up from numbered embedded scripts, and short transactions for the stores. Unlike SQLite there is
/// no in-process write gate: several nodes write at once, so stores rely on constraints, row locks and
/// <c>FOR UPDATE SKIP LOCKED</c>, and <see cref="WriteAsync{T}(Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task{T}}, CancellationToken)"/>
/// retries a transaction PostgreSQL aborted as a serialization failure or deadlock.
/// </summary>
internal sealed partial class PostgresDatabase : IStorageHealth, IAsyncDisposable, IDisposable
{
    /// <summary>The stores' SQL, in PostgreSQL's dialect.</summary>
    public static StoreSql Sql { get; } = new(new PostgresDialect());

    /// <summary>The setting every start-up error names.</summary>
    public const string ConnectionStringSetting = SesameOptions.SectionName + ":Storage:ConnectionString";

    // Any constant works as long as every Sesame node uses the same one: "Sesame" in ASCII.
    private const long MigrationLockKey = 0x5365_7361_6D65;
    private const int MaxWriteAttempts = 3;
    private const string SchemaPrefix = "Sesame.Storage.Postgres.Schema.";
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Npgsql's defaults (15 s to connect, 30 s per command) would hold a request for up to 45 s while the database is
    /// unreachable; a caller gives up long before. These bound a request to about 15 s on a silent network and fail it
    /// at once on a refused one. A connection string that sets either keeps its own value.
    /// </summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <inheritdoc cref="DefaultConnectTimeoutSeconds"/>
    public const int DefaultCommandTimeoutSeconds = 10;

    private readonly NpgsqlDataSource _dataSource;
    // Health checks get their own small pool with short timeouts: a load balancer's probe must answer within its own
    // timeout even when the server is gone, and must not wait behind requests for a pooled connection.
    private readonly NpgsqlDataSource _pingSource;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresDatabase> _logger;

    public PostgresDatabase(IOptions<SesameOptions> options, TimeProvider time, ILogger<PostgresDatabase> logger)
    {
        _time = time;
        _logger = logger;
        var builder = new NpgsqlConnectionStringBuilder(BoundedConnectionString(options.Value.Storage.ConnectionString));
        Describe = $"Host={builder.Host};Port={builder.Port};Database={builder.Database};Username={builder.Username}";
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var ping = new NpgsqlConnectionStringBuilder(builder.ConnectionString)
        {
            Timeout = (int)PingTimeout.TotalSeconds,
            CommandTimeout = (int)PingTimeout.TotalSeconds,
            MinPoolSize = 0,
            MaxPoolSize = 2,
        };
        _pingSource = NpgsqlDataSource.Create(ping.ConnectionString);
        try
        {
            Migrate();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The connection string without its password, for messages.</summary>
    public string Describe { get; }

    /// <summary>Runs <paramref name="read"/> on a pooled connection, outside any explicit transaction.</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("postgresql read", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("db.system", "postgresql");
        await using var connection = await OpenAsync(cancellationToken);
        return await Guard(connection, () => read(connection, cancellationToken));
    }

    /// <summary>Runs <paramref name="write"/> in one READ COMMITTED transaction and commits it.</summary>
    public Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken) =>
        WriteAsync(IsolationLevel.ReadCommitted, write, cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction of the given isolation and commits it. A transaction PostgreSQL
    /// aborts as a serialization failure (40001) or a deadlock (40P01) is run again from the start, up to three times
    /// in all, so <paramref name="write"/> must do nothing outside the database that cannot happen twice.
    /// </summary>
    public async Task<T> WriteAsync<T>(
        IsolationLevel isolation, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("postgresql write", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("db.system", "postgresql");
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken);
            try
            {
                return await Guard(connection, async () =>
                {
                    await using var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken);
                    var result = await write(connection, transaction, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    return result;
                });
            }
            catch (PostgresException e) when (attempt < MaxWriteAttempts
                && e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                Log.WriteRetried(_logger, e.SqlState, attempt);
            }
        }
    }

    private static readonly int LatestSchema = SchemaScripts.Latest(SchemaPrefix);

    public async ValueTask<bool> SchemaCurrentAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            await using var connection = await _pingSource.OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand(Sql.SchemaVersion, connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(timeout.Token), System.Globalization.CultureInfo.InvariantCulture) >= LatestSchema;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>A cheap <c>SELECT 1</c> within two seconds: false while the database cannot be reached.</summary>
    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        // Twice: after an outage the pool may still hold a connection the old server closed, which fails at once; the
        // second try opens a fresh one, so /health turns 200 on the first probe after the database is back.
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            try
            {
                await using var connection = await _pingSource.OpenConnectionAsync(timeout.Token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                return await command.ExecuteScalarAsync(timeout.Token) is 1;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException
                || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                _pingSource.Clear();
                if (timeout.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        return false;
    }

    public void Dispose()
    {
        _dataSource.Dispose();
        _pingSource.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _pingSource.DisposeAsync();
    }

    private static NpgsqlConnectionStringBuilder Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{ConnectionStringSetting} is required when {SesameOptions.SectionName}:Storage:Provider is 'Postgres'.");
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The parser's messages name the keyword or the position, not the values.
            throw new InvalidOperationException($"{ConnectionStringSetting} is not a valid PostgreSQL connection string: {e.Message}", e);
        }
    }

    // Keywords as the operator may spell them (DbConnectionStringBuilder compares keys case-insensitively; Npgsql also
    // accepts them without spaces).
    private static readonly string[] ConnectTimeoutKeys = ["Timeout", "Connect Timeout", "Connection Timeout", "ConnectTimeout", "ConnectionTimeout"];
    private static readonly string[] CommandTimeoutKeys = ["Command Timeout", "CommandTimeout"];

    private static void ApplyBoundedTimeouts(string connectionString, NpgsqlConnectionStringBuilder builder)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!ConnectTimeoutKeys.Any(given.ContainsKey))
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        if (!CommandTimeoutKeys.Any(given.ContainsKey))
        {
            builder.CommandTimeout = DefaultCommandTimeoutSeconds;
        }
    }

    /// <summary>
    /// The connection string the pool uses: the operator's, with an application name and bounded timeouts where it sets
    /// none. Throws, naming the setting, when it is missing or malformed.
    /// </summary>
    public static string BoundedConnectionString(string? connectionString)
    {
        var builder = Parse(connectionString);
        builder.ApplicationName ??= "Sesame";
        ApplyBoundedTimeouts(connectionString!, builder);
        return builder.ConnectionString;
    }

    /// <summary>An open connection of the pool, for work that runs its own transactions (<see cref="StorageCopier"/>).</summary>
    internal ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    private async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            throw Unavailable(e);
        }
    }

    // Not reaching the server (refused, reset, a timeout) is an outage, answered as one: a PostgresException is the server
    // speaking (a constraint, a serialization failure) and stays what it is for the stores to decide on.
    // Class 08 is a connection exception, 57 an operator's intervention (57P01 admin shutdown during a restart, 57P03
    // the server still starting), 53300 too many connections.
    private static bool IsUnreachable(Exception e, CancellationToken cancellationToken) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57", StringComparison.Ordinal)
            || p.SqlState == PostgresErrorCodes.TooManyConnections,
        NpgsqlException or SocketException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private StorageUnavailableException Unavailable(Exception e)
    {
        Log.Unreachable(_logger, Describe, e.GetType().Name, e.Message);
        return new StorageUnavailableException($"PostgreSQL at {Describe} cannot be reached.", e);
    }

    // A connection that broke (the server restarted or went away) means its idle siblings in the pool are most likely
    // dead too: clear them, so the requests after the database is back open fresh connections instead of failing once
    // each on a stale one.
    private async Task<T> Guard<T>(NpgsqlConnection connection, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (e is not OperationCanceledException && (IsUnreachable(e, CancellationToken.None) || connection.FullState.HasFlag(ConnectionState.Broken)))
        {
            if (connection.FullState.HasFlag(ConnectionState.Broken))
            {
                _dataSource.Clear();
            }

            if (e is PostgresException && !IsUnreachable(e, CancellationToken.None))
            {
                throw;
            }

            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Applies every script not yet recorded in <c>schema_version</c>, all in one transaction under a transaction-level
    /// advisory lock: a second node starting at the same moment waits for the first, then finds everything recorded.
    /// Each script therefore runs inside a transaction (no <c>CREATE INDEX CONCURRENTLY</c>).
    /// </summary>
    private void Migrate()
    {
        using var connection = OpenAtStartup();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey})");
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at bigint NOT NULL)");

        // Every script not yet recorded is applied, in order, like SQLite's: numbers come per feature branch, so a
        // database that has 0007 may still lack 0003.
        var applied = new HashSet<int>();
        using (var read = new NpgsqlCommand("SELECT version FROM schema_version", connection, transaction))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var (version, script) in SchemaScripts.Read(SchemaPrefix))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            try
            {
                Execute(connection, transaction, script);
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"PostgreSQL schema script {version} failed on {Describe}: {e.Message}", e);
            }

            using var record = new NpgsqlCommand("INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _time.GetUtcNow().ToUnixTimeMilliseconds() });
            record.ExecuteNonQuery();
            Log.SchemaApplied(_logger, version);
        }

        transaction.Commit();
    }

    private NpgsqlConnection OpenAtStartup()
    {
        try
        {
            return _dataSource.OpenConnection();
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            // Npgsql's messages name the host or the PostgreSQL error (e.g. 28P01 password authentication failed, 3D000
            // database does not exist), never the password; Describe leaves it out too.
            throw new InvalidOperationException($"{ConnectionStringSetting}: cannot connect to PostgreSQL at {Describe}: {e.Message}", e);
        }
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "PostgreSQL schema script {Version} applied.")]
        public static partial void SchemaApplied(ILogger logger, int version);

        [LoggerMessage(3, LogLevel.Warning, "PostgreSQL at {Database} cannot be reached ({ErrorType}: {Reason}); the request is answered InternalErrorException.")]
        public static partial void Unreachable(ILogger logger, string database, string errorType, string reason);

        [LoggerMessage(2, LogLevel.Debug, "PostgreSQL aborted a transaction ({SqlState}) on attempt {Attempt}; running it again.")]
        public static partial void WriteRetried(ILogger logger, string sqlState, int attempt);
    }
}
