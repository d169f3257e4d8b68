using System.Diagnostics.Metrics;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Abuse;

/// <summary>
/// Limits on password and SRP attempts (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH, CUSTOM_AUTH's
/// PASSWORD_VERIFIER), per client IP and per account, counted in the store before any hashing, so a flood of attempts
/// costs a row lookup each and not a PBKDF2 run or a 3072-bit exponentiation. Unknown users are counted under their
/// stand-in name, exactly like known ones, and get the same answer.
/// </summary>
internal sealed partial class AttemptLimits(IRateLimitStore store, LimitKeys keys, TimeProvider time, IMeterFactory meters, ILogger<AttemptLimits> logger)
{
    private readonly Counter<long> _checks = meters.Create("Sesame.Abuse")
        .CreateCounter<long>("sesame.limits.attempts", description: "Password and SRP attempts checked against the limits, by outcome and the limit that refused.");

    /// <summary>
    /// Counts one attempt for <paramref name="username"/> (the canonical name or the stand-in of an unknown login), or
    /// throws <c>LimitExceededException</c> with the wait (the endpoint answers <c>TooManyRequestsException</c> where
    /// Cognito's model does not declare it).
    /// </summary>
    public async ValueTask CheckAsync(UserPool pool, string username, CancellationToken cancellationToken)
    {
        var options = pool.Options.Limits;
        var limits = new List<RateLimitEntry>(2);
        if (ClientAddress.Current is { } address)
        {
            LimitKeys.Add(limits, "client_ip", ClientIpKey(pool, ClientAddress.Unit(address)), ClientIpWindows(pool));
        }

        LimitKeys.Add(limits, "account", keys.Key("pw-account", pool.Id, Logins.UsernameKey(username)),
            (TimeSpan.FromDays(1), options.PasswordAttemptsPerAccountPerDay));
        if (await LimitKeys.AcquireAsync(store, limits, time.GetUtcNow(), _checks, cancellationToken) is not (var reason, var wait))
        {
            return;
        }

        Log.Refused(logger, pool.Id, reason, (long)Math.Ceiling(wait.TotalSeconds));
        throw new CognitoException(CognitoErrors.LimitExceeded, "Attempt limit exceeded, please try after some time.") { RetryAfter = wait };
    }

    /// <summary>The password attempts counted for one client IP unit (<see cref="ClientAddress.Unit"/>).</summary>
    public string ClientIpKey(UserPool pool, string unit) => keys.Key("pw-ip", pool.Id, unit);

    public static (TimeSpan Length, int Max)[] ClientIpWindows(UserPool pool) =>
    [
        (TimeSpan.FromMinutes(5), pool.Options.Limits.PasswordAttemptsPerClientIpPerFiveMinutes),
        (TimeSpan.FromHours(1), pool.Options.Limits.PasswordAttemptsPerClientIpPerHour),
    ];

    private static partial class Log
    {
        // No username and no IP: the reason and the pool are what an operator acts on; the metric counts them.
        [LoggerMessage(1, LogLevel.Information, "Password attempt refused in pool {PoolId}: {Reason} limit reached; retry in {Seconds} s.")]
        public static partial void Refused(ILogger logger, string poolId, string reason, long seconds);
    }
}
