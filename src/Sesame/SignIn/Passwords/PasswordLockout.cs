using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// Cognito's lockout for wrong passwords (developer guide, "Authentication flow lockout behavior"): five failures are
/// free, then each further one locks the user for 2^(n-5) seconds, at most 15 minutes; attempts during a lockout are
/// refused with <c>Password attempts exceeded</c> and do not extend it; a success or 15 quiet minutes start over.
/// Attempts are counted before the password is checked, so parallel guesses cannot slip past the lockout; unknown
/// users are counted under their stand-in name and lock out exactly like known ones.
/// <para>
/// Beside it, NIST SP 800-63B §3.2.2's hard cap, which Cognito's quiet reset does not give (about 1,000 guesses a day
/// pass it): at most <c>Limits:ConsecutivePasswordFailures</c> compared attempts since the last right password, whatever
/// time passes, counted in the store before the comparison like the lockout. Past it every attempt, the right password
/// included, gets the lockout's answer; a right password (while under the cap), a new password (ConfirmForgotPassword,
/// AdminSetUserPassword) or an operator's AdminEnableUser lifts it. Passwordless sign-in is not affected.
/// </para>
/// </summary>
internal sealed partial class PasswordLockout(IPasswordStore store, IRateLimitStore limits, LimitKeys keys, TimeProvider time, ILogger<PasswordLockout> logger)
{
    public const int FreeFailures = 5;

    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan QuietReset = TimeSpan.FromMinutes(15);

    /// <summary>Counts an attempt for <paramref name="username"/>; throws while the name is locked or past the consecutive cap.</summary>
    public async ValueTask CountAsync(UserPool pool, string username, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lockedUntil = await store.CountAttemptAsync(pool.Id, Logins.UsernameKey(username), now, QuietReset, LockFor, cancellationToken);
        if (lockedUntil is not null)
        {
            throw AttemptsExceeded();
        }

        var cap = pool.Options.Limits.ConsecutivePasswordFailures;
        if (cap > 0)
        {
            var limit = new RateLimit(Key(pool, username), [new RateWindow(AnswerLimits.ConsecutiveMemory, cap)]);
            if (!(await limits.TryAcquireAsync([limit], now, cancellationToken)).Allowed)
            {
                Log.Capped(logger, pool.Id, cap);
                throw AttemptsExceeded();
            }
        }
    }

    /// <summary>A right password, a new one, or an operator's recovery: the failures before it no longer count.</summary>
    public async ValueTask ResetAsync(UserPool pool, string username, CancellationToken cancellationToken)
    {
        await store.ResetAttemptsAsync(pool.Id, Logins.UsernameKey(username), cancellationToken);
        await limits.ResetAsync(Key(pool, username), cancellationToken);
    }

    /// <summary>The lockout that follows the n-th counted attempt should it fail (it is lifted if it succeeds).</summary>
    internal static TimeSpan? LockFor(int attempts) =>
        attempts < FreeFailures ? null : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempts - FreeFailures), MaxLockout.TotalSeconds));

    private static CognitoException AttemptsExceeded() => CognitoErrors.Error(CognitoErrors.NotAuthorized, "Password attempts exceeded");

    private string Key(UserPool pool, string username) => keys.Key("password-answers", pool.Id, Logins.UsernameKey(username));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Password attempts for an account in pool {PoolId} refused: {Count} consecutive failed attempts. A new password (ConfirmForgotPassword, AdminSetUserPassword) or an operator's AdminEnableUser lifts this (NIST SP 800-63B §3.2.2).")]
        public static partial void Capped(ILogger logger, string poolId, int count);
    }
}
