using System.Diagnostics;
using System.Net;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Storage;

/// <summary>
/// The PostgreSQL server itself stopped (<c>pg_ctl stop -m fast</c>) and started again under a running Sesame, on a
/// cluster of this test's own (scripts/postgres.sh), never the one the other tests share.
/// </summary>
public sealed class PostgresRestartTests
{
    // Not speed assertions: the bounds only turn a hang into a failure instead of a stuck test run.
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ScriptBound = TimeSpan.FromSeconds(90);

    [PostgresFact]
    public async Task Requests_ClusterStoppedThenStarted_InternalErrorAnd503WhileDownThenServedWithoutRestart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sesame-pg-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            await ScriptAsync("start", dir);
            var connectionString = (await File.ReadAllTextAsync(Path.Combine(dir, "connection-string"))).Trim();
            using var app = new SesameApp(new Dictionary<string, string?>
            {
                ["Sesame:Storage:Provider"] = "Postgres",
                ["Sesame:Storage:ConnectionString"] = connectionString,
            });
            using var client = app.CreateClient();
            client.Timeout = HangBound;
            var phone = SesameApp.NewPhone();
            await app.CreateConfirmedUserAsync(phone);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

            await ScriptAsync("halt", dir);

            var refused = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } }, client);
            Assert.Equal(500, refused.Status);
            Assert.Equal("InternalErrorException", refused.Json["__type"]!.GetValue<string>());
            var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone() }, client);
            Assert.Equal("InternalErrorException", signUp.Json["__type"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);

            await ScriptAsync("resume", dir);

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
            Assert.NotNull((await app.SignInAsync(phone))["AccessToken"]);
            var other = SesameApp.NewPhone();
            await app.CreateConfirmedUserAsync(other);
            Assert.NotNull((await app.SignInAsync(other))["AccessToken"]);
        }
        finally
        {
            await ScriptAsync("stop", dir);
        }
    }

    private static async Task ScriptAsync(string verb, string dir)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryFiles.Root(), "scripts", "postgres.sh"), verb, dir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(ScriptBound);
        await process.WaitForExitAsync(bound.Token);
        Assert.True(process.ExitCode == 0, $"postgres.sh {verb} failed: {await output}{await error}");
    }
}
