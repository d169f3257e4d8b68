using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Sesame.Host.CommandLine;
using Sesame.Tests.TestSupport;
using Xunit.Abstractions;

namespace Sesame.Tests.CommandLine;

/// <summary>
/// <c>sesame import cognito</c> and <c>sesame export</c> on real files and a real SQLite data directory: usernames and subs
/// kept, imported users signing in through the server, malformed rows reported with their lines, an interrupted import
/// (the process killed) resumed by running it again.
/// </summary>
public sealed class CognitoImportTests(ITestOutputHelper log) : IDisposable
{
    private const string Pool = SesameApp.PoolId;

    // Cognito's GetCSVHeader columns, in its order, with a custom attribute and the sub that exports carry.
    private const string Header = "name,given_name,family_name,middle_name,nickname,preferred_username,profile,picture,website,email,email_verified,"
        + "gender,birthdate,zoneinfo,locale,phone_number,phone_number_verified,address,updated_at,cognito:mfa_enabled,cognito:username,custom:tier,sub";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sesame-import-" + Guid.NewGuid().ToString("N"));

    private string DataDir => Path.Combine(_dir, "data");

    private static string Row(string username, string? phone, string? email, string sub, string tier = "gold", string name = "Ada Lovelace",
        string phoneVerified = "true", string emailVerified = "false", string address = "") =>
        $"{Csv(name)},Ada,Lovelace,,,,,,,{email},{emailVerified},,,,,{phone},{phoneVerified},{Csv(address)},,false,{username},{tier},{sub}";

    private static string Csv(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal)
        ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;

    private string WriteFile(string name, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n", new UTF8Encoding(false));
        return path;
    }

    private Task<(int Code, string Out, string Err)> Sesame(params string[] args) => CommandLineTests.RunAsync(DataDir, args);

    [Fact]
    public async Task Import_CognitoExport_KeepsUsernamesAndSubsAndTheUsersSignInByCode()
    {
        var phone = SesameApp.NewPhone();
        var sub = Guid.NewGuid().ToString();
        var username = Guid.NewGuid().ToString();
        var file = WriteFile("users.csv", [Header,
            Row(username, phone, "ada@example.com", sub, address: "12 Main St, Springfield\n\"Apt\" 4"),
            Row("grace", null, "grace@example.com", Guid.NewGuid().ToString(), tier: "", emailVerified: "TRUE"),
        ]);

        var result = await Sesame("import", "cognito", "--pool", Pool, file);

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Equal("2 rows: 2 imported, 0 skipped (already there), 0 rejected.", result.Out.Trim());
        using var server = new SesameApp(dataDir: DataDir);
        var tokens = await server.SignInAsync(phone);
        var user = (await server.CallAsync("GetUser", new { AccessToken = tokens["AccessToken"]!.GetValue<string>() })).Json;
        Assert.Equal(username, user["Username"]!.GetValue<string>());
        var attributes = user["UserAttributes"]!.AsArray().ToDictionary(a => (string)a!["Name"]!, a => (string)a!["Value"]!);
        Assert.Equal((sub, "gold", "true", "false", "12 Main St, Springfield\n\"Apt\" 4"),
            (attributes["sub"], attributes["custom:tier"], attributes["phone_number_verified"], attributes["email_verified"], attributes["address"]));
        var grace = JsonOf(await Sesame("users", "get", "-p", Pool, "grace@example.com", "-o", "json"));
        Assert.Equal("CONFIRMED", grace["UserStatus"]!.GetValue<string>());
        Assert.Contains(grace["UserAttributes"]!.AsArray(), a => (string)a!["Name"]! == "email_verified" && (string)a["Value"]! == "true");
    }

