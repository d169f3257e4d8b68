using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sesame.Host.CommandLine;
using Sesame.Storage;
using Sesame.Storage.Postgres;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CommandLine;

/// <summary>
/// <c>sesame storage copy</c> and <see cref="StorageCopier"/>: a SQLite deployment populated through the real server and
/// commands, copied into a throwaway PostgreSQL database, served from there by a server that has never seen the data
/// directory (same keys, same tokens, the pending message sent); run again, interrupted and resumed, refused on another
/// deployment's database.
/// </summary>
public sealed class StorageCopyTests : IDisposable
{
    private const string Pool = SesameApp.PoolId;
    private readonly List<string> _dirs = [];

    private static JsonNode Payload(string jwt) => JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1]))!;

    /// <summary>The first column of every row the schema query returns: the table names.</summary>
    private static async Task<List<string>> NamesAsync(System.Data.Common.DbCommand command)
    {
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    [Fact]
    public async Task Tables_EveryTableOfTheSqliteSchema_IsCopied()
    {
        var dir = NewDir();
        Assert.Equal(ExitCodes.Ok, (await CommandLineTests.RunAsync(dir, "keys", "list")).Code);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dir, "sesame.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'", connection);
        Assert.Equal(CopiedNames().Order(StringComparer.Ordinal), (await NamesAsync(command)).Order(StringComparer.Ordinal));
    }

    [PostgresFact]
    public async Task Tables_EveryTableOfThePostgresSchema_IsCopied()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using (db.Open())
        {
        }

        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_version'", connection);
        Assert.Equal(CopiedNames().Order(StringComparer.Ordinal), (await NamesAsync(command)).Order(StringComparer.Ordinal));
    }

    [PostgresFact]
    public async Task Copy_SqliteDeployment_PostgresServesTheSameKeysTokensUsersAndPendingMessage()
    {
        var dir = NewDir();
        var phone = SesameApp.NewPhone();
        var historySize = new Dictionary<string, string?> { [$"Sesame:UserPools:{Pool}:PasswordHistorySize"] = "3" };
        JsonNode tokens;
        string username;
        List<string> kids;
        var holder = SesameApp.NewPhone();
        using (var sqliteServer = new SesameApp(historySize, dataDir: dir))
        {
            await sqliteServer.CreateConfirmedUserAsync(phone, ("given_name", "Ada"));
            tokens = await sqliteServer.SignInAsync(phone);
            username = (await sqliteServer.CallAsync("GetUser", new { AccessToken = tokens["AccessToken"]!.GetValue<string>() })).Json["Username"]!.GetValue<string>();
            (await sqliteServer.AdminCallAsync("CreateGroup", new { UserPoolId = Pool, GroupName = "editors" })).AssertOk();
            (await sqliteServer.AdminCallAsync("AdminAddUserToGroup", new { UserPoolId = Pool, Username = username, GroupName = "editors" })).AssertOk();
            // Four passwords at one clock instant: the history keeps the two replaced last, in the order they were.
            await sqliteServer.CreateConfirmedUserAsync(holder);
            foreach (var password in new[] { "password number 1", "password number 2", "password number 3", "password number 4" })
            {
                (await SetPasswordAsync(sqliteServer, holder, password)).AssertOk();
            }
        }

        // Rotated keys and a message queued but not yet sent (no server runs the dispatcher now).
        Assert.Equal(ExitCodes.Ok, (await CommandLineTests.RunAsync(dir, "keys", "rotate", "--pool", Pool)).Code);
        var invited = SesameApp.NewPhone();
        Assert.Equal(ExitCodes.Ok, (await CommandLineTests.RunAsync(dir, "users", "create", "--pool", Pool, invited, "--invite", "SMS")).Code);
        kids = [.. JsonNode.Parse((await CommandLineTests.RunAsync(dir, "keys", "list", "--pool", Pool, "-o", "json")).Out)!["Keys"]!
            .AsArray().Select(k => (string)k!["Kid"]!).Order()];
        Assert.Equal(4, kids.Count);

        await using var db = await PostgresTestDatabase.CreateAsync();
        var copied = await CommandLineTests.RunAsync(dir, "storage", "copy", "--from-data-dir", dir, "--to-postgres", db.ConnectionString, "-o", "json");

        Assert.Equal(ExitCodes.Ok, copied.Code);
        var report = JsonNode.Parse(copied.Out)!;
        Assert.Equal(0, (long)report["Skipped"]!);
        var byTable = report["Tables"]!.AsArray().ToDictionary(t => (string)t!["Table"]!, t => (long)t!["Copied"]!);
        Assert.Equal((4L, 3L, 1L, 2L), (byTable["signing_keys"], byTable["users"], byTable["user_group_members"], byTable["password_history"]));
        Assert.True(byTable["refresh_tokens"] >= 1 && byTable["outbox"] >= 2 && byTable["server_secrets"] >= 1, copied.Out);
        Assert.Contains("master.key", copied.Err, StringComparison.Ordinal);
        Assert.Contains("[##############################] 100%", copied.Err, StringComparison.Ordinal);

        // Run again: every row is there already, nothing is written.
        var again = JsonNode.Parse((await CommandLineTests.RunAsync(dir, "storage", "copy", "--from-data-dir", dir, "--to-postgres", db.ConnectionString, "-o", "json")).Out)!;
        Assert.Equal((0L, (long)report["Copied"]!), ((long)again["Copied"]!, (long)again["Skipped"]!));

        // A server on PostgreSQL alone (a fresh data directory), with the source's master key.
        using var postgresServer = new SesameApp(new(historySize)
        {
            ["Sesame:Storage:Provider"] = "Postgres",
            ["Sesame:Storage:ConnectionString"] = db.ConnectionString,
            ["Sesame:Secrets:MasterKey"] = (await File.ReadAllTextAsync(Path.Combine(dir, "master.key"))).Trim(),
        });
        using var http = postgresServer.CreateClient();
        var jwks = JsonNode.Parse(await http.GetStringAsync($"/{Pool}/.well-known/jwks.json"))!["keys"]!.AsArray().Select(k => (string)k!["kid"]!).Order();
        Assert.Equal(kids, jwks);

        // The access token issued before the copy verifies (same key) and names the same user.
        var user = await postgresServer.CallAsync("GetUser", new { AccessToken = tokens["AccessToken"]!.GetValue<string>() });
        user.AssertOk();
        Assert.Equal(username, user.Json["Username"]!.GetValue<string>());
        Assert.Contains(user.Json["UserAttributes"]!.AsArray(), a => (string?)a!["Name"] == "given_name" && (string?)a["Value"] == "Ada");
        var refreshed = await postgresServer.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId, AuthFlow = "REFRESH_TOKEN_AUTH", AuthParameters = new { REFRESH_TOKEN = tokens["RefreshToken"]!.GetValue<string>() },
        });
        refreshed.AssertOk();
        Assert.Equal(["editors"], Payload(refreshed.Json["AuthenticationResult"]!["IdToken"]!.GetValue<string>())["cognito:groups"]!.AsArray().Select(g => (string)g!));
        var signedIn = await postgresServer.SignInAsync(phone);
        Assert.Equal(Payload(tokens["IdToken"]!.GetValue<string>())["sub"]!.GetValue<string>(), Payload(signedIn["IdToken"]!.GetValue<string>())["sub"]!.GetValue<string>());

        // The password history came with its order: 3 and 2 are refused, 1 is not, and 4 then goes in as the newest.
        (await SetPasswordAsync(postgresServer, holder, "password number 2")).AssertError("PasswordHistoryPolicyViolationException");
        (await SetPasswordAsync(postgresServer, holder, "password number 3")).AssertError("PasswordHistoryPolicyViolationException");
        (await SetPasswordAsync(postgresServer, holder, "password number 1")).AssertOk();
        (await SetPasswordAsync(postgresServer, holder, "password number 2")).AssertOk();
        (await SetPasswordAsync(postgresServer, holder, "password number 4")).AssertError("PasswordHistoryPolicyViolationException");

        // The invitation queued on SQLite is due once the server's clock reaches the time the command queued it at.
        postgresServer.Clock.Advance(DateTimeOffset.UtcNow - postgresServer.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        Assert.NotNull(await postgresServer.MessageAsync(invited));
    }

    private static Task<CognitoResponse> SetPasswordAsync(SesameApp app, string phone, string password) =>
        app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = Pool, Username = phone, Password = password, Permanent = true });

    [PostgresFact]
    public async Task Copy_Interrupted_WholeBatchesOnlyThenResumes()
    {
        var dir = NewDir();
        using (var sqliteServer = new SesameApp(dataDir: dir))
        {
            for (var i = 0; i < 7; i++)
            {
                await sqliteServer.CreateConfirmedUserAsync(SesameApp.NewPhone());
            }
        }

        await using var db = await PostgresTestDatabase.CreateAsync();
        using var cancel = new CancellationTokenSource();
        // Interrupted after the second batch of users has committed.
        var interrupted = new SyncProgress(p =>
        {
            if (p.Table == "users" && p.TableDone >= 4)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CopyAsync(dir, db, interrupted, cancel.Token));
        Assert.Equal(4L, await db.ScalarAsync<long>("SELECT count(*) FROM users"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM refresh_tokens"));

        var resumed = await CopyAsync(dir, db, null, CancellationToken.None);

        var users = resumed.Single(r => r.Table == "users");
        Assert.Equal((7L, 3L, 4L), (users.Rows, users.Copied, users.Skipped));
        Assert.Equal(7L, await db.ScalarAsync<long>("SELECT count(*) FROM users"));
        Assert.All(resumed.Where(r => r.Table != "users" && r.Table != "server_secrets" && r.Table != "user_pools" && r.Table != "user_pool_clients" && r.Table != "signing_keys"),
            r => Assert.Equal(0L, r.Skipped));
        Assert.All(resumed, r => Assert.Equal(r.Rows, r.Copied + r.Skipped));
    }

    [PostgresFact]
    public async Task Copy_TargetHoldsAnotherDeployment_RefusedBeforeWritingAnything()
    {
        var first = NewDir();
        var second = NewDir();
        using (var a = new SesameApp(dataDir: first))
        {
            await a.CreateConfirmedUserAsync(SesameApp.NewPhone());
        }

        using (var b = new SesameApp(dataDir: second))
        {
            await b.CreateConfirmedUserAsync(SesameApp.NewPhone());
        }

        await using var db = await PostgresTestDatabase.CreateAsync();
        Assert.Equal(ExitCodes.Ok, (await CommandLineTests.RunAsync(first, "storage", "copy", "--from-data-dir", first, "--to-postgres", db.ConnectionString)).Code);
        var users = await db.ScalarAsync<long>("SELECT count(*) FROM users");

        var refused = await CommandLineTests.RunAsync(second, "storage", "copy", "--from-data-dir", second, "--to-postgres", db.ConnectionString);

        Assert.Equal(ExitCodes.Refused, refused.Code);
        Assert.Contains("holds rows that the source does not have or holds otherwise", refused.Err, StringComparison.Ordinal);
        Assert.Contains("users (1)", refused.Err, StringComparison.Ordinal);
        Assert.Contains("signing_keys (2)", refused.Err, StringComparison.Ordinal);
        Assert.Equal(users, await db.ScalarAsync<long>("SELECT count(*) FROM users"));

        var noTarget = await CommandLineTests.RunAsync(second, "storage", "copy", "--from-data-dir", second);
        Assert.Equal(ExitCodes.Configuration, noTarget.Code);
        Assert.Equal(ExitCodes.NotFound, (await CommandLineTests.RunAsync(second, "storage", "copy", "--from-data-dir", NewDir(), "--to-postgres", db.ConnectionString)).Code);
    }

    private static IEnumerable<string> CopiedNames() =>
        StorageCopier.Tables.SelectMany(t => t.Child is { } child ? new[] { t.Name, child.Name } : [t.Name]);

    private static async Task<IReadOnlyList<StorageCopyTableResult>> CopyAsync(
        string dir, PostgresTestDatabase db, IProgress<StorageCopyProgress>? progress, CancellationToken cancellationToken)
    {
        await using var source = new SqliteConnection($"Data Source={Path.Combine(dir, "sesame.db")};Pooling=False");
        await source.OpenAsync(cancellationToken);
        await using var snapshot = source.BeginTransaction(deferred: true);
        await using var postgres = db.Open();
        await using var target = await postgres.OpenConnectionAsync(cancellationToken);
        return await new StorageCopier(source, snapshot, target, PostgresDatabase.Sql.Dialect, batchSize: 2).CopyAsync(progress, cancellationToken);
    }

    private string NewDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sesame-copy-" + Guid.NewGuid().ToString("N"));
        _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed class SyncProgress(Action<StorageCopyProgress> report) : IProgress<StorageCopyProgress>
    {
        public void Report(StorageCopyProgress value) => report(value);
    }
}
