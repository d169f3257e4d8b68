using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Sesame.Secrets;

namespace Sesame.Abuse;

/// <summary>
/// Keys of the rate-limit store. Keyed hashes, so the table never holds a phone number, email, username or IP in clear,
/// and a copy of it cannot be reversed by hashing every number.
/// </summary>
internal sealed class LimitKeys(ServerSecrets secrets)
{
    public string Key(string kind, string poolId, string value) =>
        $"{kind}:{poolId}:" + Convert.ToBase64String(HMACSHA256.HashData(secrets.PseudonymKey, Encoding.UTF8.GetBytes($"rate-limit:{kind}:{value}")), 0, 18);

    /// <summary>Adds a limit of the windows that are on (a length and a count above zero); false when none is.</summary>
    public static bool Add(List<RateLimitEntry> limits, string reason, string key, params (TimeSpan Length, int Max)[] windows)
    {
        var on = windows.Where(w => w.Length > TimeSpan.Zero && w.Max > 0).Select(w => new Storage.RateWindow(w.Length, w.Max)).ToArray();
        if (on.Length == 0)
        {
            return false;
        }

        limits.Add(new RateLimitEntry(new Storage.RateLimit(key, on), reason));
        return true;
    }

    /// <summary>
    /// Counts one event against every limit in one atomic check of the store, and the outcome in
    /// <paramref name="checks"/>: null when allowed (or no limit is on), else the refusing limit's reason and the wait.
    /// </summary>
    public static async ValueTask<(string Reason, TimeSpan Wait)?> AcquireAsync(
        Storage.IRateLimitStore store, List<RateLimitEntry> limits, DateTimeOffset now, Counter<long> checks, CancellationToken cancellationToken)
    {
        if (limits.Count == 0)
        {
            return null;
        }

        var decision = await store.TryAcquireAsync([.. limits.Select(l => l.Limit)], now, cancellationToken);
        if (decision.Allowed)
        {
            checks.Add(1, new("outcome", "allowed"), new("reason", "none"));
            return null;
        }

        var reason = limits[decision.RefusedBy].Reason;
        checks.Add(1, new("outcome", "refused"), new("reason", reason));
        return (reason, decision.RetryAt!.Value - now);
    }
}

/// <summary>A limit and the reason a refusal by it is reported under (a metric label, a log word).</summary>
internal sealed record RateLimitEntry(Storage.RateLimit Limit, string Reason);
