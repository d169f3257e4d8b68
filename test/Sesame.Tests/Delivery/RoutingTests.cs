using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Users;

namespace Sesame.Tests.Delivery;

/// <summary>
/// Routing per pool, from SignUp to providers on loopback: each number goes to the route its country takes (decided by
/// libphonenumber from the whole number, so +1 splits into the US, Canada and the Caribbean), along that route's chain.
/// </summary>
public sealed partial class RoutingTests : IAsyncLifetime
{
    // libphonenumber's own example numbers: valid, and each of one region.
    private const string Us = "+12015550123";
    private const string Canada = "+15062345678";
    private const string Jamaica = "+18765230123";
    private const string Germany = "+4915123456789";
    private const string India = "+918123456789";
    private const string Brazil = "+5511961234567";

    private LoopbackServer _twilio = null!;
    private LoopbackServer _vonage = null!;
    private LoopbackServer _gateway = null!;
    private LoopbackServer _backup = null!;

    public async Task InitializeAsync()
    {
        _twilio = await LoopbackServer.StartAsync();
        _vonage = await LoopbackServer.StartAsync();
        _gateway = await LoopbackServer.StartAsync();
        _backup = await LoopbackServer.StartAsync();
        _twilio.Handler = (c, _) => Answer(c, 201, """{"sid":"SMus","status":"queued"}""");
        _vonage.Handler = (c, _) => Answer(c, 200, """{"message-count":"1","messages":[{"status":"0","message-id":"vonage-1"}]}""");
        _gateway.Handler = (c, _) => Answer(c, 200, """{"id":"gw-1"}""");
        _backup.Handler = (c, _) => Answer(c, 200, """{"id":"backup-1"}""");
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { _twilio, _vonage, _gateway, _backup })
        {
            await server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(Us, "US", "us", "twilio")]
    [InlineData(Canada, "CA", "canada", "vonage")]
    [InlineData(Jamaica, "JM", "nanp", "gateway")]
    [InlineData(Germany, "DE", "europe", "vonage")]
    [InlineData(India, "IN", "india", "gateway")]
    [InlineData(Brazil, "BR", "rest", "backup")]
    public async Task Route_NumberOfACountry_GoesOnlyToItsRouteAndStatusNamesIt(string phone, string region, string route, string provider)
    {
        // The classification routing rests on: +1 numbers told apart by the whole number, not a prefix.
        Assert.Equal(region, PhoneNumberClassifier.Classify(phone)!.RegionCode);
        using var app = App();

        await SignUpAsync(app, phone);

        var status = await FailoverTests.StatusAsync(app, "sent");
        Assert.Equal((route, provider), (status.Route, status.Provider));
        var server = Server(provider);
        var request = Assert.Single(await server.WaitForAsync(1));
        Assert.Contains(phone[1..], request.Text);
        Assert.Equal(1, new[] { _twilio, _vonage, _gateway, _backup }.Sum(s => s.Requests.Count));
        await ConfirmAsync(app, phone, Code(request));
    }

    [Fact]
    public async Task Route_PrimaryOfRouteFails_ItsOwnFailoverDeliversTheSameCodeAndCostIsRecorded()
    {
        _twilio.Handler = (c, _) => Answer(c, 503, """{"code":20500,"message":"Internal Server Error","status":503}""");
        using var app = App();

        await SignUpAsync(app, Us);

        var delivered = Assert.Single(await _backup.WaitForAsync(1));
        Assert.All(_twilio.Requests, r => Assert.Equal(Code(delivered), Code(r)));
        // The route's chain, not the pool's list: neither the gateway nor Vonage was asked.
        Assert.Empty(_gateway.Requests);
        Assert.Empty(_vonage.Requests);
        var status = await FailoverTests.StatusAsync(app, "sent");
        Assert.Equal(("us", "backup", (double?)0.0079), (status.Route, status.Provider, status.Cost));
        await ConfirmAsync(app, Us, Code(delivered));

        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("sesame_delivery_route_messages_total{channel=\"sms\",outcome=\"sent\",route=\"us\"} 1", metrics);
        Assert.Contains("sesame_delivery_route_cost_total{route=\"us\"} 0.0079", metrics);
    }

