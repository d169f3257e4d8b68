using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Delivery;

/// <summary>
/// The whole path, from SignUp to a provider on loopback: a primary Twilio that misbehaves in each way a provider
/// can, and a secondary HTTP gateway that must then deliver the same code, which must confirm the sign-up.
/// </summary>
public sealed partial class FailoverTests : IAsyncLifetime
{
    private LoopbackServer _primary = null!;
    private LoopbackServer _secondary = null!;

    public async Task InitializeAsync()
    {
        _primary = await LoopbackServer.StartAsync();
        _secondary = await LoopbackServer.StartAsync();
        _primary.Handler = (c, _) => Twilio(c, 201, """{"sid":"SMprimary","status":"queued"}""");
        _secondary.Handler = (c, _) => c.Response.WriteAsync("""{"id":"gw-1"}""");
    }

    public async Task DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _secondary.DisposeAsync();
    }

    [Fact]
    public async Task Failover_PrimaryHealthy_DeliversThroughPrimaryOnly()
    {
        using var app = App(_primary.Url);
        var phone = SesameApp.NewPhone();

        await SignUpAsync(app, phone);

        var request = Assert.Single(await _primary.WaitForAsync(1));
        Assert.Equal(phone, request.Form()["To"]);
        await ConfirmAsync(app, phone, Code(request.Form()["Body"]));
        Assert.Empty(_secondary.Requests);
        var status = await StatusAsync(app, "sent");
        Assert.Equal(("primary", "SMprimary", 1), (status.Provider, status.ProviderMessageId, status.Attempts));
    }

    [Fact]
    public async Task Failover_PrimaryAnswers5xx_SecondaryDeliversTheSameCode()
    {
        _primary.Handler = (c, _) => Twilio(c, 503, """{"code":20500,"message":"Internal Server Error","status":503}""");
        using var app = App(_primary.Url);
        var phone = SesameApp.NewPhone();

        await SignUpAsync(app, phone);

        var delivered = Assert.Single(await _secondary.WaitForAsync(1));
        var primaryCalls = _primary.Requests.ToArray();
        Assert.Equal(2, primaryCalls.Length);
        var code = Code(Json(delivered)["body"]);
        Assert.All(primaryCalls, r => Assert.Equal(code, Code(r.Form()["Body"])));
        await ConfirmAsync(app, phone, code);
        var status = await StatusAsync(app, "sent");
        Assert.Equal(("secondary", "gw-1", 3), (status.Provider, status.ProviderMessageId, status.Attempts));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Failover_PrimaryTimesOut_SecondaryDeliversTheSameCode()
    {
        _primary.Handler = async (c, _) => await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted);
        using var app = App(_primary.Url, sendTimeout: "00:00:00.500");
        var phone = SesameApp.NewPhone();

        await SignUpAsync(app, phone);

        var delivered = Assert.Single(await _secondary.WaitForAsync(1));
        // Two calls were made; on a starved machine the second may time out before it reaches the server.
        Assert.InRange(_primary.Requests.Count, 1, 2);
        Assert.All(_primary.Requests, r => Assert.Equal(Code(Json(delivered)["body"]), Code(r.Form()["Body"])));
        await ConfirmAsync(app, phone, Code(Json(delivered)["body"]));
    }

    [Fact]
    public async Task Failover_PrimaryResetsConnections_SecondaryDeliversTheSameCode()
    {
        _primary.Handler = (c, _) =>
        {
            c.Abort();
            return Task.CompletedTask;
        };
        using var app = App(_primary.Url);
        var phone = SesameApp.NewPhone();

        await SignUpAsync(app, phone);

        var delivered = Assert.Single(await _secondary.WaitForAsync(1));
        Assert.Equal(2, _primary.Requests.Count);
        await ConfirmAsync(app, phone, Code(Json(delivered)["body"]));
    }

    [Fact]
    public async Task Failover_PrimaryDown_SecondaryDeliversAndStatusSaysSo()
    {
        using var app = App(LoopbackServer.DeadUrl());
        var phone = SesameApp.NewPhone();

        await SignUpAsync(app, phone);

        var delivered = Assert.Single(await _secondary.WaitForAsync(1));
        Assert.Equal(phone, Json(delivered)["to"]);
        await ConfirmAsync(app, phone, Code(Json(delivered)["body"]));
        Assert.Equal("secondary", (await StatusAsync(app, "sent")).Provider);
    }

    [Fact]
    public async Task Retry_PrimaryFailsOnceThenAccepts_SameBodyTwiceAndNoFailover()
    {
        var calls = 0;
        _primary.Handler = (c, _) => Interlocked.Increment(ref calls) == 1
            ? Twilio(c, 429, """{"code":20429,"message":"Too Many Requests","status":429}""")
            : Twilio(c, 201, """{"sid":"SMsecond"}""");
        using var app = App(_primary.Url);
        var phone = SesameApp.NewPhone();

        await SignUpAsync(app, phone);

        var requests = await _primary.WaitForAsync(2);
        Assert.Equal(requests[0].Text, requests[1].Text);
        var status = await StatusAsync(app, "sent");
        Assert.Equal(("primary", "SMsecond", 2), (status.Provider, status.ProviderMessageId, status.Attempts));
        Assert.Empty(_secondary.Requests);
    }

    [Fact]
    public async Task PermanentFailure_InvalidNumber_RecordedOnceNotRetriedNotFailedOver()
    {
        _primary.Handler = (c, r) => Twilio(c, 400,
            $$"""{"code":21211,"message":"The 'To' number {{r.Form()["To"]}} is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}""");
        using var app = App(_primary.Url);
        var phone = SesameApp.NewPhone();

        await SignUpAsync(app, phone);

        var status = await StatusAsync(app, "failed");
        Assert.Single(_primary.Requests);
        Assert.Empty(_secondary.Requests);
        Assert.Equal(("primary", 1), (status.Provider, status.Attempts));
        Assert.Contains("21211", status.LastError);
        // The provider echoed the number: what is stored (and logged) is masked.
        Assert.DoesNotContain(phone, status.LastError);
        Assert.DoesNotContain(phone[1..], status.LastError);
        Assert.Contains(phone[^4..], status.LastError);
    }

    [Fact]
    public async Task CircuitBreaker_PrimaryKeepsFailing_OpensSkipsPrimaryThenClosesAfterBreak()
    {
        _primary.Handler = (c, _) => Twilio(c, 500, """{"code":20500,"message":"Internal Server Error","status":500}""");
        using var app = App(_primary.Url);

        // Two failed calls (MinimumThroughput 2, ratio 1.0): the circuit opens.
        await SignUpAsync(app, SesameApp.NewPhone());
        await _secondary.WaitForAsync(1);
        Assert.Equal(2, _primary.Requests.Count);

        // While open, the primary is not called at all.
        await SignUpAsync(app, SesameApp.NewPhone());
        await _secondary.WaitForAsync(2);
        Assert.Equal(2, _primary.Requests.Count);

        // After the break the primary gets one trial call; it now answers, and the circuit closes.
        _primary.Handler = (c, _) => Twilio(c, 201, """{"sid":"SMback"}""");
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        var third = SesameApp.NewPhone();
        await SignUpAsync(app, third);
        Assert.Equal(third, (await _primary.WaitForAsync(3))[2].Form()["To"]);

        var fourth = SesameApp.NewPhone();
        await SignUpAsync(app, fourth);
        Assert.Equal(fourth, (await _primary.WaitForAsync(4))[3].Form()["To"]);
        Assert.Equal(2, _secondary.Requests.Count);

        // The fourth message's counter moves after Twilio has answered: wait for it, bounded.
        await app.MetricsAsync(
            "sesame_delivery_circuit_transitions_total{provider=\"primary\",state=\"open\"} 1",
            "sesame_delivery_circuit_transitions_total{provider=\"primary\",state=\"closed\"} 1",
            "sesame_delivery_messages_total{channel=\"sms\",outcome=\"sent\",provider=\"secondary\"} 2",
            "sesame_delivery_messages_total{channel=\"sms\",outcome=\"sent\",provider=\"primary\"} 2");
    }

    // Only the timeout test needs a short timeout; elsewhere a loaded test machine must not turn a slow call into a failover.
    private SesameApp App(string primaryUrl, string sendTimeout = "00:00:05") => new(new Dictionary<string, string?>
    {
        ["Sesame:Delivery:Providers:primary:Type"] = "Twilio",
        ["Sesame:Delivery:Providers:primary:Endpoint"] = primaryUrl,
        ["Sesame:Delivery:Providers:primary:AccountSid"] = "AC0123",
        ["Sesame:Delivery:Providers:primary:AuthToken"] = "twilio-token",
        ["Sesame:Delivery:Providers:primary:From"] = "+15005550006",
        ["Sesame:Delivery:Providers:secondary:Type"] = "Http",
        ["Sesame:Delivery:Providers:secondary:Url"] = _secondary.Url + "/sms",
        ["Sesame:Delivery:Providers:secondary:SigningSecret"] = "gateway-secret",
        ["Sesame:UserPools:us-east-1_SesameDev:Delivery:SmsProviders:0"] = "primary",
        ["Sesame:UserPools:us-east-1_SesameDev:Delivery:SmsProviders:1"] = "secondary",
        ["Sesame:Delivery:AttemptsPerProvider"] = "2",
        ["Sesame:Delivery:RetryDelay"] = "00:00:00.020",
        ["Sesame:Delivery:SendTimeout"] = sendTimeout,
        ["Sesame:Delivery:CircuitBreaker:MinimumThroughput"] = "2",
        ["Sesame:Delivery:CircuitBreaker:BreakDuration"] = "00:00:30",
        ["Sesame:Delivery:CircuitBreaker:SamplingDuration"] = "00:10:00",
    });

    private static async Task SignUpAsync(SesameApp app, string phone) =>
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();

    private static async Task ConfirmAsync(SesameApp app, string phone, string code) =>
        (await app.CallAsync("ConfirmSignUp", new { ClientId = SesameApp.ClientId, Username = phone, ConfirmationCode = code })).AssertOk();

    /// <summary>The newest message's status once it reaches <paramref name="status"/> (bounded wait).</summary>
    internal static async Task<MessageStatus> StatusAsync(SesameApp app, string status)
    {
        var store = app.Services.GetRequiredService<IMessageStatusStore>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = await store.QueryAsync(new MessageStatusQuery(SesameApp.PoolId, null, null, 1), default);
            var latest = found.Count > 0 ? found[0] : null;
            if (latest?.Status == status)
            {
                return latest;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The message did not become {status}: {latest}");
            await Task.Delay(20);
        }
    }

    private static string Code(string body) => SixDigits().Match(body).Value;

    private static Dictionary<string, string> Json(RecordedRequest request) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(request.Text)!;

    private static Task Twilio(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    [GeneratedRegex("\\b\\d{6}\\b")]
    private static partial Regex SixDigits();
}
