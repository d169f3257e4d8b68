using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Delivery.Aws;
using Sesame.Storage;
using Sesame.Storage.Sqlite;
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
        var logs = new CollectingLoggerProvider();
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:broken:Type"] = "Http",
            ["Sesame:Delivery:Providers:broken:Url"] = LoopbackServer.DeadUrl(),
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:SmsProviders:0"] = "broken",
            ["Sesame:Delivery:RetryDelay"] = "00:00:00.010",
        }, services => services.AddSingleton<ILoggerProvider>(logs));
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!logs.Lines.Any(l => l.Contains("failed after", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(100);
        var status = await FailoverTests.StatusAsync(app, "queued");

        var all = string.Join("\n", logs.Lines);
        Assert.Contains("+*******" + phone[^4..], all);
        Assert.DoesNotContain(phone[2..], all);
        Assert.Equal(3, status.Attempts);
        Assert.NotNull(status.NextAttemptAt);
    }

    [Fact]
    public async Task Outbox_TenThousandMessages_DrainWithNoneLostAndNoneDoubled()
    {
        const int Count = 10_000;
        await using var gateway = await LoopbackServer.StartAsync();
        gateway.Handler = (c, r) => Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(c.Response, "{\"id\":\"ok\"}");
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:gateway:Type"] = "Http",
            ["Sesame:Delivery:Providers:gateway:Url"] = gateway.Url,
            ["Sesame:Delivery:Providers:gateway:BodyTemplate"] = "{body}",
            ["Sesame:Delivery:Providers:gateway:ContentType"] = "text/plain",
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:SmsProviders:0"] = "gateway",
            ["Sesame:Delivery:Parallelism"] = "16",
        });
        _ = app.Server;
        var outbox = app.Services.GetRequiredService<Sesame.Delivery.Outbox>();
        var database = app.Services.GetRequiredService<SqliteDatabase>();
        for (var batch = 0; batch < Count / 1000; batch++)
        {
            var messages = Enumerable.Range(batch * 1000, 1000)
                .Select(i => outbox.Sms(SesameApp.PoolId, "+1555" + (1_000_000 + i), $"message-{i}", "000000")).ToList();
            await database.WriteAsync((connection, transaction) =>
            {
                foreach (var message in messages)
                {
                    SqliteOutboxStore.Enqueue(connection, transaction, message);
                }

                return 0;
            }, default);
            outbox.Notify();
        }

        await gateway.WaitForAsync(Count, seconds: 180);
        var store = app.Services.GetRequiredService<IMessageStatusStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await store.QueryAsync(new MessageStatusQuery(SesameApp.PoolId, "queued", null, 1), default)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(500);
        var bodies = gateway.Requests.Select(r => r.Text).ToList();
        Assert.Equal(Count, bodies.Count);
        Assert.Equal(Count, bodies.Distinct().Count());
        Assert.Equal(Count, await SentCountAsync(database));
    }

    private static Task<long> SentCountAsync(SqliteDatabase database) =>
        database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM outbox WHERE status = 'sent'";
            return (long)command.ExecuteScalar()!;
        }, default);

    private static async Task<HttpResponseMessage> SignedGetAsync(SesameApp app, string pathAndQuery, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("http://localhost" + pathAndQuery));
        // Signed at the app's (hand-moved) time, which its verifier compares the signature's date with.
        new AwsSigner("sesame-dev", secret, null, "us-east-1", "cognito-idp", app.Clock).Sign(request, [], null);
        return await app.CreateClient().SendAsync(request);
    }

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collector(Lines);

        public void Dispose()
        {
        }

        private sealed class Collector(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
        }
    }
}
