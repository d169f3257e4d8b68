using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sesame.Storage;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Storage;

public sealed class PostgresDatabaseTests
{
    private const string Setting = "Sesame:Storage:ConnectionString";

    private static readonly string[] Tables =
    [
        "auth_sessions", "hosted_ui_sessions", "oauth_grants", "one_time_codes", "outbox", "password_attempts", "password_history", "password_verifiers", "rate_limit_events", "rate_limit_keys", "refresh_tokens",
        "schema_version", "server_secrets", "signing_keys", "user_group_members", "user_groups", "user_pool_clients", "user_pools", "users",
    ];

    [PostgresFact]
    public async Task Migrate_EmptyDatabase_CreatesEveryTableAndRecordsEachScript()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();

        await using (db.Open())
        {
        }

        Assert.Equal(Tables, await TablesAsync(db));
        Assert.Equal(ScriptCount, await db.ScalarAsync<long>("SELECT count(*) FROM schema_version"));
    }

    [PostgresFact]
    public async Task Migrate_SecondStart_ChangesNothing()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using (db.Open())
        {
        }

        var before = await db.ScalarAsync<string>("SELECT string_agg(version || ':' || applied_at, ',' ORDER BY version) FROM schema_version");
        await using (db.Open())
        {
        }

        Assert.Equal(before, await db.ScalarAsync<string>("SELECT string_agg(version || ':' || applied_at, ',' ORDER BY version) FROM schema_version"));
        Assert.Equal(Tables, await TablesAsync(db));
    }

    [PostgresFact]
    public async Task Migrate_TwoNodesStartingAtOnce_BothSucceedWithOneRowPerScript()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        using var gate = new Barrier(2);

        var starts = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            gate.SignalAndWait(TimeSpan.FromSeconds(30));
            return db.Open();
        })).ToArray();
        var databases = await Task.WhenAll(starts);
        foreach (var database in databases)
        {
            await database.DisposeAsync();
        }

        Assert.Equal(ScriptCount, await db.ScalarAsync<long>("SELECT count(*) FROM schema_version"));
        Assert.Equal(ScriptCount, await db.ScalarAsync<long>("SELECT count(DISTINCT version) FROM schema_version"));
        Assert.Equal(Tables, await TablesAsync(db));
    }

    [PostgresFact]
    public async Task Schema_SecondUserWithSamePhoneInPool_RefusedByTheDatabase()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var database = db.Open();
        const string insert = """
            INSERT INTO users (pool_id, username_key, username, sub, status, enabled, phone_key, email_key, attributes, created_at, modified_at, version)
            VALUES ('p', $1, $1, $1, 'CONFIRMED', true, '+15551234567', NULL, '{}', 0, 0, 1)
            """;

        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand(insert, connection, transaction) { Parameters = { new() { Value = "a" } } };
            return await command.ExecuteNonQueryAsync(ct);
        }, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand(insert, connection, transaction) { Parameters = { new() { Value = "b" } } };
            return await command.ExecuteNonQueryAsync(ct);
        }, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.Equal("users_phone", refused.ConstraintName);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM users"));
    }

    [PostgresFact]
    public async Task Start_WrongPassword_FailsNamingTheSettingButNotThePassword()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        const string wrong = "not-the-password-4711";
        var connectionString = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Password = wrong }.ConnectionString;

        var error = Assert.Throws<InvalidOperationException>(() => PostgresTestDatabase.Open(connectionString));

        Assert.StartsWith(Setting, error.Message, StringComparison.Ordinal);
        Assert.Contains("28P01", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_NothingListening_FailsNamingTheSettingButNotThePassword()
    {
        const string password = "secret-password-4711";

        var error = Assert.Throws<InvalidOperationException>(() => PostgresTestDatabase.Open($"Host=127.0.0.1;Port={ClosedPort()};Username=sesame;Password={password};Database=sesame"));

        Assert.StartsWith(Setting, error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_MalformedConnectionString_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PostgresTestDatabase.Open("Host=127.0.0.1;Colour=blue;Password=secret-password-4711"));

        Assert.StartsWith(Setting, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password-4711", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Server_PostgresSelected_SignsUpAndSignsInWithEverythingInTheDatabase()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Storage:Provider"] = "Postgres",
            ["Sesame:Storage:ConnectionString"] = db.ConnectionString,
        });
        var phone = SesameApp.NewPhone();

        var sub = await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);

        Assert.NotNull(tokens["AccessToken"]);
        Assert.Equal(ScriptCount, await db.ScalarAsync<long>("SELECT count(*) FROM schema_version"));
        Assert.Equal(sub, await db.ScalarAsync<string>("SELECT sub FROM users WHERE status = 'CONFIRMED'"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM refresh_tokens"));
    }

    [Fact]
    public void Server_PostgresUnreachable_StopsAtStartUpNamingTheSetting()
    {
        const string password = "secret-password-4711";
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Storage:Provider"] = "Postgres",
            ["Sesame:Storage:ConnectionString"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=sesame;Password={password};Database=sesame",
        });

        var messages = Messages(Record.Exception(() => app.CreateClient()));

        Assert.Contains(Setting + ": cannot connect to PostgreSQL at Host=127.0.0.1", messages, StringComparison.Ordinal);
        Assert.DoesNotContain(password, messages, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_PostgresWithoutConnectionString_StopsAtStartUpNamingTheSetting()
    {
        using var app = new SesameApp(new Dictionary<string, string?> { ["Sesame:Storage:Provider"] = "Postgres" });

        Assert.Contains(Setting + " is required", Messages(Record.Exception(() => app.CreateClient())), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Health_DatabaseGoesAwayAndComesBack_503Then200WithoutRestart()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var target = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        await using var forwarder = new TcpForwarder("127.0.0.1", target.Port);
        await using var database = PostgresTestDatabase.Open(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = forwarder.Port }.ConnectionString);
        // The SQLite server, with PostgreSQL answering /health: the endpoint and the check are the real ones.
        using var app = new SesameApp(services: s => s.AddSingleton<IStorageHealth>(database));
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        await forwarder.CloseAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);

        forwarder.Open();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    private static long ScriptCount => typeof(IStorageHealth).Assembly.GetManifestResourceNames()
        .Count(n => n.StartsWith("Sesame.Storage.Postgres.Schema.", StringComparison.Ordinal));

    private static async Task<string[]> TablesAsync(PostgresTestDatabase db) =>
        (await db.ScalarAsync<string>("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")).Split(',');

    // A loopback port nobody listens on: bound, read, released.
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string Messages(Exception? error)
    {
        Assert.NotNull(error);
        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }
}
