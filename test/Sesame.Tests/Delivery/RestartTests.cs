using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage.Sqlite;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Delivery;

/// <summary>A graceful restart hands claimed, unsent messages back at once; the one being sent waits for its lease.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Restart_GracefulStopWhileSending_QueuedMessagesGoAtOnceInFlightOneWaitsForLease()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-test-" + Guid.NewGuid().ToString("N"));
        await using var stuck = await LoopbackServer.StartAsync();
        await using var healthy = await LoopbackServer.StartAsync();
        stuck.Handler = async (c, _) => await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
        healthy.Handler = (c, _) => Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(c.Response, "{}");
        var phones = new[] { SesameApp.NewPhone(), SesameApp.NewPhone(), SesameApp.NewPhone() };
        try
        {
            using (var first = new SesameApp(Settings(stuck.Url), dataDir: dataDir))
            {
                // Three messages committed together, so one claim takes all three: the first is sent (and hangs),
                // the other two wait in the claimed batch when the server stops.
                _ = first.Server;
                var outbox = first.Services.GetRequiredService<Sesame.Delivery.Outbox>();
                var messages = phones.Select(p => outbox.Sms(SesameApp.PoolId, p, $"code for {p}", "123456")).ToList();
                await first.Services.GetRequiredService<SqliteDatabase>().WriteAsync((connection, transaction) =>
                {
                    messages.ForEach(m => SqliteOutboxStore.Enqueue(connection, transaction, m));
                    return 0;
                }, default);
                outbox.Notify();
                await stuck.WaitForAsync(1);
                await Task.Delay(200);
            }

            using var second = new SesameApp(Settings(healthy.Url), dataDir: dataDir);
            _ = second.Server;

            var delivered = await healthy.WaitForAsync(2);
            Assert.Equal(new[] { phones[1], phones[2] }.Order(), delivered.Select(r => System.Text.Json.JsonDocument.Parse(r.Text).RootElement.GetProperty("to").GetString()!).Order());
            Assert.Equal(phones[0], System.Text.Json.JsonDocument.Parse(Assert.Single(stuck.Requests).Text).RootElement.GetProperty("to").GetString());
            // The message whose send was cut short may have reached the provider: it waits for its lease (60 s here).
            await Task.Delay(500);
            Assert.Equal(2, healthy.Requests.Count);
        }
        finally
        {
            // Each app cleared its own connection pool when disposed (ClearAllPools would disturb parallel tests).
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static Dictionary<string, string?> Settings(string url) => new()
    {
        ["Sesame:Delivery:Providers:gateway:Type"] = "Http",
        ["Sesame:Delivery:Providers:gateway:Url"] = url,
        ["Sesame:UserPools:us-east-1_SesameDev:Delivery:SmsProviders:0"] = "gateway",
        ["Sesame:Delivery:Parallelism"] = "1",
        ["Sesame:Delivery:AttemptsPerProvider"] = "1",
        ["Sesame:Delivery:SendTimeout"] = "00:00:20",
        ["Sesame:Delivery:Lease"] = "00:01:00",
    };
}
