using System.Security.Cryptography;
using Sesame.Storage;

namespace Sesame.Tests.Storage;

/// <summary>ISignInSessionStore: a session is taken once, its answers are counted atomically, and it keeps its expiry.</summary>
public abstract partial class StoreContractTests
{
    private protected AuthSessionRecord NewSession(TimeSpan? validFor = null) =>
        new(RandomNumberGenerator.GetBytes(32), Pool, "client", """{"step":1}""", Now + (validFor ?? TimeSpan.FromMinutes(3)));

    [StoreFact]
    public async Task TakeSession_Twice_SecondIsNull()
    {
        var session = NewSession();
        await Stores.Sessions.SaveAsync(session, [], None);

        var taken = await Stores.Sessions.TakeAsync(session.IdHash, None);
        var again = await Stores.Sessions.TakeAsync(session.IdHash, None);

        Assert.NotNull(taken);
        Assert.Equal((session.PoolId, session.ClientId, session.State, session.ExpiresAt), (taken.PoolId, taken.ClientId, taken.State, taken.ExpiresAt));
        Assert.Null(again);
    }

    [StoreFact]
    public async Task TakeSession_ConcurrentAnswers_ExactlyOneGetsIt()
    {
        var session = NewSession();
        await Stores.Sessions.SaveAsync(session, [], None);

        var taken = await ConcurrentlyAsync(_ => Stores.Sessions.TakeAsync(session.IdHash, None).AsTask());

        Assert.Single(taken, t => t is not null);
    }

    [StoreFact]
    public async Task TakeSession_Unknown_Null()
    {
        await Stores.Sessions.SaveAsync(NewSession(), [], None);

        Assert.Null(await Stores.Sessions.TakeAsync(RandomNumberGenerator.GetBytes(32), None));
    }

    [StoreFact]
    public async Task TakeSession_AfterItsExpiry_ReportsTheStoredExpiry()
    {
        var session = NewSession(TimeSpan.FromMinutes(3));
        await Stores.Sessions.SaveAsync(session, [], None);
        Clock.Advance(TimeSpan.FromMinutes(4));

        var taken = await Stores.Sessions.TakeAsync(session.IdHash, None);

        // The caller refuses it (ExpiredCodeException) by this time; the store keeps it exactly.
        Assert.Equal(session.ExpiresAt, taken!.ExpiresAt);
        Assert.True(taken.ExpiresAt <= Now);
    }

    [StoreFact]
    public async Task SaveSession_WithMessages_QueuedWithIt()
    {
        await Stores.Sessions.SaveAsync(NewSession(), [Message(), Message()], None);

        Assert.Equal(2, await QueuedAsync());
    }

    [StoreFact]
    public async Task SaveSession_LaterSave_SweepsSessionsExpiredAnHourBefore()
    {
        var old = NewSession(TimeSpan.FromMinutes(3));
        await Stores.Sessions.SaveAsync(old, [], None);
        var recent = NewSession(TimeSpan.FromMinutes(50));
        await Stores.Sessions.SaveAsync(recent, [], None);
        Clock.Advance(TimeSpan.FromMinutes(61));

        await Stores.Sessions.SaveAsync(NewSession(), [], None);

        Assert.Null(await Stores.Sessions.TakeAsync(old.IdHash, None));
        Assert.NotNull(await Stores.Sessions.TakeAsync(recent.IdHash, None));
    }

    [StoreFact]
    public async Task CountSessionAttempt_EachAnswer_CountedAndTheSessionKept()
    {
        var session = NewSession();
        await Stores.Sessions.SaveAsync(session, [], None);

        var first = await Stores.Sessions.CountAttemptAsync(session.IdHash, None);
        var second = await Stores.Sessions.CountAttemptAsync(session.IdHash, None);

        Assert.Equal(1, first!.Attempts);
        Assert.Equal((session.State, session.ExpiresAt, 2), (second!.State, second.ExpiresAt, second.Attempts));
        Assert.Null(await Stores.Sessions.CountAttemptAsync(RandomNumberGenerator.GetBytes(32), None));
    }

    [StoreFact]
    public async Task CountSessionAttempt_ConcurrentAnswers_EachCountedOnce()
    {
        var session = NewSession();
        await Stores.Sessions.SaveAsync(session, [], None);

        var counts = await ConcurrentlyAsync(async _ => (await Stores.Sessions.CountAttemptAsync(session.IdHash, None))!.Attempts);

        Assert.Equal(Enumerable.Range(1, Writers), counts.Order());
    }

    [StoreFact]
    public async Task DeleteSession_Twice_SecondIsFalseAndNothingCountsAfter()
    {
        var session = NewSession();
        await Stores.Sessions.SaveAsync(session, [], None);

        Assert.True(await Stores.Sessions.DeleteAsync(session.IdHash, None));
        Assert.False(await Stores.Sessions.DeleteAsync(session.IdHash, None));

        Assert.Null(await Stores.Sessions.CountAttemptAsync(session.IdHash, None));
        Assert.Null(await Stores.Sessions.TakeAsync(session.IdHash, None));
    }

    [StoreFact]
    public async Task DeleteSession_ConcurrentRightAnswers_ExactlyOneDeletes()
    {
        var session = NewSession();
        await Stores.Sessions.SaveAsync(session, [], None);

        var deleted = await ConcurrentlyAsync(_ => Stores.Sessions.DeleteAsync(session.IdHash, None).AsTask());

        Assert.Single(deleted, d => d);
    }
}
