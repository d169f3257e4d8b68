using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Konscious.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Host.CommandLine;
using Sesame.Storage;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CommandLine;

/// <summary>
/// <c>sesame import jsonl</c> (users with other systems' password hashes) and <c>sesame import cognito-job</c> (the CSV of
/// Cognito's own import job), on real files and a real SQLite data directory: each hash kind, made by its own library or
/// written out by its published layout, signs in through the HTTP API with USER_PASSWORD_AUTH and is replaced by the
/// server's current hash at that sign-in.
/// </summary>
public sealed class PasswordHashImportTests : IDisposable
{
    private const string Pool = SesameApp.PoolId;
    private const string Password = "Tr0ub4dor & 3, imported";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sesame-hashes-" + Guid.NewGuid().ToString("N"));

    private string DataDir => Path.Combine(_dir, "data");

    private Task<(int Code, string Out, string Err)> Sesame(params string[] args) => CommandLineTests.RunAsync(DataDir, args);

    public static TheoryData<string> Kinds => ["bcrypt-2a", "bcrypt-2b", "bcrypt-2y", "argon2id", "argon2i", "pbkdf2-passlib", "pbkdf2-django", "aspnet-identity-v3", "aspnet-identity-v2"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ImportedHash_FirstPasswordSignIn_VerifiedThenUpgradedToArgon2id(string kind)
    {
        var phone = SesameApp.NewPhone();
        var hash = Hash(kind, Password);
        var file = Write("users.jsonl", [Line("ada-" + kind, phone, hash)]);

        var imported = await Sesame("import", "jsonl", "--pool", Pool, file);

        Assert.Equal((ExitCodes.Ok, "1 rows: 1 imported, 0 skipped (already there), 0 rejected."), (imported.Code, imported.Out.Trim()));
        using var server = new SesameApp(dataDir: DataDir);
        (await PasswordAuthAsync(server, phone, Password + "!")).AssertError("NotAuthorizedException", "Incorrect username or password.");
        // Stored as it came (ASP.NET Core Identity's bare base64 under a prefix that names it) until the password is proven.
        Assert.Equal(kind.StartsWith("aspnet", StringComparison.Ordinal) ? "$aspnetcore-identity$" + hash : hash, await StoredHashAsync(server, "ada-" + kind));

        var signedIn = await PasswordAuthAsync(server, phone, Password);

        signedIn.AssertOk();
        Assert.NotNull(signedIn.Json["AuthenticationResult"]!["AccessToken"]);
        var upgraded = await StoredHashAsync(server, "ada-" + kind);
        Assert.StartsWith("$argon2id$v=19$m=", upgraded, StringComparison.Ordinal);
        Assert.DoesNotContain(hash, upgraded, StringComparison.Ordinal);
        // The upgraded hash holds the same password, and USER_SRP_AUTH now has a verifier for it.
        (await PasswordAuthAsync(server, phone, Password)).AssertOk();
        Assert.NotNull(await server.Services.GetRequiredService<IPasswordStore>().FindVerifierAsync(Pool, "ada-" + kind, CancellationToken.None));
    }

    [Fact]
    public async Task JsonLines_BadRows_ReportedWithLinesTheRestImportedAndARerunSkipsThem()
    {
        var good = SesameApp.NewPhone();
        var file = Write("mixed.jsonl", [
            Line("good", good, Hash("bcrypt-2b", Password)),
            "{\"username\": \"broken\", ",                                                             // line 2
            Line("bad-hash", SesameApp.NewPhone(), "$2b$12$tooShort"),                               // line 3
            Line("too-costly", SesameApp.NewPhone(), BCrypt.Net.BCrypt.HashPassword("x", 4).Replace("$04$", "$17$", StringComparison.Ordinal)), // line 4
            "{\"username\": \"odd\", \"favourite_colour\": \"blue\"}",                               // line 5
            "",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["username"] = "no-contact" }),  // line 7
            JsonSerializer.Serialize(new Dictionary<string, object> { ["username"] = "by-code", ["attributes"] = new Dictionary<string, object> { ["email"] = "code@example.com", ["email_verified"] = true } }),
            Line("unknown-kind", SesameApp.NewPhone(), "md5$abc$def"),                               // line 9
        ]);

