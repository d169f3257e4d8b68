using Sesame.Storage;

namespace Sesame.Tests.Storage;

/// <summary>IOutboxStore and IMessageStatusStore: a due message goes to one dispatcher at a time, and a finished one never again.</summary>
public abstract partial class StoreContractTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private protected async Task QueueAsync(int count, string pool = Pool, string hint = "+*******4567")
    {
        await Stores.Admin.QueueAsync([.. Enumerable.Range(0, count).Select(_ => Message(hint, pool))], None);
    }

    private protected ValueTask<IReadOnlyList<ClaimedMessage>> ClaimAsync(int max = 100) => Stores.Outbox.ClaimAsync(Now, Now + Lease, max, None);

    [StoreFact]
    public async Task ClaimOutbox_Queued_OldestFirstUpToMaxWithWhatWasQueued()
    {
        var message = Message("a@***.com") with { Channel = MessageChannel.Email };
        await Stores.Admin.QueueAsync([message], None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await QueueAsync(4);

        var claimed = await ClaimAsync(max: 3);

        Assert.Equal(3, claimed.Count);
        Assert.Equal(claimed.Select(c => c.Id).Order(), claimed.Select(c => c.Id));
        var first = claimed[0];
        Assert.Equal((MessageChannel.Email, Pool, "a@***.com", 0, message.CreatedAt), (first.Channel, first.PoolId, first.DestinationHint, first.Attempts, first.CreatedAt));
        Assert.Equal(message.Payload, first.Payload);
    }

    [StoreFact]
    public async Task Decoy_WrittenLikeAMessage_NeverClaimedOrListed_SweptUpToNow()
    {
        // An unknown user's stand-in message (PreventUserExistenceErrors) is one outbox row like a real one, in every
        // transaction that queues messages (here the plain queue; the session and code writes use the same insert).
        await Stores.Admin.QueueAsync([Message() with { Decoy = true }, Message("a@***.com")], None);
        await Stores.Codes.SaveAsync(Code("ada", "signup"), Message() with { Decoy = true }, None);

        var claimed = Assert.Single(await ClaimAsync());
        Assert.Equal("a@***.com", claimed.DestinationHint);
        Clock.Advance(Lease * 2);
        Assert.Equal(claimed.Id, Assert.Single(await ClaimAsync()).Id);
        foreach (var status in new string?[] { null, "decoy", "queued" })
        {
            var listed = await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(Pool, status, null, 10), None);
            Assert.All(listed, m => Assert.Equal("a@***.com", m.DestinationHint));
        }

        Clock.Advance(TimeSpan.FromSeconds(1));
        await Stores.Admin.QueueAsync([Message() with { Decoy = true, CreatedAt = Now + TimeSpan.FromSeconds(1) }], None);
        Assert.Equal(2, await Stores.Outbox.SweepDecoysAsync(Now, None));
        Assert.Equal(0, await Stores.Outbox.SweepDecoysAsync(Now, None));
        Assert.Equal(1, await Stores.Outbox.SweepDecoysAsync(Now + TimeSpan.FromSeconds(1), None));
        // The real message is untouched by the sweep.
        Assert.Single(await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(Pool, null, null, 10), None));
    }

    [StoreFact]
    public async Task ClaimOutbox_TwoClaimers_NeverSameMessage()
    {
        await QueueAsync(40);

        var batches = await ConcurrentlyAsync(_ => ClaimAsync(max: 4).AsTask());

        var ids = batches.SelectMany(b => b.Select(m => m.Id)).ToList();
        Assert.Equal(40, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [StoreFact]
    public async Task ClaimOutbox_Leased_NotClaimedAgainUntilTheLeaseEnds()
    {
        await QueueAsync(1);
        var claimed = Assert.Single(await ClaimAsync());

        Assert.Empty(await ClaimAsync());
        Clock.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await ClaimAsync());
        Clock.Advance(TimeSpan.FromMilliseconds(1));

        // A dispatcher that died mid-send leaves its lease to run out; the message then goes to another.
        Assert.Equal(claimed.Id, Assert.Single(await ClaimAsync()).Id);
    }

    [StoreFact]
    public async Task ReleaseOutbox_ClaimedMessage_ClaimableAtOnce()
    {
        await QueueAsync(1);
        var claimed = Assert.Single(await ClaimAsync());

        await Stores.Outbox.ReleaseAsync(claimed.Id, None);

        Assert.Equal(claimed.Id, Assert.Single(await ClaimAsync()).Id);
    }

    [StoreFact]
    public async Task MarkSent_ClaimedMessage_ScrubbedAndNeverClaimedAgain()
    {
        await QueueAsync(1);
        var claimed = Assert.Single(await ClaimAsync());

        await Stores.Outbox.MarkSentAsync(claimed.Id, "twilio", "SM123", 2, Now, "us", 0.0079, None);
        await Stores.Outbox.ReleaseAsync(claimed.Id, None);
        Clock.Advance(Lease * 2);

        Assert.Empty(await ClaimAsync());
        var status = Assert.Single(await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(Pool, null, null, 10), None));
        Assert.Equal(("sent", 2, "twilio", "SM123", (DateTimeOffset?)(Now - Lease * 2), (DateTimeOffset?)null),
            (status.Status, status.Attempts, status.Provider, status.ProviderMessageId, status.SentAt, status.NextAttemptAt));
        Assert.Equal(("us", (double?)0.0079), (status.Route, status.Cost));
    }

    [StoreFact]
    public async Task MarkFailed_WithRetry_ClaimedAgainOnlyAtTheRetryTime()
    {
        await QueueAsync(1);
        var claimed = Assert.Single(await ClaimAsync());
        var retryAt = Now.AddMinutes(2);

        await Stores.Outbox.MarkFailedAsync(claimed.Id, "twilio", "503", 3, retryAt, "us", None);

        Assert.Empty(await ClaimAsync());
        var status = Assert.Single(await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(Pool, "queued", null, 10), None));
        Assert.Equal((3, "503", (DateTimeOffset?)retryAt, "us", (double?)null), (status.Attempts, status.LastError, status.NextAttemptAt, status.Route, status.Cost));
        Clock.Advance(TimeSpan.FromMinutes(2));
        var again = Assert.Single(await ClaimAsync());
        Assert.Equal((claimed.Id, 3), (again.Id, again.Attempts));
        Assert.Equal(claimed.Payload, again.Payload);
    }

    [StoreFact]
    public async Task MarkFailed_ForGood_NeverClaimedAgain()
    {
        await QueueAsync(1);
        var claimed = Assert.Single(await ClaimAsync());

        await Stores.Outbox.MarkFailedAsync(claimed.Id, "twilio", new string('x', 2000), 1, null, null, None);
        await Stores.Outbox.ReleaseAsync(claimed.Id, None);
        Clock.Advance(TimeSpan.FromDays(1));

        Assert.Empty(await ClaimAsync());
        var status = Assert.Single(await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(Pool, "failed", null, 10), None));
        Assert.Equal((1, (DateTimeOffset?)null), (status.Attempts, status.SentAt));
        Assert.True(status.LastError!.Length <= 500);
    }

    [StoreFact]
    public async Task RetryNow_WaitingForARetry_DueAtOnceButNeverASentOrFailedOne()
    {
        await QueueAsync(3);
        await QueueAsync(1, pool: OtherPool);
        var claimed = await ClaimAsync();
        var retryAt = Now.AddMinutes(10);
        await Stores.Outbox.MarkFailedAsync(claimed[0].Id, "twilio", "503", 1, retryAt, null, None);
        await Stores.Outbox.MarkFailedAsync(claimed[1].Id, "twilio", "503", 1, retryAt, null, None);
        await Stores.Outbox.MarkFailedAsync(claimed[2].Id, "twilio", "400", 1, null, null, None);
        await Stores.Outbox.MarkFailedAsync(claimed[3].Id, "twilio", "503", 1, retryAt, null, None);

        Assert.Equal(1, await Stores.Outbox.RetryNowAsync(claimed[0].Id, null, Now, None));
        Assert.Equal(claimed[0].Id, Assert.Single(await ClaimAsync()).Id);
        // By pool: the other pool's message keeps waiting; the failed one is never queued again.
        Assert.Equal(1, await Stores.Outbox.RetryNowAsync(null, Pool, Now, None));
        Assert.Equal(claimed[1].Id, Assert.Single(await ClaimAsync()).Id);
        Assert.Equal(1, await Stores.Outbox.RetryNowAsync(null, null, Now, None));
        Assert.Equal(claimed[3].Id, Assert.Single(await ClaimAsync()).Id);
        Assert.Equal(0, await Stores.Outbox.RetryNowAsync(claimed[2].Id, null, Now, None));
    }

    [StoreFact]
    public async Task QueryMessages_Filters_MatchOnlyTheirMessagesNewestFirst()
    {
        await QueueAsync(2, hint: "+*******1111");
        await QueueAsync(1, hint: "+*******2222");
        await QueueAsync(1, pool: OtherPool, hint: "+*******1111");
        var sent = (await ClaimAsync(max: 1))[0];
        await Stores.Outbox.MarkSentAsync(sent.Id, "p", null, 1, Now, "india", null, None);

        var all = await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(null, null, null, 100), None);
        Assert.Equal(4, all.Count);
        Assert.Equal(all.Select(m => m.Id).OrderDescending(), all.Select(m => m.Id));
        Assert.Equal(3, (await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(Pool, null, null, 100), None)).Count);
        Assert.Equal(2, (await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(null, null, "+*******1111", 100), None)).Count(m => m.Status == "queued"));
        Assert.Equal(sent.Id, Assert.Single(await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(Pool, "sent", null, 100), None)).Id);
        Assert.Equal(2, (await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(null, null, null, 2), None)).Count);
        Assert.Equal(sent.Id, Assert.Single(await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(null, null, null, 100, "india"), None)).Id);
    }

    [StoreFact]
    public async Task RecordReceipt_SentMessage_FinalOnceAndRepeatsOrOtherProvidersChangeNothing()
    {
        await QueueAsync(2);
        var claimed = await ClaimAsync();
        await Stores.Outbox.MarkSentAsync(claimed[0].Id, "twilio", "SM1", 1, Now, "us", null, None);
        await Stores.Outbox.MarkSentAsync(claimed[1].Id, "twilio", "SM2", 1, Now, "us", null, None);

        Assert.False(await Stores.Outbox.RecordReceiptAsync("vonage", "SM1", true, null, Now, None));
        Assert.True(await Stores.Outbox.RecordReceiptAsync("twilio", "SM1", true, null, Now, None));
        Assert.False(await Stores.Outbox.RecordReceiptAsync("twilio", "SM1", false, "late", Now.AddMinutes(1), None));
        Assert.True(await Stores.Outbox.RecordReceiptAsync("twilio", "SM2", false, "undelivered: 30003", Now, None));

        var statuses = (await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(Pool, null, null, 10), None)).ToDictionary(m => m.ProviderMessageId!);
        Assert.Equal(("delivered", (DateTimeOffset?)Now, (string?)null), (statuses["SM1"].Status, statuses["SM1"].DeliveredAt, statuses["SM1"].LastError));
        Assert.Equal(("failed", (DateTimeOffset?)null, "undelivered: 30003"), (statuses["SM2"].Status, statuses["SM2"].DeliveredAt, statuses["SM2"].LastError));
    }

    [StoreFact]
    public async Task Spent_SumsTheCostOfWhatWasSentInTheWindow_OnlyThePoolsAndOnlySent()
    {
        await QueueAsync(5);
        await QueueAsync(1, pool: OtherPool);
        var m = await ClaimAsync();
        await Stores.Outbox.MarkSentAsync(m[0].Id, "twilio", "SM0", 1, Now.AddHours(-2), "us", 1.0, None);
        await Stores.Outbox.MarkSentAsync(m[1].Id, "twilio", "SM1", 1, Now.AddMinutes(-30), "us", 0.25, None);
        await Stores.Outbox.MarkSentAsync(m[2].Id, "twilio", "SM2", 1, Now, "us", 0.5, None);
        await Stores.Outbox.MarkSentAsync(m[3].Id, "gateway", "gw", 1, Now, "default", null, None);
        await Stores.Outbox.MarkFailedAsync(m[4].Id, "twilio", "every provider failed", 2, null, "us", None);
        await Stores.Outbox.MarkSentAsync(m[5].Id, "twilio", "SM5", 1, Now, "us", 9.0, None);
        // A provider that accepted a message charged it, whatever its receipt says later.
        Assert.True(await Stores.Outbox.RecordReceiptAsync("twilio", "SM2", false, "undelivered", Now, None));

        Assert.Equal((0.75, (DateTimeOffset?)Now.AddMinutes(-30)), await Stores.MessageStatus.SpentAsync(Pool, Now.AddHours(-1), None));
        Assert.Equal((1.75, (DateTimeOffset?)Now.AddHours(-2)), await Stores.MessageStatus.SpentAsync(Pool, Now.AddDays(-1), None));
        Assert.Equal((0.0, (DateTimeOffset?)null), await Stores.MessageStatus.SpentAsync("us-east-1_Nothing", Now.AddDays(-1), None));
    }
}
