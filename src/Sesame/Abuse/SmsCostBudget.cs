using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.Abuse;

/// <summary>
/// The pool's SMS budget in money (<c>Limits:SmsCostPerHour</c>, <c>Limits:SmsCostPerDay</c>), beside its count
/// (<c>SmsPerHour</c>, <c>SmsPerDay</c>). A message is charged the <c>CostPerMessage</c> of the route it took only once a
/// provider accepted it (the outbox records the cost when it marks the message sent): a message whose whole chain failed,
/// or that was refused before sending, costs nothing. An SMS code is refused while what the window has spent has reached
/// the limit, whatever its destination (so a refusal never tells one number from another), and the check counts
/// nothing: the spend read is the store's, shared by every node.
/// </summary>
internal sealed class SmsCostBudget(IMessageStatusStore store, TimeProvider time)
{
    /// <summary>How long until the pool's SMS may be sent again, or null when its cost budget has room (or is off).</summary>
    public async ValueTask<TimeSpan?> RefusalAsync(UserPool pool, CancellationToken cancellationToken)
    {
        var limits = pool.Options.Limits;
        var now = time.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var (window, limit) in new[] { (TimeSpan.FromHours(1), limits.SmsCostPerHour), (TimeSpan.FromDays(1), limits.SmsCostPerDay) })
        {
            if (limit <= 0)
            {
                continue;
            }

            var (spent, oldest) = await store.SpentAsync(pool.Id, now - window, cancellationToken);
            if (spent >= limit)
            {
                // Room comes back no sooner than when the oldest charged message leaves the window.
                var until = (oldest ?? now) + window - now;
                wait = wait is { } longer && longer > until ? longer : until;
            }
        }

        return wait is { } w && w < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    /// <summary>What the pool's SMS accepted in the last hour and the last 24 hours cost.</summary>
    public async ValueTask<(double Hour, double Day)> SpentAsync(UserPool pool, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return ((await store.SpentAsync(pool.Id, now - TimeSpan.FromHours(1), cancellationToken)).Spent,
            (await store.SpentAsync(pool.Id, now - TimeSpan.FromDays(1), cancellationToken)).Spent);
    }
}
