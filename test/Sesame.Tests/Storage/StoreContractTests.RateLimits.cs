using Sesame.Storage;

namespace Sesame.Tests.Storage;

/// <summary>IRateLimitStore: exact sliding windows, all-or-nothing across keys, refused calls count nothing, no lost counts under races.</summary>
public abstract partial class StoreContractTests
{
    private static readonly RateWindow[] DestinationWindows =
        [new(TimeSpan.FromSeconds(60), 1), new(TimeSpan.FromMinutes(10), 5), new(TimeSpan.FromHours(24), 10)];

    [StoreFact]
    public async Task TryAcquire_SpacingWindow_RefusedUntilTheIntervalHasPassed()
    {
        var limit = new[] { new RateLimit("dest:a", DestinationWindows) };
        var start = Now;

        Assert.True((await Stores.RateLimits.TryAcquireAsync(limit, start, None)).Allowed);
        var refused = await Stores.RateLimits.TryAcquireAsync(limit, start.AddSeconds(59.999), None);

        Assert.Equal((false, 0, start.AddSeconds(60)), (refused.Allowed, refused.RefusedBy, refused.RetryAt));
        Assert.True((await Stores.RateLimits.TryAcquireAsync(limit, start.AddSeconds(60), None)).Allowed);
    }

    [StoreFact]
    public async Task TryAcquire_LongerWindowFull_RetryAtWhenItsOldestEventLeaves()
    {
        var limit = new[] { new RateLimit("dest:b", DestinationWindows) };
        var start = Now;
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await Stores.RateLimits.TryAcquireAsync(limit, start.AddSeconds(61 * i), None)).Allowed);
        }

        var refused = await Stores.RateLimits.TryAcquireAsync(limit, start.AddSeconds(61 * 5), None);
        Assert.Equal((false, start.AddMinutes(10)), (refused.Allowed, refused.RetryAt));
        Assert.False((await Stores.RateLimits.TryAcquireAsync(limit, start.AddMinutes(10).AddMilliseconds(-1), None)).Allowed);
        Assert.True((await Stores.RateLimits.TryAcquireAsync(limit, start.AddMinutes(10), None)).Allowed);

        // Ten in 24 h: the sliding day refuses the eleventh however the sends are spread.
        for (var at = start.AddMinutes(20); ; at = at.AddMinutes(11))
        {
            if (!(await Stores.RateLimits.TryAcquireAsync(limit, at, None)).Allowed)
            {
                Assert.Equal(10, await Stores.RateLimits.CountAsync("dest:b", TimeSpan.FromHours(24), at, None));
                Assert.Equal(start.AddHours(24), (await Stores.RateLimits.TryAcquireAsync(limit, at, None)).RetryAt);
                break;
            }
        }
    }

    [StoreFact]
    public async Task TryAcquire_OneOfSeveralKeysFull_NothingCountedAnywhere()
    {
        var hour = new RateWindow(TimeSpan.FromHours(1), 1);
        Assert.True((await Stores.RateLimits.TryAcquireAsync([new RateLimit("ip:1", [hour])], Now, None)).Allowed);

        var refused = await Stores.RateLimits.TryAcquireAsync([new RateLimit("dest:c", [hour]), new RateLimit("ip:1", [hour])], Now, None);

        Assert.Equal((false, 1), (refused.Allowed, refused.RefusedBy));
        Assert.Equal(0, await Stores.RateLimits.CountAsync("dest:c", TimeSpan.FromHours(1), Now, None));
        Assert.True((await Stores.RateLimits.TryAcquireAsync([new RateLimit("dest:c", [hour])], Now, None)).Allowed);
    }

    [StoreFact]
    public async Task TryAcquire_RefusedCalls_CountNothing()
    {
        var limit = new[] { new RateLimit("dest:d", [new RateWindow(TimeSpan.FromMinutes(1), 2)]) };
        var start = Now;
        await Stores.RateLimits.TryAcquireAsync(limit, start, None);
        await Stores.RateLimits.TryAcquireAsync(limit, start.AddSeconds(30), None);
        for (var i = 0; i < 10; i++)
        {
            Assert.False((await Stores.RateLimits.TryAcquireAsync(limit, start.AddSeconds(31 + i), None)).Allowed);
        }

        Assert.Equal(2, await Stores.RateLimits.CountAsync("dest:d", TimeSpan.FromMinutes(1), start.AddSeconds(45), None));
        Assert.True((await Stores.RateLimits.TryAcquireAsync(limit, start.AddSeconds(60), None)).Allowed);
    }

    [StoreFact]
    public async Task TryAcquire_64ConcurrentCallers_ExactlyTheAllowedCount()
    {
        var limits = new[]
        {
            new RateLimit("dest:e", [new RateWindow(TimeSpan.FromMinutes(10), 5)]),
            new RateLimit("budget:e", [new RateWindow(TimeSpan.FromHours(1), 1000)]),
        };

        var decisions = await ConcurrentlyAsync(_ => Stores.RateLimits.TryAcquireAsync(limits, Now, None).AsTask(), writers: 64);

        Assert.Equal(5, decisions.Count(d => d.Allowed));
        Assert.Equal(5, await Stores.RateLimits.CountAsync("dest:e", TimeSpan.FromMinutes(10), Now, None));
        Assert.Equal(5, await Stores.RateLimits.CountAsync("budget:e", TimeSpan.FromHours(1), Now, None));
    }

    [StoreFact]
    public async Task Reset_AfterFailures_CountStartsOver()
    {
        var limit = new[] { new RateLimit("fail:f", [new RateWindow(TimeSpan.FromHours(24), 2)]) };
        await Stores.RateLimits.TryAcquireAsync(limit, Now, None);
        await Stores.RateLimits.TryAcquireAsync(limit, Now, None);
        Assert.False((await Stores.RateLimits.TryAcquireAsync(limit, Now, None)).Allowed);

        await Stores.RateLimits.ResetAsync("fail:f", None);

        Assert.Equal(0, await Stores.RateLimits.CountAsync("fail:f", TimeSpan.FromHours(24), Now, None));
        Assert.True((await Stores.RateLimits.TryAcquireAsync(limit, Now, None)).Allowed);
    }

    // The per-account cap on code answers (Abuse/AnswerLimits): 20 a day and 100 since the last right answer, kept ten years.
    private static readonly RateWindow[] AnswerWindows = [new(TimeSpan.FromDays(1), 20), new(TimeSpan.FromDays(3650), 100)];

    [StoreFact]
    public async Task TryAcquire_AnswerCap64ConcurrentCallers_ExactlyTwentyCounted()
    {
        var limit = new[] { new RateLimit("answers:g", AnswerWindows) };

        var decisions = await ConcurrentlyAsync(_ => Stores.RateLimits.TryAcquireAsync(limit, Now, None).AsTask(), writers: 64);

        Assert.Equal(20, decisions.Count(d => d.Allowed));
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal(Now.AddDays(1), d.RetryAt));
        Assert.Equal(20, await Stores.RateLimits.CountAsync("answers:g", TimeSpan.FromDays(1), Now, None));
    }

    [StoreFact]
    public async Task TryAcquire_AnswerCapOverThirtyDays_AtMostTheConsecutiveCapUntilReset()
    {
        var limit = new[] { new RateLimit("answers:h", AnswerWindows) };
        var allowed = 0;
        for (var day = 0; day < 30; day++)
        {
            for (var i = 0; i < 30; i++)
            {
                allowed += (await Stores.RateLimits.TryAcquireAsync(limit, Now.AddDays(day).AddMinutes(i), None)).Allowed ? 1 : 0;
            }
        }

        // 20 a day for five days, then nothing: quiet time never clears the consecutive cap, its wait is years away.
        Assert.Equal(100, allowed);
        var refused = await Stores.RateLimits.TryAcquireAsync(limit, Now.AddDays(30), None);
        Assert.False(refused.Allowed);
        Assert.True(refused.RetryAt > Now.AddDays(3000));
        Assert.Equal(100, await Stores.RateLimits.CountAsync("answers:h", TimeSpan.FromDays(3650), Now.AddDays(30), None));
        await Stores.RateLimits.SweepAsync(Now.AddDays(30), None); // the sweep keeps what a window still counts
        Assert.Equal(100, await Stores.RateLimits.CountAsync("answers:h", TimeSpan.FromDays(3650), Now.AddDays(30), None));

        await Stores.RateLimits.ResetAsync("answers:h", None);
        Assert.True((await Stores.RateLimits.TryAcquireAsync(limit, Now.AddDays(30), None)).Allowed);
    }

    [StoreFact]
    public async Task TryAcquireOrReset_WrongThenRight_CountedThenForgottenInOneCall()
    {
        var limit = new RateLimit("answers:i", AnswerWindows);
        Assert.True((await Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () => false, None)).Allowed);
        Assert.True((await Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () => false, None)).Allowed);
        Assert.Equal(2, await Stores.RateLimits.CountAsync("answers:i", TimeSpan.FromDays(1), Now, None));

        Assert.True((await Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () => true, None)).Allowed);

        Assert.Equal(0, await Stores.RateLimits.CountAsync("answers:i", TimeSpan.FromDays(3650), Now, None));
    }

    [StoreFact]
    public async Task TryAcquireOrReset_CapReached_NeverComparedAndNothingCleared()
    {
        var limit = new RateLimit("answers:j", [new RateWindow(TimeSpan.FromDays(1), 2)]);
        await Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () => false, None);
        await Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () => false, None);
        var compared = false;

        var refused = await Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () => compared = true, None);

        Assert.Equal((false, 0, Now.AddDays(1)), (refused.Allowed, refused.RefusedBy, refused.RetryAt));
        Assert.False(compared);
        Assert.Equal(2, await Stores.RateLimits.CountAsync("answers:j", TimeSpan.FromDays(1), Now, None));
    }

    [StoreFact]
    public async Task TryAcquireOrReset_DecisionThrows_NothingCounted()
    {
        var limit = new RateLimit("answers:k", AnswerWindows);
        await Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () => false, None);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () => throw new InvalidOperationException("no"), None));

        Assert.Equal(1, await Stores.RateLimits.CountAsync("answers:k", TimeSpan.FromDays(1), Now, None));
    }

    [StoreFact]
    public async Task TryAcquireOrReset_64ConcurrentWrongAnswers_ExactlyTwentyCompared()
    {
        var limit = new RateLimit("answers:l", AnswerWindows);
        var compared = 0;

        var decisions = await ConcurrentlyAsync(_ => Stores.RateLimits.TryAcquireOrResetAsync(limit, Now, () =>
        {
            Interlocked.Increment(ref compared);
            return false;
        }, None).AsTask(), writers: 64);

        Assert.Equal(20, decisions.Count(d => d.Allowed));
        Assert.Equal(20, Volatile.Read(ref compared));
        Assert.Equal(20, await Stores.RateLimits.CountAsync("answers:l", TimeSpan.FromDays(1), Now, None));
    }

    [StoreFact]
    public async Task List_KeysWithAPrefix_OnlyThoseWithLiveEventsInKeyOrder()
    {
        var start = Now;
        var day = new[] { new RateWindow(TimeSpan.FromDays(1), 10) };
        await Stores.RateLimits.TryAcquireAsync([new RateLimit("block:p1:+4477009;", day)], start, None);
        await Stores.RateLimits.TryAcquireAsync([new RateLimit("block:p1:+4477009;", day)], start.AddMinutes(1), None);
        await Stores.RateLimits.TryAcquireAsync([new RateLimit("block:p1:+1555123;", day)], start, None);
        await Stores.RateLimits.TryAcquireAsync([new RateLimit("block:p1:%_;", [new RateWindow(TimeSpan.FromMinutes(1), 1)])], start, None);
        await Stores.RateLimits.TryAcquireAsync([new RateLimit("block:p2:+4477009;", day)], start, None);
        await Stores.RateLimits.TryAcquireAsync([new RateLimit("blocks:p1:+1;", day)], start, None);

        var listed = await Stores.RateLimits.ListAsync("block:p1:", start.AddMinutes(2), None);

        Assert.Equal(
            [new RateKeyEvents("block:p1:+1555123;", 1, start), new RateKeyEvents("block:p1:+4477009;", 2, start.AddMinutes(1))],
            listed);
        await Stores.RateLimits.ResetAsync("block:p1:+1555123;", None);
        Assert.Single(await Stores.RateLimits.ListAsync("block:p1:", start.AddMinutes(2), None));
    }

    [StoreFact]
    public async Task Sweep_ExpiredEvents_DeletedAndLiveOnesKept()
    {
        var start = Now;
        await Stores.RateLimits.TryAcquireAsync([new RateLimit("short", [new RateWindow(TimeSpan.FromMinutes(1), 5)])], start, None);
        await Stores.RateLimits.TryAcquireAsync([new RateLimit("long", [new RateWindow(TimeSpan.FromHours(1), 5)])], start, None);

        Assert.True(await Stores.RateLimits.SweepAsync(start.AddMinutes(2), None) >= 1);

        Assert.Equal(0, await Stores.RateLimits.CountAsync("short", TimeSpan.FromDays(1), start.AddMinutes(2), None));
        Assert.Equal(1, await Stores.RateLimits.CountAsync("long", TimeSpan.FromHours(1), start.AddMinutes(2), None));
        Assert.True((await Stores.RateLimits.TryAcquireAsync([new RateLimit("short", [new RateWindow(TimeSpan.FromMinutes(1), 1)])], start.AddMinutes(2), None)).Allowed);
    }
}
