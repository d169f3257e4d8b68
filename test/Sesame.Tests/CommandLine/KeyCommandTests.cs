using System.Text.Json.Nodes;
using Sesame.Host.CommandLine;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CommandLine;

/// <summary>
/// <c>sesame keys rotate</c> against a real store (a SQLite data directory, and PostgreSQL where a cluster is set) while a
/// server runs on it: the command stores the next generation as the admin API does, and the running server publishes it
/// without a restart.
/// </summary>
public sealed class KeyCommandTests : IDisposable
{
    private const string Pool = SesameApp.PoolId;

    // Not a speed assertion: how long the test waits for the server's next refresh before it fails instead of hanging.
    private static readonly TimeSpan RefreshBound = TimeSpan.FromSeconds(30);

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sesame-keys-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public Task Rotate_Sqlite_NextGenerationStoredAndServedByTheRunningServer() => RotateWhileServingAsync([]);

    [PostgresFact]
    public async Task Rotate_Postgres_NextGenerationStoredAndServedByTheRunningServer()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await RotateWhileServingAsync(new()
        {
            ["Sesame:Storage:Provider"] = "Postgres",
            ["Sesame:Storage:ConnectionString"] = db.ConnectionString,
        });
    }

    [Fact]
    public async Task Rotate_UnknownPoolOrNoPool_ExitCodesScriptsCanRelyOn()
    {
        var unknown = await CommandLineTests.RunAsync(_dataDir, "keys", "rotate", "--pool", "us-east-1_Nowhere");
        Assert.Equal(ExitCodes.NotFound, unknown.Code);
        Assert.StartsWith("ResourceNotFoundException", unknown.Err, StringComparison.Ordinal);

        var none = await CommandLineTests.RunAsync(_dataDir, "keys", "rotate");
        Assert.Equal(ExitCodes.Usage, none.Code);
        Assert.Contains("Option '--pool' is required.", none.Err, StringComparison.Ordinal);

        var table = await CommandLineTests.RunAsync(_dataDir, "keys", "rotate", "-p", Pool);
        Assert.Equal(ExitCodes.Ok, table.Code);
        var lines = table.Out.Trim().Split('\n');
        Assert.StartsWith("POOL", lines[0], StringComparison.Ordinal);
        Assert.Equal(5, lines.Length);
        // Generation 1 of each purpose: published, not signing yet.
        Assert.Equal(2, lines.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"  1 +\S+ \S+ +\S+ \S+ +no +yes$")));
    }

    private async Task RotateWhileServingAsync(Dictionary<string, string?> settings)
    {
        settings["Sesame:Storage:RefreshInterval"] = "00:00:01";
        settings["Sesame:SigningKeys:PublishAhead"] = "00:10:00";
        using var server = new SesameApp(settings, dataDir: _dataDir);
        using var http = server.CreateClient();
        var before = await JwksAsync(http);
        Assert.Equal(2, before.Count);
        var args = settings.Select(s => $"--{s.Key}={s.Value}").ToArray();

        var rotated = await CommandLineTests.RunAsync(_dataDir, ["keys", "rotate", "--pool", Pool, "-o", "json", .. args]);

        Assert.Equal((ExitCodes.Ok, ""), (rotated.Code, rotated.Err));
        var json = JsonNode.Parse(rotated.Out)!;
        Assert.Equal(Pool, (string)json["UserPoolId"]!);
        var keys = json["Keys"]!.AsArray().Select(k => k!).ToList();
        Assert.Equal(4, keys.Count);
        var next = keys.Where(k => (int)k["Generation"]! == 1).ToList();
        Assert.Equal(["access", "id"], next.Select(k => (string)k["Use"]!).Order());
        // The new keys are published at once and sign only after the publish-ahead delay; the old ones still sign.
        Assert.All(next, k => Assert.Equal((false, true), ((bool)k["Signing"]!, (bool)k["Published"]!)));
        Assert.Equal(before.Order(), keys.Where(k => (bool)k["Signing"]!).Select(k => (string)k["Kid"]!).Order());
        Assert.All(next, k => Assert.InRange((long)k["ActivatesAt"]! - (long)k["CreatedAt"]!, 599, 601));

        // Rotating again before the new keys sign changes nothing: the same four keys.
        var again = await CommandLineTests.RunAsync(_dataDir, ["keys", "rotate", "--pool", Pool, "-o", "json", .. args]);
        Assert.Equal(keys.Select(k => (string)k["Kid"]!).Order(), JsonNode.Parse(again.Out)!["Keys"]!.AsArray().Select(k => (string)k!["Kid"]!).Order());

        // The running server publishes the new keys from its next refresh, without a restart.
        var expected = keys.Select(k => (string)k["Kid"]!).Order().ToList();
        var deadline = DateTime.UtcNow + RefreshBound;
        List<string> served;
        do
        {
            await Task.Delay(200);
            served = [.. (await JwksAsync(http)).Order()];
        }
        while (!served.SequenceEqual(expected) && DateTime.UtcNow < deadline);

        Assert.Equal(expected, served);
        var listed = await CommandLineTests.RunAsync(_dataDir, ["keys", "list", "--pool", Pool, "-o", "json", .. args]);
        Assert.Equal(expected, JsonNode.Parse(listed.Out)!["Keys"]!.AsArray().Select(k => (string)k!["Kid"]!).Order());
    }

    private static async Task<List<string>> JwksAsync(HttpClient http) =>
        [.. JsonNode.Parse(await http.GetStringAsync($"/{Pool}/.well-known/jwks.json"))!["keys"]!.AsArray().Select(k => (string)k!["kid"]!)];

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
