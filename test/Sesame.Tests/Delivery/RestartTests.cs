using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage.Sqlite;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Delivery;

/// <summary>A graceful restart hands claimed, unsent messages back at once; the one being sent waits for its lease.</summary>
public sealed class RestartTests
{
    [Fact]
    [Trait("Category", "Slow")]
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
            // The message whose send was cut short may have reached the provider: the claim that took the other two left
            // it alone, holding the first server's lease (60 s on its clock), and it goes once the clock reaches the end.
            Assert.Equal(second.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), await LeaseOfTheOneUnsentAsync(second));
            second.Clock.Advance(TimeSpan.FromMinutes(1));
            var resent = await healthy.WaitForAsync(3);
            Assert.Equal(phones[0], System.Text.Json.JsonDocument.Parse(resent[2].Text).RootElement.GetProperty("to").GetString());
        }
        finally
        {
            // Each app cleared its own connection pool when disposed (ClearAllPools would disturb parallel tests).
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>The lease end of the one message not sent, once the other two are marked sent (bounded wait).</summary>
    private static async Task<DateTimeOffset?> LeaseOfTheOneUnsentAsync(SesameApp app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var rows = await app.Services.GetRequiredService<SqliteDatabase>().ReadAsync(connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT status, lease_until FROM outbox";
                using var reader = command.ExecuteReader();
                var found = new List<(string Status, DateTimeOffset? Lease)>();
                while (reader.Read())
                {
                    found.Add((reader.GetString(0), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
                }

                return found;
            }, CancellationToken.None);
            if (rows.Count(r => r.Status == "sent") == 2)
            {
                return Assert.Single(rows, r => r.Status == "queued").Lease;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Not two messages sent: {string.Join(", ", rows)}");
            await Task.Delay(20);
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
