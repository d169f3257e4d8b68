using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage;
using Sesame.Storage.Sqlite;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Delivery;

/// <summary>Load tests run alone, so they neither starve nor are starved by the timing-sensitive fault tests.</summary>
[CollectionDefinition(nameof(DeliveryLoad), DisableParallelization = true)]
public sealed class DeliveryLoad;

/// <summary>A large queue drains completely, each message exactly once.</summary>
[Collection(nameof(DeliveryLoad))]
public sealed class OutboxDrainTests
{
    [Fact]
    [Trait("Category", "Slow")]
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
}
