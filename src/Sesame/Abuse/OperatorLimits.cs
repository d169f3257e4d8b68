using System.Net;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Abuse;

/// <summary>A window of the SMS budget: its limit (0: off) and what it has counted.</summary>
internal sealed record BudgetWindowView(int Limit, int Used);

internal sealed record SmsBudgetView(BudgetWindowView Hour, BudgetWindowView Day);

internal sealed record BlockedPrefixView(string Prefix, DateTimeOffset BlockedAt, DateTimeOffset Until);

/// <summary>One window of one limit: what it allows (0: off), what it has counted, and whether it refuses the next event.</summary>
internal sealed record CounterView(string Limit, int WindowSeconds, int Max, int Used, bool Full);

/// <summary>The counters of one destination (shown masked) or one client IP unit.</summary>
internal sealed record SubjectLimitsView(string Subject, IReadOnlyList<CounterView> Counters);

internal sealed record LimitsView(
    string UserPoolId, SmsBudgetView SmsBudget, IReadOnlyList<BlockedPrefixView> BlockedPrefixes, SubjectLimitsView? Destination, SubjectLimitsView? ClientIp);

/// <summary>What an unblock did: which prefix, destination (masked) or client IP, and whether anything was blocked.</summary>
internal sealed record UnblockView(string UserPoolId, string? Prefix, string? Destination, string? ClientIp, bool Unblocked);

