using System.Text.Json.Nodes;
using Sesame.Host.CommandLine;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CommandLine;

/// <summary>
/// <c>sesame limits show|unblock</c> against the SQLite file a running server counts in: the blocked prefix, the SMS budget
/// and a destination's counters the server's sends made, and an unblock the server honours at its next send.
/// </summary>
public sealed class LimitCommandTests : IDisposable
{
    private const string Pool = SesameApp.PoolId;
    private const string Limits = $"Sesame:UserPools:{Pool}:Limits";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sesame-limits-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Limits_ShowAndUnblock_TheCountersTheServerKeepsAndHonours()
    {
        var settings = new Dictionary<string, string?> { [$"{Limits}:PrefixUnconvertedPerHour"] = "2", [$"{Limits}:SmsPerHour"] = "50" };
        string[] same = [.. settings.Select(s => $"--{s.Key}={s.Value}")];
        using var server = new SesameApp(settings, dataDir: _dataDir);
        // The command counts on the real clock: the server's sends happen now too.
        server.Clock.Advance(DateTimeOffset.UtcNow - server.Clock.GetUtcNow());
        for (var i = 0; i < 3; i++)
        {
            await server.CallAsync("SignUp", new { SesameApp.ClientId, Username = $"+1555322000{i}" });
        }

        var shown = await Sesame(["limits", "show", "-p", Pool, "--destination", "+15553220000", "-o", "json", .. same]);

        Assert.True(shown.Code == ExitCodes.Ok, shown.Err);
        var view = JsonNode.Parse(shown.Out)!;
        Assert.Equal("+1555322", view["BlockedPrefixes"]![0]!["Prefix"]!.GetValue<string>());
        Assert.Equal((50, 2), (view["SmsBudget"]!["Hour"]!["Limit"]!.GetValue<int>(), view["SmsBudget"]!["Hour"]!["Used"]!.GetValue<int>()));
        Assert.DoesNotContain("+15553220000", shown.Out, StringComparison.Ordinal);
        var counters = view["Destination"]!["Counters"]!.AsArray();
        var spacing = counters.Single(c => (string)c!["Limit"]! == "spacing:signup")!;
        Assert.Equal((1, true), (spacing["Used"]!.GetValue<int>(), spacing["Full"]!.GetValue<bool>()));
        Assert.Equal(1, counters.First(c => (string)c!["Limit"]! == "codes")!["Used"]!.GetValue<int>());
        Assert.Null(view["ClientIp"]);
        var table = await Sesame(["limits", "show", "-p", Pool, .. same]);
        Assert.Matches(@"(?m)^SMS budget, hour +2 of 50$", table.Out);
        Assert.Matches(@"(?m)^\+1555322 ", table.Out);

        // Blocked by the prefix, then by the spacing of sign-up codes: each lifted by its own unblock.
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        (await Resend(server)).AssertError("LimitExceededException");
        Assert.Equal((ExitCodes.Ok, "Prefix +1555322 unblocked."), Trimmed(await Sesame(["limits", "unblock", "-p", Pool, "--prefix", "+1555322", .. same])));
        (await Resend(server)).AssertError("LimitExceededException");
        Assert.Equal((ExitCodes.Ok, "Destination +*******0000 unblocked."), Trimmed(await Sesame(["limits", "unblock", "-p", Pool, "--destination", "+15553220000", .. same])));
        (await Resend(server)).AssertOk();
    }

    [Fact]
    public async Task Limits_WrongArguments_RefusedWithExitCodes()
    {
        Assert.Equal(ExitCodes.Usage, (await Sesame("limits", "unblock", "-p", Pool)).Code);
        Assert.Equal(ExitCodes.Usage, (await Sesame("limits", "unblock", "-p", Pool, "--prefix", "+44", "--ip", "10.0.0.1")).Code);
        var ip = await Sesame("limits", "show", "-p", Pool, "--ip", "not-an-ip");
        Assert.Equal((ExitCodes.Refused, "InvalidParameterException: ip must be an IPv4 or IPv6 address."), (ip.Code, ip.Err.Trim()));
        var prefix = await Sesame("limits", "unblock", "-p", Pool, "--prefix", "44x");
        Assert.Equal(ExitCodes.Refused, prefix.Code);
        Assert.Equal(ExitCodes.NotFound, (await Sesame("limits", "show", "-p", "us-east-1_Nowhere")).Code);

        var clientIp = JsonNode.Parse((await Sesame("limits", "show", "-p", Pool, "--ip", "2001:db8::1", "-o", "json")).Out)!["ClientIp"]!;
        Assert.Equal("2001:db8::/64", clientIp["Subject"]!.GetValue<string>());
        Assert.Equal(4, clientIp["Counters"]!.AsArray().Count);
        Assert.Equal((ExitCodes.Ok, "Client IP 2001:db8::/64 was not blocked; its counters are cleared."), Trimmed(await Sesame("limits", "unblock", "-p", Pool, "--ip", "2001:db8::1")));
    }

    private static Task<CognitoResponse> Resend(SesameApp server) =>
        server.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = "+15553220000" });

    private static (int, string) Trimmed((int Code, string Out, string Err) result) => (result.Code, result.Out.Trim());

    private Task<(int Code, string Out, string Err)> Sesame(params string[] args) => CommandLineTests.RunAsync(_dataDir, args);

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
