using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Abuse;

/// <summary>
/// What operators see of the limits: <c>GET /admin/limits</c> (SMS budget, blocked prefixes) and unblocking, SigV4
/// signed; a log line per block with the number masked; and <c>/metrics</c> kept to allowed networks or signed requests.
/// </summary>
public sealed class LimitsAdminTests
{
    private const string Limits = "Sesame:UserPools:us-east-1_SesameDev:Limits";

    [Fact]
    public async Task AdminLimits_PrefixBlocked_ListedWithBudgetAndUnblocked()
    {
        var logs = new CollectingLogs();
        using var app = new SesameApp(new() { [$"{Limits}:PrefixUnconvertedPerHour"] = "2", [$"{Limits}:SmsPerHour"] = "50" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        for (var i = 0; i < 3; i++)
        {
            await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = $"+1555321000{i}" });
        }

        using var listed = await app.SendAsync(HttpMethod.Get, $"/admin/limits?pool={SesameApp.PoolId}");
        var view = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!;

        Assert.Equal("+1555321", view["BlockedPrefixes"]![0]!["Prefix"]!.GetValue<string>());
        Assert.Equal(50, view["SmsBudget"]!["Hour"]!["Limit"]!.GetValue<int>());
        Assert.Equal(2, view["SmsBudget"]!["Hour"]!["Used"]!.GetValue<int>());
        var block = Assert.Single(logs.Lines, l => l.Contains("blocked in pool", StringComparison.Ordinal));
        Assert.Contains("+*******0002", block, StringComparison.Ordinal);
        Assert.DoesNotContain("+15553210002", string.Join('\n', logs.Lines), StringComparison.Ordinal);

        using var unblocked = await app.SendAsync(HttpMethod.Delete, $"/admin/limits/prefixes?pool={SesameApp.PoolId}&prefix=%2B1555321");
        Assert.True(JsonNode.Parse(await unblocked.Content.ReadAsStringAsync())!["Unblocked"]!.GetValue<bool>());
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = "+15553210003" })).AssertOk();
        using var after = await app.SendAsync(HttpMethod.Get, $"/admin/limits?pool={SesameApp.PoolId}");
        Assert.Empty(JsonNode.Parse(await after.Content.ReadAsStringAsync())!["BlockedPrefixes"]!.AsArray());
    }

    [Fact]
    public async Task AdminLimits_DestinationCounters_ShownMaskedAndForgottenByTheUnblock()
    {
        using var app = new SesameApp(new() { [$"{Limits}:DestinationInterval"] = "00:01:00" });
        const string Phone = "+15553230000";
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = Phone })).AssertOk();
        (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = Phone })).AssertError("LimitExceededException");

        using var listed = await app.SendAsync(HttpMethod.Get, $"/admin/limits?pool={SesameApp.PoolId}&destination=%2B15553230000&ip=198.51.100.7");
        var view = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!;
        using var unblocked = await app.SendAsync(HttpMethod.Delete, $"/admin/limits/destinations?pool={SesameApp.PoolId}&destination=%2B15553230000");
        using var badIp = await app.SendAsync(HttpMethod.Delete, $"/admin/limits/client-ips?pool={SesameApp.PoolId}&ip=nowhere");

        Assert.Equal("+*******0000", view["Destination"]!["Subject"]!.GetValue<string>());
        Assert.True(view["Destination"]!["Counters"]!.AsArray().Single(c => (string)c!["Limit"]! == "spacing:signup")!["Full"]!.GetValue<bool>());
        Assert.Equal("198.51.100.7", view["ClientIp"]!["Subject"]!.GetValue<string>());
        Assert.True(JsonNode.Parse(await unblocked.Content.ReadAsStringAsync())!["Unblocked"]!.GetValue<bool>());
        (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = Phone })).AssertOk();
        Assert.Equal(400, (int)badIp.StatusCode);
        Assert.Contains("InvalidParameterException", await badIp.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminLimits_PasswordResetSpacing_ShownAndForgottenByTheDestinationUnblock()
    {
        using var app = new SesameApp(new() { [$"{Limits}:DestinationInterval"] = "00:01:00" });
        var email = SesameApp.NewEmail();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = email, Password = "a password 1234" })).AssertOk();
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = email, ConfirmationCode = await app.CodeAsync(email) })).AssertOk();
        (await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = email })).AssertOk();
        (await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = email })).AssertError("LimitExceededException");

        var escaped = Uri.EscapeDataString(email);
        using var listed = await app.SendAsync(HttpMethod.Get, $"/admin/limits?pool={SesameApp.PoolId}&destination={escaped}");
        var counters = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["Destination"]!["Counters"]!.AsArray();
        using var unblocked = await app.SendAsync(HttpMethod.Delete, $"/admin/limits/destinations?pool={SesameApp.PoolId}&destination={escaped}");

        Assert.True(counters.Single(c => (string)c!["Limit"]! == "spacing:forgot-password")!["Full"]!.GetValue<bool>());
        Assert.True(JsonNode.Parse(await unblocked.Content.ReadAsStringAsync())!["Unblocked"]!.GetValue<bool>());
        (await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = email })).AssertOk();
    }

    [Fact]
    public async Task AdminLimits_Unsigned_Refused()
    {
        using var app = new SesameApp();

        using var get = await app.SendAsync(HttpMethod.Get, $"/admin/limits?pool={SesameApp.PoolId}", secret: null);
        using var delete = await app.SendAsync(HttpMethod.Delete, $"/admin/limits/prefixes?pool={SesameApp.PoolId}&prefix=%2B1555", secret: "wrong-secret");

        Assert.Equal(403, (int)get.StatusCode);
        Assert.Equal(403, (int)delete.StatusCode);
    }

    [Theory]
    [InlineData("10.0.0.0/8", 404)]
    [InlineData("127.0.0.1", 200)]
    public async Task Metrics_AllowedNetworks_OnlyThoseClientsServed(string network, int status)
    {
        using var app = new SesameApp(new() { ["Sesame:Metrics:AllowedNetworks:0"] = network });
        app.UseKestrel(0);
        app.StartServer();

        using var response = await app.SendAsync(HttpMethod.Get, "/metrics", secret: null);

        Assert.Equal(status, (int)response.StatusCode);
    }

    [Fact]
    public async Task Metrics_RequireSignature_UnsignedRefusedSignedServed()
    {
        using var app = new SesameApp(new() { ["Sesame:Metrics:RequireSignature"] = "true" });

        using var unsigned = await app.SendAsync(HttpMethod.Get, "/metrics", secret: null);
        using var signed = await app.SendAsync(HttpMethod.Get, "/metrics");

        Assert.Equal(403, (int)unsigned.StatusCode);
        Assert.Equal(200, (int)signed.StatusCode);
        Assert.Contains("# TYPE", await signed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