    [Fact]
    public async Task Route_WholeChainFails_OneFailureRecordedOnTheRouteAndNothingSpent()
    {
        _twilio.Handler = (c, _) => Answer(c, 401, """{"code":20003,"message":"Authenticate","status":401}""");
        _backup.Handler = (c, _) => Answer(c, 403, """{"error":"forbidden"}""");
        using var app = App();

        await SignUpAsync(app, Us);

        // Every provider refused: the message waits for another round, then, past its age, fails once.
        await _backup.WaitForAsync(1);
        await WaitAsync(() => LatestAsync(app), m => m is { Status: "queued", Attempts: 2 });
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        var status = await FailoverTests.StatusAsync(app, "failed");
        Assert.Equal(("us", (double?)null, 4), (status.Route, status.Cost, status.Attempts));
        Assert.Contains("Not delivered within", status.LastError);
        Assert.Empty(_gateway.Requests);

        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("sesame_delivery_route_messages_total{channel=\"sms\",outcome=\"failed\",route=\"us\"} 1", metrics);
        Assert.Contains("sesame_delivery_route_messages_total{channel=\"sms\",outcome=\"requeued\",route=\"us\"} 1", metrics);
        Assert.DoesNotContain("sesame_delivery_route_cost_total{route=\"us\"}", metrics);
    }

