using Sesame.Delivery;
using Sesame.Delivery.Development;

namespace Sesame.Tests.Delivery;

/// <summary>
/// The dispatcher sends several messages at once, so a later message can finish first; the development outbox, which tests
/// and people read as "the n-th code sent to this number", keeps the order in which the server queued them.
/// </summary>
public sealed class DevOutboxTests
{
    [Fact]
    public async Task For_MessagesFinishingOutOfQueueOrder_ListedInQueueOrder()
    {
        var outbox = new DevOutbox(capacity: 10, TimeProvider.System);
        const string To = "+15550100001";

        await outbox.SendAsync(new SmsMessage(To, "third", "3") { OutboxId = 30 }, CancellationToken.None);
        await outbox.SendAsync(new SmsMessage(To, "first", "1") { OutboxId = 10 }, CancellationToken.None);
        await outbox.SendAsync(new SmsMessage("+15550100002", "other", "9") { OutboxId = 15 }, CancellationToken.None);
        await outbox.SendAsync(new SmsMessage(To, "second", "2") { OutboxId = 20 }, CancellationToken.None);
        await outbox.SendAsync(new EmailMessage("a@example.com", "s", "mail", Code: "4") { OutboxId = 5 }, CancellationToken.None);

        Assert.Equal(["first", "second", "third"], outbox.For(To).Select(m => m.Body));
        Assert.Equal("mail", Assert.Single(outbox.For("A@example.com")).Body);
    }

    [Fact]
    public async Task For_MessagesSentWithoutTheOutbox_KeptInSendOrder()
    {
        var outbox = new DevOutbox(capacity: 10, TimeProvider.System);
        await outbox.SendAsync(new SmsMessage("+15550100003", "a"), CancellationToken.None);
        await outbox.SendAsync(new SmsMessage("+15550100003", "b"), CancellationToken.None);

        Assert.Equal(["a", "b"], outbox.For("+15550100003").Select(m => m.Body));
    }
}
