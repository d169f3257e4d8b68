using System.Diagnostics.Metrics;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Abuse;

/// <summary>Whether an answer may be compared; when not, how long until it may (null: not before an operator lifts the lock).</summary>
internal readonly record struct AnswerDecision(bool Allowed, TimeSpan? RetryAfter)
{
    public static AnswerDecision Allow { get; } = new(true, null);
}

/// <summary>
/// The per-account cap on code answers across every code the account is sent (NIST SP 800-63B §3.2.2, §3.1.3.2):
/// at most <c>Limits:CodeFailuresPerDay</c> failed answers in any 24 hours, and at most
/// <c>Limits:ConsecutiveCodeFailures</c> since the last right one, which no quiet time clears. Issuing a new code
/// never resets the count; a right answer does. Each answer is counted in the store before it is compared (one atomic
/// check-and-count), so concurrent guesses cannot pass the cap, and every node sharing the database sees the same count.
/// An unknown user is counted under its stand-in username, exactly like a known one.
/// </summary>
internal sealed partial class AnswerLimits(IRateLimitStore store, LimitKeys keys, TimeProvider time, IMeterFactory meters, ILogger<AnswerLimits> logger)
{
    /// <summary>How long the consecutive count is kept: effectively for ever (NIST's cap is not on a window).</summary>
    public static readonly TimeSpan ConsecutiveMemory = TimeSpan.FromDays(3650);

    private static readonly string[] Reasons = ["per_day", "consecutive"];

    private readonly Counter<long> _checks = meters.Create("Sesame.Abuse")
        .CreateCounter<long>("sesame.limits.code_answers", description: "Code answers checked against the per-account cap, by outcome and the limit that refused.");

    /// <summary>
    /// Counts one answer of <paramref name="username"/>'s before it is compared. When the account has reached a cap
    /// nothing is counted and the answer must be refused, whether it is right or not.
    /// </summary>
    public ValueTask<AnswerDecision> CountAsync(UserPool pool, string username, CancellationToken cancellationToken) =>
        DecideAsync(pool, username, compare: null, cancellationToken);

    /// <summary>
    /// Counts one answer and compares it in one write (<see cref="IRateLimitStore.TryAcquireOrResetAsync"/>): within the
    /// cap, <paramref name="compare"/> runs with the account's count held, and a right answer (true) clears the failures
    /// at once, which <see cref="SucceededAsync"/> would do in a second write. Past the cap it is never called and the
    /// answer must be refused. <paramref name="compare"/> must be pure and quick (a MAC check): it runs inside the write.
    /// </summary>
    public async ValueTask<AnswerDecision> CountAndCompareAsync(UserPool pool, string username, Func<bool> compare, CancellationToken cancellationToken)
    {
        var decision = await DecideAsync(pool, username, compare, cancellationToken);
        if (decision.Allowed && !Limited(pool) && compare())
        {
            // No cap to count against: only the clearing of failures counted before the caps were turned off remains.
            await SucceededAsync(pool, username, cancellationToken);
        }

        return decision;
    }

    private static bool Limited(UserPool pool) => pool.Options.Limits is { CodeFailuresPerDay: > 0 } or { ConsecutiveCodeFailures: > 0 };

    private async ValueTask<AnswerDecision> DecideAsync(UserPool pool, string username, Func<bool>? compare, CancellationToken cancellationToken)
    {
        var options = pool.Options.Limits;
        var windows = new List<RateWindow>(2);
        var reasons = new List<string>(2);
        if (options.CodeFailuresPerDay > 0)
        {
            windows.Add(new RateWindow(TimeSpan.FromDays(1), options.CodeFailuresPerDay));
            reasons.Add(Reasons[0]);
        }

        if (options.ConsecutiveCodeFailures > 0)
        {
            windows.Add(new RateWindow(ConsecutiveMemory, options.ConsecutiveCodeFailures));
            reasons.Add(Reasons[1]);
        }

        if (windows.Count == 0)
        {
            return AnswerDecision.Allow;
        }

        var now = time.GetUtcNow();
        var limit = new RateLimit(Key(pool, username), windows);
        var decision = compare is null
            ? await store.TryAcquireAsync([limit], now, cancellationToken)
            : await store.TryAcquireOrResetAsync(limit, now, compare, cancellationToken);
        if (decision.Allowed)
        {
            _checks.Add(1, new("outcome", "allowed"), new("reason", "none"));
            return AnswerDecision.Allow;
        }

        // Which cap refused: the consecutive one when the answers of the last day alone would not fill the daily one.
        var wait = decision.RetryAt!.Value - now;
        var reason = reasons.Count == 2 && wait > TimeSpan.FromDays(1) ? Reasons[1] : reasons[0];
        _checks.Add(1, new("outcome", "refused"), new("reason", reason));
        if (reason == Reasons[1])
        {
            // No wait ends it: only a right answer would, and none is compared any more (NIST §3.2.2: account recovery).
            Log.Locked(logger, pool.Id, options.ConsecutiveCodeFailures);
            return new AnswerDecision(false, null);
        }

        Log.Refused(logger, pool.Id, (long)Math.Ceiling(wait.TotalSeconds));
        return new AnswerDecision(false, wait);
    }

    /// <summary>A right answer, or an operator's recovery (AdminEnableUser): the failures before it no longer count.</summary>
    public ValueTask SucceededAsync(UserPool pool, string username, CancellationToken cancellationToken) =>
        store.ResetAsync(Key(pool, username), cancellationToken);

    private string Key(UserPool pool, string username) => keys.Key("answers", pool.Id, Logins.UsernameKey(username));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Code answers for an account in pool {PoolId} refused: the daily cap on failed answers is reached; retry in {Seconds} s (a right answer is refused too until then).")]
        public static partial void Refused(ILogger logger, string poolId, long seconds);

        [LoggerMessage(2, LogLevel.Warning, "Code answers for an account in pool {PoolId} refused: {Count} consecutive failed answers. Only an operator's AdminEnableUser lifts this (NIST SP 800-63B §3.2.2).")]
        public static partial void Locked(ILogger logger, string poolId, int count);
    }
}
