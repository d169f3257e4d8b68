using System.Text.Json.Nodes;
using Sesame.Host.CommandLine;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CommandLine;

/// <summary>
/// The <c>sesame</c> commands, run in-process exactly as the executable runs them (same host, same configuration) against
/// a real SQLite data directory (and PostgreSQL where a cluster is set); what they write, the server then serves.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private const string Pool = SesameApp.PoolId;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sesame-cli-" + Guid.NewGuid().ToString("N"));

    internal static async Task<(int Code, string Out, string Err)> RunAsync(string dataDir, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await SesameCommandLine.RunAsync([.. args, "--environment", "Development", "--data-dir", dataDir], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private Task<(int Code, string Out, string Err)> Sesame(params string[] args) => RunAsync(_dataDir, args);

    [Fact]
    public async Task UsersCreate_Passwordless_SignsInByCodeThroughTheServer()
    {
        var phone = SesameApp.NewPhone();
        var created = await Sesame("users", "create", "--pool", Pool, phone, "-a", "email=cli@example.com", "-o", "json");

        Assert.Equal((ExitCodes.Ok, ""), (created.Code, created.Err));
        var sub = JsonNode.Parse(created.Out)!["User"]!["Attributes"]!.AsArray().Single(a => (string?)a!["Name"] == "sub")!["Value"]!.GetValue<string>();
        using var server = new SesameApp(dataDir: _dataDir);
        var tokens = await server.SignInAsync(phone);
        var user = await server.CallAsync("GetUser", new { AccessToken = tokens["AccessToken"]!.GetValue<string>() });
        Assert.Contains(sub, user.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_KeyWithAPoolId_AppliesLikeTheServersCommandLine()
    {
        // A pool id has a hyphen: a pool given only as settings (as bench/run.sh gives it) is one the commands know.
        const string pool = "us-east-1_CliOnlyPool";
        var phone = SesameApp.NewPhone();
        string[] settings = [$"--Sesame:UserPools:{pool}:Name=CliOnly", $"--Sesame:UserPools:{pool}:Clients:clionlyclient000000000000:Name=cli"];
        var created = await Sesame(["users", "create", "--pool", pool, phone, .. settings, "-o", "json"]);

        Assert.Equal((ExitCodes.Ok, ""), (created.Code, created.Err));
        var listed = await Sesame(["users", "list", "--pool", pool, .. settings, "-o", "json"]);
        Assert.Single(JsonNode.Parse(listed.Out)!["Users"]!.AsArray());
    }

    [Fact]
    public async Task Users_EveryCommand_ChangesTheStoreAsTheAdminApiWould()
    {
        var phone = SesameApp.NewPhone();
        Assert.Equal(ExitCodes.Ok, (await Sesame("users", "create", "-p", Pool, phone)).Code);
        Assert.Equal(ExitCodes.Ok, (await Sesame("users", "create", "-p", Pool, "jo@example.com")).Code);

        var filtered = await Sesame("users", "list", "-p", Pool, "--filter", $"phone_number = \"{phone}\"", "-o", "json");
        var users = JsonNode.Parse(filtered.Out)!["Users"]!.AsArray();
        Assert.Equal(phone, Assert.Single(users)!["Attributes"]!.AsArray().Single(a => (string?)a!["Name"] == "phone_number")!["Value"]!.GetValue<string>());
        var table = await Sesame("users", "list", "-p", Pool);
        Assert.Equal(3, table.Out.Trim().Split('\n').Length);
        Assert.StartsWith("USERNAME", table.Out, StringComparison.Ordinal);
        Assert.Single(JsonNode.Parse((await Sesame("users", "list", "-p", Pool, "--limit", "1", "-o", "json")).Out)!["Users"]!.AsArray());

        Assert.Equal(ExitCodes.Ok, (await Sesame("users", "disable", "-p", Pool, phone)).Code);
        Assert.Matches("(?m)^Enabled +no$", (await Sesame("users", "get", "-p", Pool, phone)).Out);
        Assert.Equal(ExitCodes.Ok, (await Sesame("users", "enable", "-p", Pool, phone)).Code);
        Assert.Equal(ExitCodes.Ok, (await Sesame("users", "set-attribute", "-p", Pool, phone, "given_name=Jo", "email=jo2@example.com", "email_verified=true")).Code);
        var got = JsonNode.Parse((await Sesame("users", "get", "-p", Pool, phone, "-o", "json")).Out)!;
        Assert.True(got["Enabled"]!.GetValue<bool>());
        var attributes = got["UserAttributes"]!.AsArray().ToDictionary(a => (string)a!["Name"]!, a => (string?)a!["Value"]);
        Assert.Equal(("Jo", "jo2@example.com", "true"), (attributes["given_name"], attributes["email"], attributes["email_verified"]));

        Assert.Equal(ExitCodes.Ok, (await Sesame("users", "delete", "-p", Pool, phone)).Code);
        var gone = await Sesame("users", "get", "-p", Pool, phone);
        Assert.Equal((ExitCodes.NotFound, "UserNotFoundException: User does not exist."), (gone.Code, gone.Err.Trim()));
    }

    [Fact]
    public async Task Users_RefusedOrWrongCommandLine_ExitCodesScriptsCanRelyOn()
    {
        var badFilter = await Sesame("users", "list", "-p", Pool, "--filter", "nickname = \"x\"");
        Assert.Equal(ExitCodes.Refused, badFilter.Code);
        Assert.StartsWith("InvalidParameterException: Invalid search attribute: nickname", badFilter.Err, StringComparison.Ordinal);

        var phone = SesameApp.NewPhone();
        await Sesame("users", "create", "-p", Pool, phone);
        var twice = await Sesame("users", "create", "-p", Pool, phone);
        Assert.Equal(ExitCodes.Refused, twice.Code);
        Assert.StartsWith("UsernameExistsException", twice.Err, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.NotFound, (await Sesame("users", "list", "-p", "us-east-1_Nowhere")).Code);
        var noPool = await Sesame("users", "list");
        Assert.Equal(ExitCodes.Usage, noPool.Code);
        Assert.Contains("Option '--pool' is required.", noPool.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, (await Sesame("users", "frobnicate")).Code);

        var help = await Sesame("users", "list", "--help");
        Assert.Equal(ExitCodes.Ok, help.Code);
        Assert.Contains("sesame users list [options]", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolsAndClients_Created_ListedShownAndTheSecretPrintedOnce()
    {
        var created = await Sesame("pools", "create", "Shop", "--region", "eu-west-1", "--username-attributes", "email", "--enumeration-mode", "Cognito", "-o", "json");
        Assert.Equal(ExitCodes.Ok, created.Code);
        var poolId = JsonNode.Parse(created.Out)!["UserPool"]!["Id"]!.GetValue<string>();
        Assert.StartsWith("eu-west-1_", poolId, StringComparison.Ordinal);

        var pools = await Sesame("pools", "list");
        Assert.Contains(Pool, pools.Out, StringComparison.Ordinal);
        Assert.Contains(poolId, pools.Out, StringComparison.Ordinal);
        var shown = await Sesame("pools", "show", poolId);
        Assert.Contains("UsernameAttributes      email", shown.Out, StringComparison.Ordinal);
        Assert.Contains("EnumerationMode         Cognito", shown.Out, StringComparison.Ordinal);
        // Without the option a new pool is strict; an unknown mode is a usage error.
        var strict = JsonNode.Parse((await Sesame("pools", "create", "Strict shop", "-o", "json")).Out)!["UserPool"]!;
        Assert.Equal("Strict", strict["UserPoolTags"]!["sesame:EnumerationMode"]!.GetValue<string>());
        Assert.Equal(ExitCodes.Usage, (await Sesame("pools", "create", "Loose", "--enumeration-mode", "Loose")).Code);
        Assert.Equal(ExitCodes.NotFound, (await Sesame("pools", "show", "eu-west-1_Missing")).Code);

        var client = await Sesame("clients", "create", "-p", poolId, "backend", "--secret", "-o", "json");
        var described = JsonNode.Parse(client.Out)!["UserPoolClient"]!;
        var secret = described["ClientSecret"]!.GetValue<string>();
        var clientId = described["ClientId"]!.GetValue<string>();
        Assert.True(secret.Length >= 40, secret);

        var list = await Sesame("clients", "list", "-p", poolId);
        var show = await Sesame("clients", "show", "-p", poolId, clientId, "-o", "json");
        Assert.Contains(clientId, list.Out, StringComparison.Ordinal);
        Assert.Equal("********", JsonNode.Parse(show.Out)!["UserPoolClient"]!["ClientSecret"]!.GetValue<string>());
        Assert.DoesNotContain(secret, list.Out + show.Out, StringComparison.Ordinal);

        // The new pool's signing keys were made with it; the server serves the pool and its keys after a restart.
        var keys = await Sesame("keys", "list", "--pool", poolId, "-o", "json");
        Assert.Equal(["access", "id"], JsonNode.Parse(keys.Out)!["Keys"]!.AsArray().Select(k => (string)k!["Purpose"]!).Order());
        using var server = new SesameApp(dataDir: _dataDir);
        var jwks = JsonNode.Parse(await server.CreateClient().GetStringAsync($"/{poolId}/.well-known/jwks.json"))!["keys"]!.AsArray().Select(k => (string)k!["kid"]!);
        Assert.Equal(JsonNode.Parse(keys.Out)!["Keys"]!.AsArray().Select(k => (string)k!["Kid"]!).Order(), jwks.Order());
        // The chosen mode was stored with the pool: the restarted server still answers in it.
        var restarted = await server.AdminCallAsync("DescribeUserPool", new { UserPoolId = poolId });
        Assert.Equal("Cognito", restarted.Json["UserPool"]!["UserPoolTags"]!["sesame:EnumerationMode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Outbox_InvitationQueued_ListedMaskedAndRetryKnowsWhatWaits()
    {
        var phone = SesameApp.NewPhone();
        Assert.Equal(ExitCodes.Ok, (await Sesame("users", "create", "-p", Pool, phone, "--invite", "SMS")).Code);

        var listed = await Sesame("outbox", "list", "--destination", phone, "-o", "json");
        var message = Assert.Single(JsonNode.Parse(listed.Out)!["Messages"]!.AsArray())!;
        Assert.Equal(("queued", "SMS"), ((string)message["Status"]!, (string)message["Channel"]!));
        Assert.DoesNotContain(phone, listed.Out, StringComparison.Ordinal);
        Assert.Contains(phone[^4..], (string)message["Destination"]!, StringComparison.Ordinal);

        // The message is due already (no server has tried it yet): nothing waits for a retry.
        Assert.Equal((ExitCodes.Ok, "0 message(s) due now."), await OutAsync("outbox", "retry"));
        Assert.Equal(ExitCodes.NotFound, (await Sesame("outbox", "retry", ((long)message["Id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture))).Code);
        Assert.Equal(ExitCodes.Usage, (await Sesame("outbox", "list", "--status", "lost")).Code);
    }

    [Fact]
    public async Task ConfigCheck_Development_ValidWithSecretsMasked()
    {
        var check = await Sesame("config", "check", "--ConnectionStrings:Reports=Host=db.internal;Username=r;Password=hunter2;Database=r");

        Assert.Equal(ExitCodes.Ok, check.Code);
        Assert.Contains("Sesame:AdminAccessKeys:sesame-dev", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("sesame-dev-secret", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", check.Out, StringComparison.Ordinal);
        Assert.Contains("Host=db.internal;Username=r;Password=********;Database=r", check.Out, StringComparison.Ordinal);
        Assert.EndsWith("Configuration: valid; storage: reachable", check.Out.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_InvalidSetting_NamedWithExitCode4()
    {
        var check = await Sesame("config", "check", "--Sesame:Storage:Provider=Oracle", "-o", "json");

        Assert.Equal(ExitCodes.Configuration, check.Code);
        var report = JsonNode.Parse(check.Out)!;
        Assert.False(report["Valid"]!.GetValue<bool>());
        Assert.Contains(report["Errors"]!.AsArray(), e => ((string)e!).Contains("Sesame:Storage:Provider", StringComparison.Ordinal));
        // Any other command refuses to run on it, naming the setting too.
        var list = await Sesame("users", "list", "-p", Pool, "--Sesame:Storage:Provider=Oracle");
        Assert.Equal(ExitCodes.Configuration, list.Code);
        Assert.Contains("Sesame:Storage:Provider", list.Err, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Users_OnPostgres_SameCommandsSameResults()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        string[] postgres = ["--Sesame:Storage:Provider=Postgres", "--Sesame:Storage:ConnectionString=" + database.ConnectionString];
        var phone = SesameApp.NewPhone();

        Assert.Equal(ExitCodes.Ok, (await Sesame(["users", "create", "-p", Pool, phone, .. postgres])).Code);
        var listed = await Sesame(["users", "list", "-p", Pool, "-o", "json", .. postgres]);
        Assert.Contains(phone, listed.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, (await Sesame(["config", "check", .. postgres])).Code);
        // The SQLite file of the same data directory never saw the user.
        Assert.DoesNotContain(phone, (await Sesame("users", "list", "-p", Pool)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NoCommandWord_PrintsUsageAndExitsZero()
    {
        var output = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await SesameCommandLine.RunAsync(["--help"], output, new StringWriter()));
        Assert.Contains("sesame [command] [options]", output.ToString(), StringComparison.Ordinal);
        foreach (var command in new[] { "serve", "users", "pools", "clients", "keys", "outbox", "config" })
        {
            Assert.Contains("  " + command + " ", output.ToString(), StringComparison.Ordinal);
        }
    }

    private async Task<(int, string)> OutAsync(params string[] args)
    {
        var (code, output, _) = await Sesame(args);
        return (code, output.Trim());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
