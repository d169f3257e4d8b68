using System.Diagnostics.Metrics;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Abuse;

/// <summary>A blocked number prefix, as operators see it.</summary>
/// <param name="Prefix">The calling code and the national digits before the last four, e.g. <c>+4477009</c>.</param>
internal sealed record BlockedPrefix(string Prefix, DateTimeOffset BlockedAt, DateTimeOffset Until);

/// <summary>
/// The pumping signature (docs/security.md): many sign-up or attribute codes texted to one number prefix (the number
/// without its last four digits) and never verified. Each such send is counted per prefix, and remembered per user;
/// the code verifier's success path reports the user, which counts a verification for the prefixes that user was sent
/// to. When a prefix's sends in the last hour exceed its verifications by <c>Limits:PrefixUnconvertedPerHour</c>, the
/// prefix is blocked for <c>Limits:PrefixBlock</c>. Every count lives in the rate-limit store, so nodes agree. Prefix
/// keys are in clear (a prefix is not a number), which lets operators list and unblock them.
/// </summary>
internal sealed partial class PrefixVelocity(IRateLimitStore store, LimitKeys keys, TimeProvider time, IMeterFactory meters, ILogger<PrefixVelocity> logger)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly Counter<long> _blocks = meters.Create("Sesame.Abuse")
        .CreateCounter<long>("sesame.limits.prefix_blocks", description: "Number prefixes blocked for the pumping signature (sends not followed by verifications).");

    /// <summary>The calling code and every national digit but the last four (at least one).</summary>
    public static string PrefixOf(PhoneNumberInfo phone) => phone.Prefix(Math.Max(1, phone.NationalNumber.Length - 4));

    /// <summary>When the prefix's block ends; null when it is not blocked.</summary>
    public async ValueTask<DateTimeOffset?> BlockedUntilAsync(UserPool pool, string prefix, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var blocks = await store.ListAsync(BlockKey(pool.Id, prefix), now, cancellationToken);
        var block = blocks.Count > 0 ? blocks[0] : null;
        return block is null || block.Latest + pool.Options.Limits.PrefixBlock <= now ? null : block.Latest + pool.Options.Limits.PrefixBlock;
    }

    /// <summary>The limits one send adds to the send's atomic check: the prefix's unconverted sends, and the user's pending conversion.</summary>
    public async ValueTask AddAsync(List<RateLimitEntry> limits, UserPool pool, string prefix, string? username, CancellationToken cancellationToken)
    {
        var verified = await store.CountAsync(VerifiedKey(pool.Id, prefix), Hour, time.GetUtcNow(), cancellationToken);
        LimitKeys.Add(limits, "prefix", SentKey(pool.Id, prefix), (Hour, pool.Options.Limits.PrefixUnconvertedPerHour + verified));
        if (username is not null)
        {
            LimitKeys.Add(limits, "prefix", PendingKey(pool.Id, username) + prefix, (Hour, int.MaxValue));
        }
    }

    /// <summary>Blocks a prefix whose unconverted sends reached the limit; logs and counts it once.</summary>
    public async ValueTask BlockAsync(UserPool pool, string prefix, string maskedDestination, CancellationToken cancellationToken)
    {
        var decision = await store.TryAcquireAsync([new RateLimit(BlockKey(pool.Id, prefix), [new RateWindow(pool.Options.Limits.PrefixBlock, 1)])],
            time.GetUtcNow(), cancellationToken);
        if (decision.Allowed)
        {
            _blocks.Add(1);
            Log.Blocked(logger, prefix, pool.Id, pool.Options.Limits.PrefixUnconvertedPerHour, maskedDestination, (long)pool.Options.Limits.PrefixBlock.TotalHours);
        }
    }

    /// <summary>
    /// A code sent to <paramref name="username"/> was verified (the code verifier's success path): each prefix the user
    /// was texted in the last hour counts one verification.
    /// </summary>
    public async ValueTask VerifiedAsync(UserPool pool, string username, CancellationToken cancellationToken)
    {
        if (pool.Options.Limits.PrefixUnconvertedPerHour <= 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var pending = PendingKey(pool.Id, username);
        foreach (var entry in await store.ListAsync(pending, now, cancellationToken))
        {
            await store.ResetAsync(entry.Key, cancellationToken);
            await store.TryAcquireAsync([new RateLimit(VerifiedKey(pool.Id, entry.Key[pending.Length..]), [new RateWindow(Hour, int.MaxValue)])], now, cancellationToken);
        }
    }

    /// <summary>The pool's blocked prefixes.</summary>
    public async ValueTask<IReadOnlyList<BlockedPrefix>> BlockedAsync(UserPool pool, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var root = BlockKey(pool.Id, string.Empty);
        return [.. (await store.ListAsync(root, now, cancellationToken))
            .Select(k => new BlockedPrefix(k.Key[root.Length..].TrimEnd(';'), k.Latest, k.Latest + pool.Options.Limits.PrefixBlock))
            .Where(b => b.Until > now)];
    }

    /// <summary>Lifts a block and forgets the prefix's unconverted sends, so it is not blocked again at once.</summary>
    public async ValueTask<bool> UnblockAsync(UserPool pool, string prefix, CancellationToken cancellationToken)
    {
        var blocked = await BlockedUntilAsync(pool, prefix, cancellationToken) is not null;
        await store.ResetAsync(BlockKey(pool.Id, prefix), cancellationToken);
        await store.ResetAsync(SentKey(pool.Id, prefix), cancellationToken);
        if (blocked)
        {
            Log.Unblocked(logger, prefix, pool.Id);
        }

        return blocked;
    }

    // ';' ends the prefix, so listing one prefix's key never matches a longer prefix.
    private static string BlockKey(string poolId, string prefix) => $"prefix-block:{poolId}:{prefix}" + (prefix.Length > 0 ? ";" : string.Empty);

    private static string SentKey(string poolId, string prefix) => $"prefix-sent:{poolId}:{prefix};";

    private static string VerifiedKey(string poolId, string prefix) => $"prefix-verified:{poolId}:{prefix};";

    private string PendingKey(string poolId, string username) => keys.Key("prefix-pending", poolId, Logins.UsernameKey(username)) + ";";

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Number prefix {Prefix} blocked in pool {PoolId}: more than {Limit} SMS codes in an hour not followed by a verification (the SMS pumping signature), the last to {Destination}; blocked for {Hours} h. Unblock with DELETE /admin/limits/prefixes if this is real traffic.")]
        public static partial void Blocked(ILogger logger, string prefix, string poolId, int limit, string destination, long hours);

        [LoggerMessage(2, LogLevel.Warning, "Number prefix {Prefix} unblocked in pool {PoolId} by an operator.")]
        public static partial void Unblocked(ILogger logger, string prefix, string poolId);
    }
}
