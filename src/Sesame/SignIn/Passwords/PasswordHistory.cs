using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// The parts of a pool's <c>PasswordPolicy</c> that depend on a user's past, beside the character rules of
/// <see cref="PasswordSignIn.CheckPolicy"/>: <c>PasswordHistorySize</c> (a new password may not repeat the current one
/// nor the replaced ones the store keeps) and <c>TemporaryPasswordValidityDays</c>. Every operation that sets a password
/// builds its <see cref="PasswordChange"/> here, so the store always keeps as many replaced hashes as the pool compares.
/// </summary>
internal sealed class PasswordHistory(IPasswordStore passwords, PasswordHasher hasher, HashingSlots hashing, TimeProvider time)
{
    /// <summary>
    /// ChangePassword, ConfirmForgotPassword, AdminSetUserPassword (<c>Permanent: true</c>) and the NEW_PASSWORD_REQUIRED
    /// answer: refuses <paramref name="password"/> when it is the user's current password or one of the replaced ones the
    /// pool's <c>PasswordHistorySize</c> covers (the current one counts as the first, UNCONFIRMED in Cognito's
    /// documentation). Each comparison is a full hash, all of them in one hashing slot. Nothing is written.
    /// </summary>
    public async ValueTask EnsureNotReusedAsync(UserPool pool, User user, string password, CancellationToken cancellationToken)
    {
        var size = pool.Options.PasswordHistorySize;
        if (size <= 0)
        {
            return;
        }

        var previous = Kept(pool) > 0
            ? await passwords.FindPasswordHistoryAsync(pool.Id, Logins.UsernameKey(user.Username), Kept(pool), cancellationToken)
            : [];
        var reused = await hashing.RunAsync(() => ValueTask.FromResult(
            hasher.Verify(password, user.PasswordHash) || previous.Any(hash => hasher.Verify(password, hash))), cancellationToken);
        if (reused)
        {
            // Cognito's exact words are UNCONFIRMED (docs/compatibility.md).
            throw CognitoErrors.Error(CognitoErrors.PasswordHistoryPolicyViolation,
                "Password has previously been used: the user pool's password history policy refuses it.");
        }
    }

    /// <summary>The new password as the store writes it: hashed, with its SRP verifier, and the history the pool keeps.</summary>
    public PasswordChange Change(UserPool pool, User user, string password, string? status)
    {
        var (hash, verifier) = PasswordCredentials.Create(hasher, pool.Id, user.Username, password);
        return new PasswordChange(hash, verifier, status, Kept(pool));
    }

    /// <summary>
    /// Whether the user's temporary password (<c>FORCE_CHANGE_PASSWORD</c>) is older than the pool's
    /// <c>TemporaryPasswordValidityDays</c>: then no sign-in of the user ends until an administrator sets a new one.
    /// </summary>
    public bool TemporaryPasswordExpired(UserPool pool, User user) =>
        user.Status == UserStatus.ForceChangePassword && user.PasswordSetAt is { } set
        && time.GetUtcNow() >= set + TimeSpan.FromDays(ValidityDays(pool.Options.PasswordTemporaryValidityDays));

    // Cognito's PasswordPolicyType: "A value of 0 is treated as null", i.e. its default of 7 days, not "expired at once".
    private static int ValidityDays(int configured) => configured == 0 ? new UserPoolOptions().PasswordTemporaryValidityDays : configured;

    /// <summary>Throws Cognito's answer for an expired temporary password when <see cref="TemporaryPasswordExpired"/>.</summary>
    public void EnsureTemporaryPasswordValid(UserPool pool, User user)
    {
        if (TemporaryPasswordExpired(pool, user))
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, "Temporary password has expired and must be reset by an administrator.");
        }
    }

    // The current password is the first of the PasswordHistorySize compared; the store keeps the others.
    private static int Kept(UserPool pool) => Math.Max(0, pool.Options.PasswordHistorySize - 1);
}