    [Fact]
    public async Task Import_MalformedRows_ReportedWithLinesAndSkippedTheRestImported()
    {
        var taken = SesameApp.NewPhone();
        Assert.Equal(ExitCodes.Ok, (await Sesame("users", "create", "-p", Pool, taken)).Code);
        var good = Enumerable.Range(0, 3).Select(i => Row($"good-{i}", SesameApp.NewPhone(), null, Guid.NewGuid().ToString())).ToList();
        var file = WriteFile("mixed.csv", [Header,
            good[0],
            Row("bad-phone", "555-1234", null, Guid.NewGuid().ToString()),                  // line 3
            Row("good-0", SesameApp.NewPhone(), null, Guid.NewGuid().ToString()),          // line 4: duplicate username
            Row("extra", SesameApp.NewPhone(), null, Guid.NewGuid().ToString()) + ",surplus", // line 5: a value in no column
            good[1],
            Row("bad-sub", SesameApp.NewPhone(), null, "not-a-uuid"),                       // line 7
            Row("no-contact", null, null, Guid.NewGuid().ToString()),                       // line 8
            Row("phone-taken", taken, null, Guid.NewGuid().ToString()),                     // line 9: held by a user in the pool
            Row("bad-flag", SesameApp.NewPhone(), null, Guid.NewGuid().ToString(), phoneVerified: "yes"), // line 10
            good[2],
        ]);

        var result = await Sesame("import", "cognito", "--pool", Pool, file, "--rejected", Path.Combine(_dir, "rejected.csv"));

        Assert.Equal(ExitCodes.RowsRejected, result.Code);
        Assert.Equal("10 rows: 3 imported, 0 skipped (already there), 7 rejected.", result.Out.Trim());
        foreach (var expected in new[]
        {
            "line 3 (bad-phone): Invalid phone number format.",
            "line 4 (good-0): duplicate username: line 2 has it too",
            "line 5 (extra): 24 fields, but the header has 23 columns (a value in an unknown column)",
            "line 7 (bad-sub): sub \"not-a-uuid\" is not a UUID.",
            "line 8 (no-contact): no phone_number or email",
            "line 9 (phone-taken): the phone_number belongs to another user already in the pool",
            "line 10 (bad-flag): phone_number_verified must be true or false, not \"yes\".",
        })
        {
            Assert.Contains(expected, result.Err, StringComparison.Ordinal);
        }

        Assert.Equal(8, File.ReadAllLines(Path.Combine(_dir, "rejected.csv")).Length);
        var listed = JsonOf(await Sesame("users", "list", "-p", Pool, "-o", "json"))["Users"]!.AsArray().Select(u => (string)u!["Username"]!).ToList();
        Assert.Equal(4, listed.Count);
        Assert.Contains("good-0", listed);
        Assert.Contains("good-1", listed);
        Assert.Contains("good-2", listed);
    }

    [Fact]
    public async Task Import_UnknownColumnInTheHeader_RefusedBeforeAnyRow()
    {
        var file = WriteFile("unknown.csv", [Header + ",favourite_colour", Row("u1", SesameApp.NewPhone(), null, Guid.NewGuid().ToString()) + ",blue"]);

        var result = await Sesame("import", "cognito", "--pool", Pool, file);

        Assert.Equal(ExitCodes.Refused, result.Code);
        Assert.Contains("Line 1: unknown column \"favourite_colour\"", result.Err, StringComparison.Ordinal);
        Assert.Equal("", (await Sesame("users", "list", "-p", Pool)).Out.Split('\n', 2)[1].Trim());
        Assert.Equal(ExitCodes.NotFound, (await Sesame("import", "cognito", "--pool", "us-east-1_Nowhere", file)).Code);
    }

