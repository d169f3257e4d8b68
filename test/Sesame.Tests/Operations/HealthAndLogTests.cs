using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Storage.Sqlite;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Operations;

/// <summary>The probes orchestrators use, and what the server's logs may never hold.</summary>
public sealed class HealthAndLogTests
{
    [Fact]
    public async Task Health_LiveReadyAndTheOldEndpoint_AllOkOnAStartedServer()
    {
        using var app = new SesameApp();
        var client = app.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");
        var health = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("ready", (string)checks["status"]!);
        Assert.Equal(("ok", "ok", "ok"), ((string)checks["checks"]!["storage"]!, (string)checks["checks"]!["migrations"]!, (string)checks["checks"]!["signingKeys"]!));
        Assert.Equal("{\"status\":\"ok\"}", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_SchemaBehindThisBuild_503NamingMigrationsWhileLiveStays200()
    {
        using var app = new SesameApp();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        // As if the last migration had not been applied (a node started on a database an older build left behind).
        await app.Services.GetRequiredService<SqliteDatabase>().WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM schema_version WHERE version = (SELECT MAX(version) FROM schema_version)";
            return command.ExecuteNonQuery();
        }, CancellationToken.None);

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal(("not ready", "ok", "pending"), ((string)body["status"]!, (string)body["checks"]!["storage"]!, (string)body["checks"]!["migrations"]!));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Logs_WholeRunAtTrace_HoldNoCodeTokenSessionOrFullPhoneNumber()
    {
        var logs = new CollectingLogs();
        using var app = new SesameApp(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        var phone = SesameApp.NewPhone();
        var email = SesameApp.NewEmail();
        var secrets = new List<string>();

        await app.CreateConfirmedUserAsync(phone);
        var start = await app.CallAsync("InitiateAuth", new { ClientId = SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });
        secrets.Add(start.Json["Session"]!.GetValue<string>());
        var wrong = await app.CallAsync("RespondToAuthChallenge", new
        {
            ClientId = SesameApp.ClientId, ChallengeName = "CUSTOM_CHALLENGE", Session = secrets[^1],
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = "000000" },
        });
        secrets.Add(wrong.Json["Session"]?.GetValue<string>() ?? "");
        // The first sign-in's code must be in the dev outbox before SignInAsync counts what is there, or it would
        // take that (older) code for the new sign-in's: the sign-up code, then this one.
        await app.CodeAsync(phone, 2);
        var tokens = await app.SignInAsync(phone);
        var access = tokens["AccessToken"]!.GetValue<string>();
        secrets.AddRange([access, tokens["IdToken"]!.GetValue<string>(), tokens["RefreshToken"]!.GetValue<string>()]);
        var refreshed = (await app.GetTokensAsync(tokens["RefreshToken"]!.GetValue<string>())).Json;
        secrets.AddRange(refreshed["AuthenticationResult"]!.AsObject().Where(p => p.Value is JsonValue).Select(p => p.Value!.ToString()).Where(v => v.Length > 20));
        (await app.CallAsync("UpdateUserAttributes", new { AccessToken = access, UserAttributes = new[] { new { Name = "email", Value = email } } })).AssertOk();
        var verify = await app.CodeAsync(email);
        (await app.CallAsync("VerifyUserAttribute", new { AccessToken = access, AttributeName = "email", Code = verify })).AssertOk();
        (await app.CallAsync("GlobalSignOut", new { AccessToken = access })).AssertOk();

        var codes = app.Outbox.For(phone).Concat(app.Outbox.For(email)).Select(m => m.Code!).ToList();
        Assert.True(codes.Count >= 3, $"{codes.Count} codes");
        secrets.AddRange(codes);
        var lines = logs.Lines.ToList();
        Assert.NotEmpty(lines);
        foreach (var secret in secrets.Where(s => s.Length > 0).Distinct())
        {
            // A 6-digit code could appear by chance inside a longer number (a port, a duration): match it as a word.
            var hits = lines.Where(l => secret.Length <= 8
                ? System.Text.RegularExpressions.Regex.IsMatch(l, $@"(?<![0-9]){secret}(?![0-9])")
                : l.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(hits.Count == 0, $"a secret ({secret.Length} characters) appears in the logs:\n{string.Join('\n', hits)}");
        }

        Assert.DoesNotContain(lines, l => l.Contains(phone, StringComparison.Ordinal) || l.Contains(email, StringComparison.Ordinal));
    }
}