        var first = await Sesame("import", "jsonl", "--pool", Pool, file);
        var again = await Sesame("import", "jsonl", "--pool", Pool, file);

        Assert.Equal((ExitCodes.RowsRejected, "8 rows: 2 imported, 0 skipped (already there), 6 rejected."), (first.Code, first.Out.Trim()));
        foreach (var expected in new[]
        {
            "line 2: not valid JSON",
            "line 3 (bad-hash): password_hash: not a bcrypt hash",
            "line 4 (too-costly): password_hash: bcrypt cost 17 is outside 4 to 16",
            "line 5 (odd): unknown field \"favourite_colour\"",
            "line 7 (no-contact): no phone_number or email",
            "line 9 (unknown-kind): password_hash: not a password hash this server reads",
        })
        {
            Assert.Contains(expected, first.Err, StringComparison.Ordinal);
        }

        // No sub in the file: the derived one is the same on the second run, so the users are found again and skipped.
        Assert.Equal("8 rows: 0 imported, 2 skipped (already there), 6 rejected.", again.Out.Trim());
        var user = JsonDocument.Parse((await Sesame("users", "get", "-p", Pool, "code@example.com", "-o", "json")).Out).RootElement;
        Assert.Equal("CONFIRMED", user.GetProperty("UserStatus").GetString());
    }

    [Fact]
    public async Task ImportJob_CognitosLayout_BackslashCommasRequiredColumnsAndVerifiedFlags()
    {
        const string Header = "cognito:username,name,given_name,family_name,middle_name,nickname,preferred_username,profile,picture,website,email,"
            + "email_verified,gender,birthdate,zoneinfo,locale,phone_number,phone_number_verified,address,updated_at,cognito:mfa_enabled";
        var phone = SesameApp.NewPhone();
        string JobRow(string username, string email, string emailVerified, string phoneNumber, string phoneVerified, string mfa = "false", string updated = "1471453471") =>
            $"{username},Ada Lovelace,Ada,Lovelace,,,,,,,{email},{emailVerified},,,,,{phoneNumber},{phoneVerified},12 Main St\\, Springfield,{updated},{mfa}";
        var file = Write("job.csv", [Header,
            JobRow("ada", "ada@example.com", "true", phone, "false"),
            JobRow("unverified", "u@example.com", "false", SesameApp.NewPhone(), "false"),   // line 3
            JobRow("no-phone", "", "false", "", "true"),                                     // line 4
            JobRow("no-mfa", "m@example.com", "true", "", "false", mfa: ""),                 // line 5
            JobRow("bad-time", "t@example.com", "true", "", "false", updated: "yesterday"),  // line 6
        ]);

        var result = await Sesame("import", "cognito-job", "--pool", Pool, file);
        var again = await Sesame("import", "cognito-job", "--pool", Pool, file);

        Assert.Equal((ExitCodes.RowsRejected, "5 rows: 1 imported, 0 skipped (already there), 4 rejected."), (result.Code, result.Out.Trim()));
        Assert.Contains("line 3 (unverified): neither email_verified nor phone_number_verified is true", result.Err, StringComparison.Ordinal);
        Assert.Contains("line 4 (no-phone): phone_number_verified is true but there is no phone_number.", result.Err, StringComparison.Ordinal);
        Assert.Contains("line 5 (no-mfa): cognito:mfa_enabled is required", result.Err, StringComparison.Ordinal);
        Assert.Contains("line 6 (bad-time): updated_at must be epoch seconds", result.Err, StringComparison.Ordinal);
        Assert.Equal("5 rows: 0 imported, 1 skipped (already there), 4 rejected.", again.Out.Trim());
        var ada = JsonDocument.Parse((await Sesame("users", "get", "-p", Pool, "ada", "-o", "json")).Out).RootElement;
        var attributes = ada.GetProperty("UserAttributes").EnumerateArray().ToDictionary(a => a.GetProperty("Name").GetString()!, a => a.GetProperty("Value").GetString());
        Assert.Equal(("12 Main St, Springfield", "true", "false"), (attributes["address"], attributes["email_verified"], attributes["phone_number_verified"]));
        using var server = new SesameApp(dataDir: DataDir);
        await server.SignInAsync(phone);

        var withSub = Write("sub.csv", [Header + ",sub", JobRow("x", "x@example.com", "true", "", "false") + "," + Guid.NewGuid()]);
        var refused = await Sesame("import", "cognito-job", "--pool", Pool, withSub);
        Assert.Equal(ExitCodes.Refused, refused.Code);
        Assert.Contains("\"sub\" is not a column of Cognito's import-job CSV", refused.Err, StringComparison.Ordinal);
        var noMfaColumn = Write("nomfa.csv", [Header.Replace(",cognito:mfa_enabled", "", StringComparison.Ordinal)]);
        Assert.Equal(ExitCodes.Refused, (await Sesame("import", "cognito-job", "--pool", Pool, noMfaColumn)).Code);
    }

    /// <summary>A hash of <paramref name="password"/> as each system writes it, made by that system's own code or published layout.</summary>
    private static string Hash(string kind, string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        var salt = RandomNumberGenerator.GetBytes(16);
        return kind switch
        {
            "bcrypt-2a" => BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(5, 'a')),
            "bcrypt-2b" => BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(5, 'b')),
            "bcrypt-2y" => BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(5, 'y')),
            "argon2id" => Phc("argon2id", new Argon2id(bytes) { Salt = salt, MemorySize = 4096, Iterations = 1, DegreeOfParallelism = 1 }, salt, "m=4096,t=1,p=1"),
            "argon2i" => Phc("argon2i", new Argon2i(bytes) { Salt = salt, MemorySize = 4096, Iterations = 2, DegreeOfParallelism = 2 }, salt, "m=4096,t=2,p=2"),
            // passlib: $pbkdf2-sha256$rounds$salt$checksum in its base64 ('.' for '+', no padding).
            "pbkdf2-passlib" => $"$pbkdf2-sha256$29000${Ab64(salt)}${Ab64(Rfc2898DeriveBytes.Pbkdf2(bytes, salt, 29000, HashAlgorithmName.SHA256, 32))}",
            // Django: pbkdf2_sha256$iterations$salt$base64(hash), the salt used as text.
            "pbkdf2-django" => $"pbkdf2_sha256$30000$Qx7mWq2LzP9a$" + Convert.ToBase64String(Rfc2898DeriveBytes.Pbkdf2(bytes, Encoding.UTF8.GetBytes("Qx7mWq2LzP9a"), 30000, HashAlgorithmName.SHA256, 32)),
            "aspnet-identity-v3" => new PasswordHasher<object>().HashPassword(new object(), password),
            "aspnet-identity-v2" => new PasswordHasher<object>(Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions
            {
                CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV2,
            })).HashPassword(new object(), password),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        static string Phc(string variant, Argon2 argon2, byte[] salt, string cost)
        {
            using (argon2)
            {
                return $"${variant}$v=19${cost}${Convert.ToBase64String(salt).TrimEnd('=')}${Convert.ToBase64String(argon2.GetBytes(32)).TrimEnd('=')}";
            }
        }

        static string Ab64(byte[] value) => Convert.ToBase64String(value).TrimEnd('=').Replace('+', '.');
    }

    private static string Line(string username, string phone, string hash) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["username"] = username,
        ["attributes"] = new Dictionary<string, object> { ["phone_number"] = phone, ["phone_number_verified"] = true, ["given_name"] = "Ada" },
        ["password_hash"] = hash,
    });

    private static async Task<string> StoredHashAsync(SesameApp server, string username) =>
        (await server.Services.GetRequiredService<IUserStore>().FindAsync(Pool, username, CancellationToken.None))!.PasswordHash!;

    private static Task<CognitoResponse> PasswordAuthAsync(SesameApp server, string login, string password) =>
        server.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = login, PASSWORD = password } });

    private string Write(string name, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

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