    [Fact]
    public async Task CostBudget_ChargesOnlyWhatProvidersAccepted_AndRefusesOnceSpent()
    {
        // The us route costs 0.0079: an hour's budget of 0.015 holds two accepted messages.
        _twilio.Handler = (c, _) => Answer(c, 401, """{"code":20003,"message":"Authenticate","status":401}""");
        _backup.Handler = (c, _) => Answer(c, 403, """{"error":"forbidden"}""");
        using var app = App(extra: new() { ["Sesame:UserPools:us-east-1_SesameDev:Limits:SmsCostPerHour"] = "0.015" });
        var store = app.Services.GetRequiredService<IMessageStatusStore>();
        var since = app.Clock.GetUtcNow().AddHours(-1);

        // A route whose whole chain fails records its failure and charges nothing.
        await SignUpAsync(app, "+12015550124");
        await WaitAsync(() => LatestAsync(app), m => m is { Status: "queued", Attempts: 2 });
        Assert.Equal((0.0, (DateTimeOffset?)null), await store.SpentAsync(SesameApp.PoolId, since, default));

        _twilio.Handler = (c, _) => Answer(c, 201, """{"sid":"SMcost","status":"queued"}""");
        await SignUpAsync(app, "+12015550125");
        await WaitAsync(() => store.SpentAsync(SesameApp.PoolId, since, default).AsTask(), s => s.Spent > 0);
        await SignUpAsync(app, "+12015550126");
        await WaitAsync(() => store.SpentAsync(SesameApp.PoolId, since, default).AsTask(), s => s.Spent > 0.01);
        Assert.Equal(0.0158, (await store.SpentAsync(SesameApp.PoolId, since, default)).Spent, 6);

        // Spent: the next SMS code is refused before a code is drawn; nothing more is sent.
        var refused = await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = "+12015550127" });
        refused.AssertError("LimitExceededException");
        // Twilio was asked three times: the refused first message, then the two it accepted.
        Assert.Equal(3, _twilio.Requests.Count);
        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("sesame_delivery_route_cost_total{route=\"us\"} 0.0158", metrics);
        Assert.Contains("sesame_limits_sends_total{outcome=\"refused\",reason=\"sms_cost\"} 1", metrics);

        // An hour on, the charged messages have left the window.
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        await SignUpAsync(app, "+12015550128");
    }

    [Fact]
    public async Task AdminMessages_RouteFilter_ShowsWhichRouteEachMessageTook()
    {
        using var app = App();
        await SignUpAsync(app, Us);
        await _twilio.WaitForAsync(1);
        await FailoverTests.StatusAsync(app, "sent");
        await SignUpAsync(app, India);
        await _gateway.WaitForAsync(1);
        await FailoverTests.StatusAsync(app, "sent");

        using var response = await DeliveryStatusTests.SignedGetAsync(app, $"/admin/messages?pool={SesameApp.PoolId}&route=india", "sesame-dev-secret");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Messages"]!.AsArray())!;
        Assert.Equal(("india", "gateway", Masking.Phone(India)),
            (message["Route"]!.GetValue<string>(), message["Provider"]!.GetValue<string>(), message["Destination"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Route_NoRouteOfThePoolFits_PoolsFailoverListIsTheDefaultRoute()
    {
        using var app = App(withDefaultRoute: false);

        await SignUpAsync(app, Brazil);

        Assert.Single(await _gateway.WaitForAsync(1));
        var status = await FailoverTests.StatusAsync(app, "sent");
        Assert.Equal(("default", "gateway"), (status.Route, status.Provider));
    }

    [Fact]
    public async Task Dlt_RegisteredTemplate_GatewayGetsItsIdsAndSenderId()
    {
        using var app = App(extra: Dlt(templateId: "1107161234567890123"));

        await SignUpAsync(app, India);

        var request = Assert.Single(await _gateway.WaitForAsync(1));
        var form = request.Form();
        Assert.Equal(("8123456789", "1101234567890123456", "1107161234567890123", "ACMEIN"), (form["mobile"], form["pe_id"], form["template_id"], form["sender"]));
        await ConfirmAsync(app, India, Code(request));
        Assert.Equal("india", (await FailoverTests.StatusAsync(app, "sent")).Route);
    }

    [Fact]
    public async Task Dlt_TemplateWithoutRegisteredId_RefusedBeforeSendingWithTheReasonInItsStatus()
    {
        using var app = App(extra: Dlt(templateId: null));

        await SignUpAsync(app, India);

        var status = await FailoverTests.StatusAsync(app, "failed");
        Assert.Equal(("india", 0, (double?)null), (status.Route, status.Attempts, status.Cost));
        Assert.Contains("route 'india' requires India DLT registration", status.LastError);
        Assert.Contains("template SignUp (locale default) has no DltTemplateId", status.LastError);
        Assert.Empty(_gateway.Requests);
        Assert.Empty(_backup.Requests);
    }

    [Fact]
    public async Task Dlt_RouteWithoutTheRule_SendsAnUnregisteredTemplate()
    {
        using var app = App(extra: Dlt(templateId: null));

        await SignUpAsync(app, Us);

        Assert.Single(await _twilio.WaitForAsync(1));
        Assert.Equal("us", (await FailoverTests.StatusAsync(app, "sent")).Route);
    }

    [Fact]
    public async Task Dlt_RegisteredTemplateToAUsNumber_KeepsTheProvidersFromAndSendsNoIds()
    {
        using var app = App(extra: Dlt(templateId: "1107161234567890123"));

        await SignUpAsync(app, Us);

        var form = Assert.Single(await _twilio.WaitForAsync(1)).Form();
        Assert.Equal(("+15005550006", Us), (form["From"], form["To"]));
    }

    [Fact]
    public async Task Dlt_IndiaRoutedToTwilio_TemplatesSenderIdIsTheFromAndNoIdsAreSent()
    {
        var extra = Dlt(templateId: "1107161234567890123");
        extra["Sesame:UserPools:us-east-1_SesameDev:Delivery:Routes:4:Providers:0"] = "twilio";
        using var app = App(extra: extra);

        await SignUpAsync(app, India);

        var request = Assert.Single(await _twilio.WaitForAsync(1));
        var form = request.Form();
        // Twilio's Messages API has no DLT id parameter: the registered sender id goes as From, nothing else is added.
        Assert.Equal(("ACMEIN", India), (form["From"], form["To"]));
        Assert.Equal(["Body", "From", "To"], form.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(_gateway.Requests);
        var status = await FailoverTests.StatusAsync(app, "sent");
        Assert.Equal(("india", "twilio"), (status.Route, status.Provider));
        await ConfirmAsync(app, India, Code(request));
    }

    [Fact]
    public async Task Route_EmailChannelRoute_TakesTheEmailAndTheSmsOnlyRouteBeforeItDoesNot()
    {
        // The pool's routes end with the SMS-only "rest" (no numbers named, so it would fit anything of its channel),
        // then an email route to SES on loopback.
        await using var ses = await LoopbackServer.StartAsync();
        ses.Handler = (c, _) => Answer(c, 200, """{"MessageId":"ses-routed-1"}""");
        const string routes = "Sesame:UserPools:us-east-1_SesameDev:Delivery:Routes";
        using var app = App(extra: new()
        {
            ["Sesame:Delivery:Providers:ses:Type"] = "Ses",
            ["Sesame:Delivery:Providers:ses:Endpoint"] = ses.Url,
            ["Sesame:Delivery:Providers:ses:Region"] = "eu-west-1",
            ["Sesame:Delivery:Providers:ses:AccessKeyId"] = "AKIDROUTE",
            ["Sesame:Delivery:Providers:ses:SecretAccessKey"] = "ses-secret",
            ["Sesame:Delivery:Providers:ses:From"] = "no-reply@acme.example",
            [$"{routes}:6:Name"] = "mail",
            [$"{routes}:6:Channel"] = "Email",
            [$"{routes}:6:Providers:0"] = "ses",
        });
        var email = SesameApp.NewEmail();

        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = email })).AssertOk();

        var request = Assert.Single(await ses.WaitForAsync(1));
        Assert.Equal("/v2/email/outbound-emails", request.Path);
        Assert.Equal(email, JsonNode.Parse(request.Text)!["Destination"]!["ToAddresses"]![0]!.GetValue<string>());
        var status = await FailoverTests.StatusAsync(app, "sent");
        Assert.Equal(("mail", "ses", "ses-routed-1"), (status.Route, status.Provider, status.ProviderMessageId));
        Assert.Equal(0, new[] { _twilio, _vonage, _gateway, _backup }.Sum(s => s.Requests.Count));
        (await app.CallAsync("ConfirmSignUp", new { ClientId = SesameApp.ClientId, Username = email, ConfirmationCode = Code(request) })).AssertOk();

        // An SMS of the same pool still takes the SMS-only route.
        await SignUpAsync(app, Brazil);
        Assert.Single(await _backup.WaitForAsync(1));
        Assert.Single(ses.Requests);
    }

    /// <summary>The india route requires DLT; the gateway sends the ids; the sign-up template is registered (or not).</summary>
    private Dictionary<string, string?> Dlt(string? templateId)
    {
        const string pool = "Sesame:UserPools:us-east-1_SesameDev:Delivery";
        return new Dictionary<string, string?>
        {
            [$"{pool}:Routes:4:RequireDlt"] = "true",
            [$"{pool}:Templates:default:SignUp:DltEntityId"] = "1101234567890123456",
            [$"{pool}:Templates:default:SignUp:DltTemplateId"] = templateId,
            [$"{pool}:Templates:default:SignUp:DltSenderId"] = "ACMEIN",
            ["Sesame:Delivery:Providers:gateway:ContentType"] = "application/x-www-form-urlencoded",
            ["Sesame:Delivery:Providers:gateway:Fields:mobile"] = "{national_number}",
            ["Sesame:Delivery:Providers:gateway:Fields:message"] = "{body}",
            ["Sesame:Delivery:Providers:gateway:Fields:sender"] = "{from}",
            ["Sesame:Delivery:Providers:gateway:Fields:pe_id"] = "{dlt_entity_id}",
            ["Sesame:Delivery:Providers:gateway:Fields:template_id"] = "{dlt_template_id}",
        };
    }

    private LoopbackServer Server(string provider) => provider switch
    {
        "twilio" => _twilio,
        "vonage" => _vonage,
        "gateway" => _gateway,
        _ => _backup,
    };

    private SesameApp App(bool withDefaultRoute = true, Dictionary<string, string?>? extra = null)
    {
        const string routes = "Sesame:UserPools:us-east-1_SesameDev:Delivery:Routes";
        var settings = new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:twilio:Type"] = "Twilio",
            ["Sesame:Delivery:Providers:twilio:Endpoint"] = _twilio.Url,
            ["Sesame:Delivery:Providers:twilio:AccountSid"] = "AC0123",
            ["Sesame:Delivery:Providers:twilio:AuthToken"] = "twilio-token",
            ["Sesame:Delivery:Providers:twilio:From"] = "+15005550006",
            ["Sesame:Delivery:Providers:vonage:Type"] = "Vonage",
            ["Sesame:Delivery:Providers:vonage:Endpoint"] = _vonage.Url,
            ["Sesame:Delivery:Providers:vonage:ApiKey"] = "key",
            ["Sesame:Delivery:Providers:vonage:ApiSecret"] = "secret",
            ["Sesame:Delivery:Providers:vonage:From"] = "Sesame",
            ["Sesame:Delivery:Providers:gateway:Type"] = "Http",
            ["Sesame:Delivery:Providers:gateway:Url"] = _gateway.Url + "/send",
            ["Sesame:Delivery:Providers:backup:Type"] = "Http",
            ["Sesame:Delivery:Providers:backup:Url"] = _backup.Url + "/send",
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:SmsProviders:0"] = "gateway",
            [$"{routes}:0:Name"] = "us",
            [$"{routes}:0:Regions:0"] = "US",
            [$"{routes}:0:Providers:0"] = "twilio",
            [$"{routes}:0:Providers:1"] = "backup",
            [$"{routes}:0:CostPerMessage"] = "0.0079",
            [$"{routes}:1:Name"] = "canada",
            [$"{routes}:1:Regions:0"] = "CA",
            [$"{routes}:1:Providers:0"] = "vonage",
            [$"{routes}:2:Name"] = "nanp",
            [$"{routes}:2:CountryCodes:0"] = "1",
            [$"{routes}:2:Providers:0"] = "gateway",
            [$"{routes}:3:Name"] = "europe",
            [$"{routes}:3:Regions:0"] = "DE",
            [$"{routes}:3:Regions:1"] = "FR",
            [$"{routes}:3:Providers:0"] = "vonage",
            [$"{routes}:4:Name"] = "india",
            [$"{routes}:4:Prefixes:0"] = "+91",
            [$"{routes}:4:Providers:0"] = "gateway",
            ["Sesame:Delivery:AttemptsPerProvider"] = "1",
            ["Sesame:Delivery:SendTimeout"] = "00:00:05",
            ["Sesame:Delivery:CircuitBreaker:SamplingDuration"] = "00:10:00",
        };
        if (withDefaultRoute)
        {
            settings[$"{routes}:5:Name"] = "rest";
            settings[$"{routes}:5:Channel"] = "Sms";
            settings[$"{routes}:5:Providers:0"] = "backup";
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new SesameApp(settings);
    }

    private static async Task SignUpAsync(SesameApp app, string phone) =>
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();

    private static async Task ConfirmAsync(SesameApp app, string phone, string code) =>
        (await app.CallAsync("ConfirmSignUp", new { ClientId = SesameApp.ClientId, Username = phone, ConfirmationCode = code })).AssertOk();

    private static async Task<MessageStatus?> LatestAsync(SesameApp app)
    {
        var found = await app.Services.GetRequiredService<IMessageStatusStore>().QueryAsync(new MessageStatusQuery(SesameApp.PoolId, null, null, 1), default);
        return found.Count > 0 ? found[0] : null;
    }

    private static async Task WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done(await read()))
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 10 s.");
            await Task.Delay(20);
        }
    }

    private static string Code(RecordedRequest request) => SixDigits().Match(Uri.UnescapeDataString(request.Text.Replace('+', ' '))).Value;

    private static Task Answer(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    [GeneratedRegex("\\b\\d{6}\\b")]
    private static partial Regex SixDigits();
}
