using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage.Sqlite;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Abuse;

/// <summary>Expired limit counters of a destination that never comes back are deleted by the sweep, not kept for ever.</summary>
public sealed class LimitSweeperTests
{
    [Fact]
    public async Task Sweep_CountersOfADestinationNotSeenAgain_DeletedOnceNoWindowCountsThem()
    {
        using var app = new SesameApp(new()
        {
            // Naming one Limits setting (at its default) keeps every default on in SesameApp.
            ["Sesame:UserPools:us-east-1_SesameDev:Limits:DestinationInterval"] = "00:01:00",
            ["Sesame:Storage:SweepInterval"] = "00:00:01",
        });
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        await app.MessageAsync(phone);
        var counted = await CountersAsync(app);
        Assert.True(counted > 0, "the sign-up's send was not counted");

        // Still inside the day window: the sweep may drop the events of the shorter windows, but keeps what the day
        // window still counts.
        app.Clock.Advance(TimeSpan.FromHours(23));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var kept = await CountersAsync(app);
        Assert.InRange(kept, 1, counted);

        // Past every window (the longest is a day): the next sweep deletes them.
        app.Clock.Advance(TimeSpan.FromHours(2));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await CountersAsync(app) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired counters were not swept within 10 s");
            await Task.Delay(50);
        }
    }

    private static Task<long> CountersAsync(SesameApp app) =>
        app.Services.GetRequiredService<SqliteDatabase>().ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT COUNT(*) FROM rate_limit_events) + (SELECT COUNT(*) FROM rate_limit_keys)";
            return (long)command.ExecuteScalar()!;
        }, CancellationToken.None);
}
