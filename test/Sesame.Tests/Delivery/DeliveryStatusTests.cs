using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Delivery.Aws;
using Sesame.Storage;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Delivery;

/// <summary>Delivery status for administrators (<c>GET /admin/messages</c>, SigV4), metrics, log masking, and a large queue.</summary>
public sealed class DeliveryStatusTests
{
    [Fact]
    public async Task AdminMessages_SignedByAdminKey_ListsStatusFilteredByDestination()
    {
        using var app = new SesameApp();
        var phone = SesameApp.NewPhone();
        var other = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = other })).AssertOk();
        var code = await app.CodeAsync(phone);
        await app.CodeAsync(other);
        await FailoverTests.StatusAsync(app, "sent");

        using var response = await SignedGetAsync(app, $"/admin/messages?pool={SesameApp.PoolId}&status=sent&destination={Uri.EscapeDataString(phone)}&limit=10", "sesame-dev-secret");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var message = Assert.Single(JsonNode.Parse(text)!["Messages"]!.AsArray())!;
        Assert.Equal(SesameApp.PoolId, message["UserPoolId"]!.GetValue<string>());
        Assert.Equal("SMS", message["Channel"]!.GetValue<string>());
        Assert.Equal("+*******" + phone[^4..], message["Destination"]!.GetValue<string>());
        Assert.Equal("sent", message["Status"]!.GetValue<string>());
        Assert.Equal("development", message["Provider"]!.GetValue<string>());
        Assert.Equal(1, message["Attempts"]!.GetValue<int>());
        // Status, never content: neither the number nor the code appears.
        Assert.DoesNotContain(phone, text);
        Assert.DoesNotContain(code, text);
    }

    [Fact]
    public async Task AdminMessages_Unsigned_Is403()
    {
        using var app = new SesameApp();

        using var response = await app.CreateClient().GetAsync("/admin/messages");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminMessages_WrongSecret_Is403InvalidSignature()
    {
        using var app = new SesameApp();

        using var response = await SignedGetAsync(app, "/admin/messages?status=sent", "not-the-secret");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminMessages_BadStatusFilter_Is400()
    {
        using var app = new SesameApp();

        using var response = await SignedGetAsync(app, "/admin/messages?status=lost", "sesame-dev-secret");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Logs_FailedDelivery_NeverShowFullNumberOrCode()
    {
        // A gateway that fails and echoes what it was sent, number and text (providers' error messages do): the reason
        // is logged, so the number and the code must be scrubbed from it.
        await using var broken = await LoopbackServer.StartAsync();
        broken.Handler = (c, r) =>
        {
            c.Response.StatusCode = 500;
            return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(c.Response, "rejected: " + r.Text);
        };
        var logs = new CollectingLogs();
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:broken:Type"] = "Http",
            ["Sesame:Delivery:Providers:broken:Url"] = broken.Url,
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:SmsProviders:0"] = "broken",
            ["Sesame:Delivery:RetryDelay"] = "00:00:00.010",
        }, services => services.AddSingleton<ILoggerProvider>(logs));
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();
        var status = await FailedThriceAsync(app);

        var sent = JsonNode.Parse((await broken.WaitForAsync(3))[0].Text)!;
        Assert.Equal(phone, sent["to"]!.GetValue<string>());
        var code = System.Text.RegularExpressions.Regex.Match(sent["body"]!.GetValue<string>(), "\\b\\d{6}\\b").Value;
        Assert.Equal(6, code.Length);
        var all = string.Join("\n", logs.Lines);
        Assert.Contains("the gateway answered 500: rejected:", all, StringComparison.Ordinal); // the echo was logged, scrubbed
        Assert.Contains("+*******" + phone[^4..], all, StringComparison.Ordinal);
        Assert.DoesNotContain(phone[2..], all, StringComparison.Ordinal);
        Assert.DoesNotContain(code, all, StringComparison.Ordinal);
        Assert.Equal(3, status.Attempts);
        Assert.NotNull(status.NextAttemptAt);
    }

    /// <summary>The message's status once its first round of three calls has failed and been recorded (bounded wait).</summary>
    private static async Task<MessageStatus> FailedThriceAsync(SesameApp app)
    {
        var store = app.Services.GetRequiredService<IMessageStatusStore>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = await store.QueryAsync(new MessageStatusQuery(SesameApp.PoolId, null, null, 1), default);
            if (found.Count > 0 && found[0].Attempts >= 3)
            {
                return found[0];
            }

            Assert.True(DateTime.UtcNow < deadline, $"The message was not tried three times: {(found.Count > 0 ? found[0] : null)}");
            await Task.Delay(20);
        }
    }

    internal static async Task<HttpResponseMessage> SignedGetAsync(SesameApp app, string pathAndQuery, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("http://localhost" + pathAndQuery));
        // Signed at the app's (hand-moved) time, which its verifier compares the signature's date with.
        new AwsSigner("sesame-dev", secret, null, "us-east-1", "cognito-idp", app.Clock).Sign(request, [], null);
        return await app.CreateClient().SendAsync(request);
    }
}
