using System.Diagnostics.Metrics;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Abuse;

/// <summary>
/// The limits every code send passes before a code is drawn (docs/security.md): per destination, per client IP, and the
/// pool's SMS budget, counted in one atomic check in the store. Unknown users are counted exactly like known ones (their
/// stand-in destination is stable), so a limit never tells whether an account exists.
/// </summary>
internal sealed partial class SendLimits(IRateLimitStore store, ServerSecrets secrets, TimeProvider time, IMeterFactory meters, ILogger<SendLimits> logger)
{
    private static readonly string[] Reasons = ["destination", "client_ip", "sms_budget"];

    private readonly Counter<long> _checks = meters.Create("Sesame.Abuse")
        .CreateCounter<long>("sesame.limits.sends", description: "Code sends checked against the limits, by outcome and the limit that refused.");

    /// <summary>Counts one send to <paramref name="destination"/>, or throws <c>LimitExceededException</c> with the wait.</summary>
    /// <param name="medium"><c>SMS</c> or <c>EMAIL</c>.</param>
    /// <param name="kind">
    /// What the code is for (<c>signup</c>, <c>signin</c>, <c>attribute</c>): the spacing holds per kind, so a sign-up
    /// code followed by a sign-in code a few seconds later (the quickstart) passes, while a resend loop of either waits.
    /// The 10-minute and daily counts hold across kinds.
    /// </param>
    public async ValueTask CheckAsync(UserPool pool, string kind, string medium, string destination, CancellationToken cancellationToken)
    {
        var options = pool.Options.Limits;
        var sms = medium == DeliveryMedium.Sms;
        var limits = new List<RateLimit>(4);
        var reasons = new List<string>(4);
        var to = sms ? destination : Logins.EmailKey(destination);
        Add(limits, reasons, 0, Key("gap:" + kind, pool.Id, to), (options.DestinationInterval, 1));
        Add(limits, reasons, 0, Key("dest", pool.Id, to),
            (TimeSpan.FromMinutes(10), options.DestinationPerTenMinutes), (TimeSpan.FromDays(1), options.DestinationPerDay));
        if (ClientAddress.Current is { } address)
        {
            Add(limits, reasons, 1, Key("ip", pool.Id, ClientAddress.Unit(address)),
                (TimeSpan.FromHours(1), options.ClientIpPerHour), (TimeSpan.FromDays(1), options.ClientIpPerDay));
        }

        if (sms)
        {
            Add(limits, reasons, 2, $"budget:{pool.Id}:sms", (TimeSpan.FromHours(1), options.SmsPerHour), (TimeSpan.FromDays(1), options.SmsPerDay));
        }

        if (limits.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var decision = await store.TryAcquireAsync(limits, now, cancellationToken);
        if (decision.Allowed)
        {
            _checks.Add(1, new("outcome", "allowed"), new("reason", "none"));
            return;
        }

        var reason = reasons[decision.RefusedBy];
        var wait = decision.RetryAt!.Value - now;
        _checks.Add(1, new("outcome", "refused"), new("reason", reason));
        var masked = sms ? Masking.Phone(destination) : Masking.Email(destination);
        if (reason == "sms_budget")
        {
            Log.BudgetExhausted(logger, pool.Id, masked, (long)Math.Ceiling(wait.TotalSeconds));
        }
        else
        {
            Log.Refused(logger, masked, pool.Id, reason, (long)Math.Ceiling(wait.TotalSeconds));
        }

        throw new CognitoException(CognitoErrors.LimitExceeded, "Attempt limit exceeded, please try after some time.") { RetryAfter = wait };
    }

    private static void Add(List<RateLimit> limits, List<string> reasons, int reason, string key, params (TimeSpan Length, int Max)[] windows)
    {
        var on = windows.Where(w => w.Length > TimeSpan.Zero && w.Max > 0).Select(w => new RateWindow(w.Length, w.Max)).ToArray();
        if (on.Length > 0)
        {
            limits.Add(new RateLimit(key, on));
            reasons.Add(Reasons[reason]);
        }
    }

    private string Key(string kind, string poolId, string value) => LimitKeys.Key(secrets, kind, poolId, value);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Code to {Destination} refused in pool {PoolId}: {Reason} limit reached; retry in {Seconds} s.")]
        public static partial void Refused(ILogger logger, string destination, string poolId, string reason, long seconds);

        [LoggerMessage(2, LogLevel.Warning, "SMS budget of pool {PoolId} exhausted: SMS to {Destination} refused for {Seconds} s; email is still sent. Raise UserPools:{PoolId}:Limits:SmsPerHour/SmsPerDay if this is real traffic.")]
        public static partial void BudgetExhausted(ILogger logger, string poolId, string destination, long seconds);
    }
}
