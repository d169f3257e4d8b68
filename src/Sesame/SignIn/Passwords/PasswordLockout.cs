using Sesame.Cognito;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// Cognito's lockout for wrong passwords (developer guide, "Authentication flow lockout behavior"): five failures are
/// free, then each further one locks the user for 2^(n-5) seconds, at most 15 minutes; attempts during a lockout are
/// refused with <c>Password attempts exceeded</c> and do not extend it; a success or 15 quiet minutes start over.
/// Attempts are counted before the password is checked, so parallel guesses cannot slip past the lockout; unknown
/// users are counted under their stand-in name and lock out exactly like known ones.
/// </summary>
internal sealed class PasswordLockout(IPasswordStore store, TimeProvider time)
{
    public const int FreeFailures = 5;

    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan QuietReset = TimeSpan.FromMinutes(15);

    /// <summary>Counts an attempt for <paramref name="username"/>; throws while the name is locked.</summary>
    public async ValueTask CountAsync(string poolId, string username, CancellationToken cancellationToken)
    {
        var lockedUntil = await store.CountAttemptAsync(poolId, Logins.UsernameKey(username), time.GetUtcNow(), QuietReset, LockFor, cancellationToken);
        if (lockedUntil is not null)
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, "Password attempts exceeded");
        }
    }

    public ValueTask ResetAsync(string poolId, string username, CancellationToken cancellationToken) =>
        store.ResetAttemptsAsync(poolId, Logins.UsernameKey(username), cancellationToken);

    /// <summary>The lockout that follows the n-th counted attempt should it fail (it is lifted if it succeeds).</summary>
    internal static TimeSpan? LockFor(int attempts) =>
        attempts < FreeFailures ? null : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempts - FreeFailures), MaxLockout.TotalSeconds));
}