/// <summary>
/// The abuse limits as operators see and lift them — one code path for <c>GET /admin/limits</c>, <c>DELETE
/// /admin/limits/…</c> and <c>sesame limits show|unblock</c>: the pool's SMS budget, its blocked number prefixes, and on
/// request the counters of one destination (its spacing per kind of code, 10-minute and daily counts) and of one client
/// IP (code requests per hour and day, password attempts per 5 minutes and hour). The store holds keyed hashes only, so
/// a destination or IP is looked up by computing its keys, never listed. Unblocking forgets the counters; it changes no
/// setting, and the next sends count afresh.
/// </summary>
internal sealed partial class OperatorLimits(
    IRateLimitStore store, SendLimits sends, AttemptLimits attempts, PrefixVelocity prefixes, TimeProvider time, ILogger<OperatorLimits> logger)
{
    public async ValueTask<LimitsView> ShowAsync(UserPool pool, string? destination, string? clientIp, CancellationToken cancellationToken)
    {
        var to = destination is null ? null : Destination(destination);
        var unit = clientIp is null ? null : ClientIpUnit(clientIp);
        var (hour, day) = await sends.SmsBudgetUsedAsync(pool, cancellationToken);
        var blocked = await prefixes.BlockedAsync(pool, cancellationToken);
        var options = pool.Options.Limits;
        return new LimitsView(pool.Id,
            new SmsBudgetView(new BudgetWindowView(options.SmsPerHour, hour), new BudgetWindowView(options.SmsPerDay, day)),
            [.. blocked.Select(b => new BlockedPrefixView(b.Prefix, b.BlockedAt, b.Until))],
            to is null ? null : new SubjectLimitsView(Masked(to), await CountersAsync(DestinationLimits(pool, to), cancellationToken)),
            unit is null ? null : new SubjectLimitsView(unit, await CountersAsync(ClientIpLimits(pool, unit), cancellationToken)));
    }

    /// <summary>Lifts a prefix block (and forgets the prefix's unconverted sends, so it is not blocked again at once).</summary>
    public async ValueTask<UnblockView> UnblockPrefixAsync(UserPool pool, string prefix, CancellationToken cancellationToken)
    {
        prefix = prefix.Trim();
        // An unencoded '+' in a query string arrives as a space, trimmed away.
        prefix = prefix.Length > 0 && char.IsDigit(prefix[0]) ? "+" + prefix : prefix;
        if (prefix.Length is < 2 or > 16 || prefix[0] != '+' || prefix.AsSpan(1).ContainsAnyExceptInRange('0', '9'))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "prefix must be '+' and digits, as GET /admin/limits lists it.");
        }

        return new UnblockView(pool.Id, prefix, null, null, await prefixes.UnblockAsync(pool, prefix, cancellationToken));
    }

    /// <summary>Forgets one destination's counters (spacing, 10-minute and daily counts); true when one of them was full.</summary>
    public async ValueTask<UnblockView> UnblockDestinationAsync(UserPool pool, string destination, CancellationToken cancellationToken)
    {
        var to = Destination(destination);
        var was = await ResetAsync(DestinationLimits(pool, to), cancellationToken);
        if (was)
        {
            Log.Unblocked(logger, "destination " + Masked(to), pool.Id);
        }

        return new UnblockView(pool.Id, null, Masked(to), null, was);
    }

    /// <summary>Forgets one client IP unit's counters (code requests and password attempts); true when one of them was full.</summary>
    public async ValueTask<UnblockView> UnblockClientIpAsync(UserPool pool, string clientIp, CancellationToken cancellationToken)
    {
        var unit = ClientIpUnit(clientIp);
        var was = await ResetAsync(ClientIpLimits(pool, unit), cancellationToken);
        if (was)
        {
            // The address stays out of the log, as every limit's log line keeps it out.
            Log.Unblocked(logger, "a client IP", pool.Id);
        }

        return new UnblockView(pool.Id, null, null, unit, was);
    }

    private List<(string Limit, string Key, (TimeSpan Length, int Max)[] Windows)> DestinationLimits(UserPool pool, string to) =>
    [
        .. SendLimits.Kinds.Select(kind => ("spacing:" + kind, sends.GapKey(pool, kind, to), new[] { (pool.Options.Limits.DestinationInterval, 1) })),
        ("codes", sends.DestinationKey(pool, to), SendLimits.DestinationWindows(pool)),
    ];

    private List<(string Limit, string Key, (TimeSpan Length, int Max)[] Windows)> ClientIpLimits(UserPool pool, string unit) =>
    [
        ("code_requests", sends.ClientIpKey(pool, unit), SendLimits.ClientIpWindows(pool)),
        ("password_attempts", attempts.ClientIpKey(pool, unit), AttemptLimits.ClientIpWindows(pool)),
    ];

    private async ValueTask<IReadOnlyList<CounterView>> CountersAsync(
        List<(string Limit, string Key, (TimeSpan Length, int Max)[] Windows)> limits, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var counters = new List<CounterView>();
        foreach (var (limit, key, windows) in limits)
        {
            foreach (var (length, max) in windows)
            {
                var used = length > TimeSpan.Zero ? await store.CountAsync(key, length, now, cancellationToken) : 0;
                counters.Add(new CounterView(limit, (int)length.TotalSeconds, max, used, max > 0 && length > TimeSpan.Zero && used >= max));
            }
        }

        return counters;
    }

    private async ValueTask<bool> ResetAsync(List<(string Limit, string Key, (TimeSpan Length, int Max)[] Windows)> limits, CancellationToken cancellationToken)
    {
        var full = (await CountersAsync(limits, cancellationToken)).Any(c => c.Full);
        foreach (var key in limits.Select(l => l.Key).Distinct(StringComparer.Ordinal))
        {
            await store.ResetAsync(key, cancellationToken);
        }

        return full;
    }

    private static string Destination(string destination)
    {
        var to = destination.Trim();
        // An unencoded '+' in a query string arrives as a space, trimmed away.
        to = to.Length > 0 && char.IsDigit(to[0]) ? "+" + to : to;
        return UserAttributes.IsPhoneNumber(to) || (to.Contains('@', StringComparison.Ordinal) && to.Length <= 256)
            ? to
            : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "destination must be a phone number in E.164 (+ and digits) or an email address.");
    }

    private static string Masked(string to) => UserAttributes.IsPhoneNumber(to) ? Masking.Phone(to) : Masking.Email(to);

    private static string ClientIpUnit(string clientIp) => IPAddress.TryParse(clientIp.Trim(), out var address)
        ? ClientAddress.Unit(address)
        : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "ip must be an IPv4 or IPv6 address.");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Limits of {Subject} lifted in pool {PoolId} by an operator.")]
        public static partial void Unblocked(ILogger logger, string subject, string poolId);
    }
}
