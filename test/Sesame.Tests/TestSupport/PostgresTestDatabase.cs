using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Sesame.Configuration;
using Sesame.Storage.Postgres;

namespace Sesame.Tests.TestSupport;

/// <summary>
/// An empty database of its own on the test cluster, dropped on dispose, so PostgreSQL tests run in parallel and
/// never see each other's rows.
/// </summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable scripts/test.sh (or a developer, see docs/testing.md) sets.</summary>
    public const string Variable = "SESAME_TEST_POSTGRES";

    private readonly string _serverConnectionString;

    private PostgresTestDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Why PostgreSQL tests are skipped here, or null when they run (a cluster is set, or under CI).</summary>
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } || IsCi
            ? null
            : $"{Variable} is not set: no PostgreSQL cluster. Run bash scripts/test.sh, or start one with scripts/postgres.sh (docs/testing.md).";

    /// <summary>The cluster's connection string (its maintenance database).</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set, and CI=true: the PostgreSQL tests must run here. scripts/test.sh starts the cluster and sets it.");

    public string Name { get; }

    /// <summary>Connects to this database only.</summary>
    public string ConnectionString { get; }

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var server = ServerConnectionString;
        var database = new PostgresTestDatabase(server, "sesame_test_" + Guid.NewGuid().ToString("N"));
        await database.ExecuteOnServerAsync($"CREATE DATABASE {database.Name}");
        return database;
    }

    /// <summary>A <see cref="PostgresDatabase"/> over this database, as the server builds it (schema applied).</summary>
    public PostgresDatabase Open() => Open(ConnectionString);

    /// <summary>A <see cref="PostgresDatabase"/> as the server builds it from <c>Sesame:Storage:ConnectionString</c>.</summary>
    public static PostgresDatabase Open(string connectionString) => new(
        Options.Create(new SesameOptions { Storage = { Provider = StorageOptions.Postgres, ConnectionString = connectionString } }),
        TimeProvider.System,
        NullLogger<PostgresDatabase>.Instance);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        // Connections still open to the database (a pool not yet disposed) would block DROP DATABASE; FORCE ends them.
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
