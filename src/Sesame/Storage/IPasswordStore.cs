namespace Sesame.Storage;

/// <summary>The SRP salt and verifier of a user's password, as unsigned big-endian integers.</summary>
internal sealed record PasswordVerifier(byte[] Salt, byte[] Verifier);

/// <summary>
/// A new password as the store writes it: its hash and SRP verifier, the user's status after it (null: unchanged), and
/// how many replaced hashes the history keeps (the hash replaced now included; 0 forgets them all).
/// </summary>
internal sealed record PasswordChange(string Hash, PasswordVerifier Verifier, string? Status, int KeepHistory)
{
    /// <summary>
    /// The user with the attributes to write in the same transaction (NEW_PASSWORD_REQUIRED's <c>userAttributes.*</c>),
    /// at the <see cref="Users.User.Version"/> it was read; null writes none.
    /// </summary>
    public Users.User? Attributes { get; init; }

    /// <summary>Messages queued in the same transaction (AdminCreateUser RESEND's invitations with the new temporary password).</summary>
    public IReadOnlyList<OutboxMessage> Messages { get; init; } = [];
}

/// <summary>Password credentials beyond the PBKDF2 hash on the user (SRP verifiers), and failed-attempt lockout.</summary>
internal interface IPasswordStore
{
    /// <summary>The user's SRP verifier, or null when the user has none (no password, or no such user).</summary>
    ValueTask<PasswordVerifier?> FindVerifierAsync(string poolId, string usernameKey, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the SRP verifier of the user with this username and <paramref name="sub"/>; false when there is no such user
    /// (so a verifier never lands on another account that took the same username in the meantime).
    /// </summary>
    ValueTask<bool> SaveVerifierAsync(string poolId, string usernameKey, string sub, PasswordVerifier verifier, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a user's password: the hash on the user and the SRP verifier, in one transaction (for AdminSetUserPassword,
    /// ChangePassword, NEW_PASSWORD_REQUIRED, AdminCreateUser's RESEND), with what <paramref name="change"/> adds: the
    /// status, the replaced hash kept in the history (<see cref="PasswordChange.KeepHistory"/>), the attributes written
    /// with it, the messages queued with it. The time the password was set is <paramref name="now"/>. <c>UserChanged</c>
    /// when there is no such user (or, with attributes, the user changed since it was read); an alias clash of the
    /// attributes is reported as <see cref="IUserAccountStore.WriteAttributesAsync"/> does. Nothing is written unless
    /// <c>Written</c>.
    /// </summary>
    ValueTask<AttributeWriteOutcome> SetPasswordAsync(string poolId, string usernameKey, PasswordChange change, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>
    /// ConfirmForgotPassword, after its code was consumed: replaces the password (hash and SRP verifier) of the user with
    /// this sub, keeps the replaced hash in the history as <paramref name="change"/> says, makes a <c>RESET_REQUIRED</c>
    /// user <c>CONFIRMED</c> again, and revokes every refresh token of the user, in one transaction. False when the user
    /// is gone, replaced, or in a status a reset cannot end.
    /// </summary>
    ValueTask<bool> ResetPasswordAsync(string poolId, string usernameKey, string sub, PasswordChange change, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="count"/> hashes of passwords the user had before the current one, newest first.</summary>
    ValueTask<IReadOnlyList<string>> FindPasswordHistoryAsync(string poolId, string usernameKey, int count, CancellationToken cancellationToken);

    /// <summary>
    /// AdminResetUserPassword: the user with this sub (<c>CONFIRMED</c> or already <c>RESET_REQUIRED</c>) becomes
    /// <c>RESET_REQUIRED</c>, <paramref name="code"/> is saved and <paramref name="message"/> queued (when there is a
    /// channel to send it to), and every refresh token of the user is revoked, in one transaction. False when the user
    /// is gone, replaced, or in another status; nothing is written then.
    /// </summary>
    ValueTask<bool> RequireResetAsync(string poolId, string usernameKey, string sub, StoredCode? code, OutboxMessage? message,
        DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the password hash with a stronger hash of the same password (after a successful sign-in), only while the
    /// stored hash is still <paramref name="currentHash"/>: a password changed meanwhile is never overwritten. The
    /// user's version and SRP verifier stay as they are (same password). False when nothing was replaced.
    /// </summary>
    ValueTask<bool> UpgradePasswordHashAsync(string poolId, string usernameKey, string currentHash, string upgradedHash, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one password attempt before it is checked, so concurrent guesses cannot slip past a lockout. Returns
    /// the end of the lockout when the name is locked (the attempt is then refused and not counted); otherwise counts
    /// it, locks the name for <paramref name="lockFor"/>(failures) when that is not null, and returns null. A count
    /// whose last attempt is older than <paramref name="resetAfter"/> starts again from zero.
    /// </summary>
    ValueTask<DateTimeOffset?> CountAttemptAsync(string poolId, string usernameKey, DateTimeOffset now, TimeSpan resetAfter,
        Func<int, TimeSpan?> lockFor, CancellationToken cancellationToken);

    /// <summary>Forgets the failures of a name after a successful sign-in.</summary>
    ValueTask ResetAttemptsAsync(string poolId, string usernameKey, CancellationToken cancellationToken);
}
