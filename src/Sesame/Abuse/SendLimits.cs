using System.Diagnostics.Metrics;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Abuse;

/// <summary>
/// The limits every code send passes before a code is drawn (docs/security.md): per destination, per client IP, and the
/// pool's SMS budget, counted in one atomic check in the store. Unknown users are counted exactly like known ones (their
/// stand-in destination is stable), so a limit never tells whether an account exists.
/// </summary>
internal sealed partial class SendLimits(
    IRateLimitStore store, LimitKeys keys, PrefixVelocity prefixes, TimeProvider time, IMeterFactory meters, ILogger<SendLimits> logger,
    SmsCostBudget costs)
{
    private readonly Counter<long> _checks = meters.Create("Sesame.Abuse")
        .CreateCounter<long>("sesame.limits.sends", description: "Code sends checked against the limits, by outcome and the limit that refused.");

    /// <summary>Counts one send to <paramref name="destination"/>, or throws <c>LimitExceededException</c> with the wait.</summary>
    /// <param name="medium"><c>SMS</c> or <c>EMAIL</c>.</param>
    /// <param name="kind">
    /// What the code is for (<c>signup</c>, <c>signin</c>, <c>forgot-password</c>, <c>attribute</c>): the spacing holds per kind, so a sign-up
    /// code followed by a sign-in code a few seconds later (the quickstart) passes, while a resend loop of either waits.
    /// The 10-minute and daily counts hold across kinds.
    /// </param>
    /// <param name="username">The user a sign-up or attribute code goes to, whose verification converts its prefix; null when none.</param>
    public async ValueTask CheckAsync(UserPool pool, string kind, string medium, string destination, string? username, CancellationToken cancellationToken)
    {
        var options = pool.Options.Limits;
        var sms = medium == DeliveryMedium.Sms;
        var limits = new List<RateLimitEntry>(6);
        // An unknown user's destination is a masked stand-in: nothing is sent, and there is no number to classify.
        var phone = sms && UserAttributes.IsPhoneNumber(destination) ? PhoneNumberClassifier.Classify(destination) : null;
        if (phone is not null && PhoneRules.Refusal(pool, phone) is var (rule, message))
        {
            _checks.Add(1, new("outcome", "refused"), new("reason", rule));
            Log.NumberRefused(logger, Masking.Phone(destination), pool.Id, rule);
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, message);
        }

        // Every kind of code counts, sign-in codes too (CUSTOM_AUTH, USER_AUTH SMS_OTP): a pumping script that re-initiates
        // sign-in for accounts it made sends as much as one that signs up; each verified code converts its send.
        var prefix = phone is not null && options.PrefixUnconvertedPerHour > 0 ? PrefixVelocity.PrefixOf(phone) : null;
        if (prefix is not null)
        {
            if (await prefixes.BlockedUntilAsync(pool, prefix, cancellationToken) is { } until)
            {
                _checks.Add(1, new("outcome", "refused"), new("reason", "prefix"));
                Log.Refused(logger, Masking.Phone(destination), pool.Id, "prefix", (long)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds));
                throw new CognitoException(CognitoErrors.LimitExceeded, "Attempt limit exceeded, please try after some time.") { RetryAfter = until - time.GetUtcNow() };
            }

            await prefixes.AddAsync(limits, pool, prefix, username, cancellationToken);
        }

        LimitKeys.Add(limits, "destination", GapKey(pool, kind, destination), (options.DestinationInterval, 1));
        LimitKeys.Add(limits, "destination", DestinationKey(pool, destination), DestinationWindows(pool));
        if (ClientAddress.Current is { } address)
        {
            LimitKeys.Add(limits, "client_ip", ClientIpKey(pool, ClientAddress.Unit(address)), ClientIpWindows(pool));
        }

        // The cost budget only reads what was spent, before anything is counted: a refusal by it counts nothing.
        if (sms && await costs.RefusalAsync(pool, cancellationToken) is { } costWait)
        {
            _checks.Add(1, new("outcome", "refused"), new("reason", "sms_cost"));
            Log.CostBudgetExhausted(logger, pool.Id, Masking.Phone(destination), (long)Math.Ceiling(costWait.TotalSeconds));
            throw new CognitoException(CognitoErrors.LimitExceeded, "Attempt limit exceeded, please try after some time.") { RetryAfter = costWait };
        }

        if (sms)
        {
            LimitKeys.Add(limits, "sms_budget", BudgetKey(pool), (TimeSpan.FromHours(1), options.SmsPerHour), (TimeSpan.FromDays(1), options.SmsPerDay));
        }

        if (await LimitKeys.AcquireAsync(store, limits, time.GetUtcNow(), _checks, cancellationToken) is not (var reason, var wait))
        {
            return;
        }

        var masked = sms ? Masking.Phone(destination) : Masking.Email(destination);
        if (reason == "prefix")
        {
            await prefixes.BlockAsync(pool, prefix!, masked, cancellationToken);
            wait = options.PrefixBlock;
        }

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

    /// <summary>SMS the pool's budget has counted in the last hour and the last 24 hours.</summary>
    public async ValueTask<(int Hour, int Day)> SmsBudgetUsedAsync(UserPool pool, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = BudgetKey(pool);
        return (await store.CountAsync(key, TimeSpan.FromHours(1), now, cancellationToken), await store.CountAsync(key, TimeSpan.FromDays(1), now, cancellationToken));
    }

    /// <summary>The kind of every attribute-verification code, whichever attribute it verifies.</summary>
    public const string AttributeKind = "attribute";

    /// <summary>
    /// The kinds of code whose sends to one destination are spaced apart each (the <c>gap</c> keys): the code purposes
    /// <c>signup</c>, <c>signin</c> and <c>forgot-password</c>, and <see cref="AttributeKind"/>. The operator's view and
    /// unblock of a destination walk this list, so a kind missing here is a spacing they cannot see or clear.
    /// </summary>
    public static readonly string[] Kinds = ["signup", "signin", "forgot-password", AttributeKind];

    /// <summary>The spacing between two codes of one kind to one destination (a phone number, or an email in any case).</summary>
    public string GapKey(UserPool pool, string kind, string destination) => keys.Key("gap:" + kind, pool.Id, To(destination));

    /// <summary>The 10-minute and daily count of codes to one destination, across kinds.</summary>
    public string DestinationKey(UserPool pool, string destination) => keys.Key("dest", pool.Id, To(destination));

    public static (TimeSpan Length, int Max)[] DestinationWindows(UserPool pool) =>
        [(TimeSpan.FromMinutes(10), pool.Options.Limits.DestinationPerTenMinutes), (TimeSpan.FromDays(1), pool.Options.Limits.DestinationPerDay)];

    /// <summary>The hourly and daily count of codes requested from one client IP unit (<see cref="ClientAddress.Unit"/>).</summary>
    public string ClientIpKey(UserPool pool, string unit) => keys.Key("ip", pool.Id, unit);

    public static (TimeSpan Length, int Max)[] ClientIpWindows(UserPool pool) =>
        [(TimeSpan.FromHours(1), pool.Options.Limits.ClientIpPerHour), (TimeSpan.FromDays(1), pool.Options.Limits.ClientIpPerDay)];

    // Phone numbers count as they are (E.164); emails in their canonical (case-folded) form.
    private static string To(string destination) => UserAttributes.IsPhoneNumber(destination) ? destination : Logins.EmailKey(destination);

    private static string BudgetKey(UserPool pool) => $"budget:{pool.Id}:sms";

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Code to {Destination} refused in pool {PoolId}: {Reason} limit reached; retry in {Seconds} s.")]
        public static partial void Refused(ILogger logger, string destination, string poolId, string reason, long seconds);

        [LoggerMessage(3, LogLevel.Information, "Code to {Destination} refused in pool {PoolId}: the pool does not text numbers of this {Rule}.")]
        public static partial void NumberRefused(ILogger logger, string destination, string poolId, string rule);

        [LoggerMessage(2, LogLevel.Warning, "SMS budget of pool {PoolId} exhausted: SMS to {Destination} refused for {Seconds} s; email is still sent. Raise UserPools:{PoolId}:Limits:SmsPerHour/SmsPerDay if this is real traffic.")]
        public static partial void BudgetExhausted(ILogger logger, string poolId, string destination, long seconds);

        [LoggerMessage(4, LogLevel.Warning, "SMS cost budget of pool {PoolId} spent: SMS to {Destination} refused for {Seconds} s; email is still sent. Raise UserPools:{PoolId}:Limits:SmsCostPerHour/SmsCostPerDay if this is real traffic.")]
        public static partial void CostBudgetExhausted(ILogger logger, string poolId, string destination, long seconds);
    }
}