    [Fact]
    public async Task Import_ProcessKilledMidway_RunAgainSkipsWhatIsThereAndFinishes()
    {
        const int Rows = 40_000;
        var file = WriteFile("big.csv", Generate(Rows));
        var dll = Path.Combine(AppContext.BaseDirectory, "Sesame.Host.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "import", "cognito", "--pool", Pool, file, "--environment", "Development", "--data-dir", DataDir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        long atKill;
        using (var process = Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((atKill = await CountAsync()) == 0 && !process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        atKill = await CountAsync();
        log.WriteLine($"killed with {atKill} of {Rows} users written");
        Assert.InRange(atKill, 1, Rows - 1);
        // Batches are written whole: the kill left whole batches of 500, never half a user or half a batch.
        Assert.Equal(0, atKill % 500);

        var again = await Sesame("import", "cognito", "--pool", Pool, file);

        Assert.Equal(ExitCodes.Ok, again.Code);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{Rows:N0} rows: {Rows - atKill:N0} imported, {atKill:N0} skipped (already there), 0 rejected."), again.Out.Trim());
        Assert.Equal(Rows, await CountAsync());
    }

    [Fact]
    public async Task Export_ThenImportElsewhere_SameUsersSubsAndAttributes()
    {
        var rows = Generate(25).ToList();
        Assert.Equal(ExitCodes.Ok, (await Sesame("import", "cognito", "--pool", Pool, WriteFile("in.csv", rows))).Code);
        await Sesame("users", "disable", "-p", Pool, "user-00007");
        var exported = Path.Combine(_dir, "out.csv");

        Assert.Equal(ExitCodes.Ok, (await Sesame("export", "--pool", Pool, exported)).Code);

        var header = File.ReadLines(exported).First().Split(',');
        Assert.Equal([.. Header.Split(',')[..21], "custom:tier", "sub", "enabled"], header);
        var elsewhere = Path.Combine(_dir, "elsewhere");
        var imported = await CommandLineTests.RunAsync(elsewhere, "import", "cognito", "--pool", Pool, exported);
        Assert.Equal((ExitCodes.Ok, "25 rows: 25 imported, 0 skipped (already there), 0 rejected."), (imported.Code, imported.Out.Trim()));
        var before = (await Sesame("users", "list", "-p", Pool, "-o", "json")).Out;
        var after = (await CommandLineTests.RunAsync(elsewhere, "users", "list", "-p", Pool, "-o", "json")).Out;
        Assert.Equal(Normalise(before), Normalise(after));
        Assert.Contains("\"Enabled\":false", after, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Import_100000Rows_AllWrittenAndTheRateLogged()
    {
        const int Rows = 100_000;
        var file = WriteFile("100k.csv", Generate(Rows));
        var clock = Stopwatch.StartNew();

        var result = await Sesame("import", "cognito", "--pool", Pool, file);

        clock.Stop();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Rows:N0} rows in {clock.Elapsed.TotalSeconds:F1} s: {Rows / clock.Elapsed.TotalSeconds:N0} rows/s (stderr: {result.Err.Trim()})"));
        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Equal(Rows, await CountAsync());
    }

    private static IEnumerable<string> Generate(int rows)
    {
        yield return Header;
        for (var i = 0; i < rows; i++)
        {
            var n = i.ToString("D5", CultureInfo.InvariantCulture);
            yield return Row($"user-{n}", "+1555" + (1_000_000 + i).ToString(CultureInfo.InvariantCulture), $"user{n}@example.com",
                new Guid(i + 1, 0, 0, new byte[8]).ToString(), tier: i % 2 == 0 ? "gold" : "", name: $"User {n}");
        }
    }

    // The dates differ between two imports; everything else must be the same.
    private static string Normalise(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, "\"User(Create|LastModified)Date\":[0-9.]+", "");

    private async Task<long> CountAsync()
    {
        var path = Path.Combine(DataDir, "sesame.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM users";
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (SqliteException)
        {
            return 0; // the schema is not there yet
        }
    }

    private static System.Text.Json.Nodes.JsonNode JsonOf((int Code, string Out, string Err) result) =>
        System.Text.Json.Nodes.JsonNode.Parse(result.Out) ?? throw new InvalidOperationException(result.Err);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
