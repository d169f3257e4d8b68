using Sesame.Users;

namespace Sesame.Storage;

/// <summary>A code that verifies a phone number or email, stored only as its nonce and keyed MAC.</summary>
/// <param name="Attribute"><c>phone_number</c> or <c>email</c>.</param>
/// <param name="PendingValue">A new value that replaces the attribute only once verified; null to verify the current value.</param>
internal sealed record AttributeCode(
    string PoolId, string UsernameKey, string Attribute, byte[] Mac, DateTimeOffset ExpiresAt, int Attempts, int MaxAttempts, string? PendingValue);

/// <summary>How writing a user's attributes ended.</summary>
internal enum AttributeWriteOutcome
{
    Written,

    /// <summary>The user changed (or vanished) since it was read; nothing was written.</summary>
    UserChanged,

    /// <summary>A confirmed user of the pool already holds the phone number; nothing was written.</summary>
    PhoneNumberExists,

    /// <summary>A confirmed user of the pool already holds the email; nothing was written.</summary>
    EmailExists,
}

/// <summary>
/// A user's account after sign-up: attribute changes and their verification, enabling, deleting and signing out
/// everywhere. Each method is one transaction: nothing is half-written.
/// </summary>
internal interface IUserAccountStore
{
    /// <summary>
    /// Writes <paramref name="user"/>'s attributes (the phone and email aliases follow them) if its
    /// <see cref="User.Version"/> is still current, saves <paramref name="codes"/> (replacing earlier ones for the same
    /// attribute) and queues <paramref name="messages"/>. An UNCONFIRMED user holding a new alias is removed; a
    /// CONFIRMED one makes the write fail.
    /// </summary>
    ValueTask<AttributeWriteOutcome> WriteAttributesAsync(
        User user, IReadOnlyList<AttributeCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Replaces the user's code for one attribute and queues its message.</summary>
    ValueTask SaveAttributeCodeAsync(AttributeCode code, OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>The value awaiting verification for one attribute, if a code for a new value is pending.</summary>
    ValueTask<string?> PendingValueAsync(string poolId, string usernameKey, string attribute, CancellationToken cancellationToken);

    /// <summary>Counts one answer against the code before it is compared; returns it with this answer counted, or null.</summary>
    ValueTask<AttributeCode?> CountAttributeAttemptAsync(string poolId, string usernameKey, string attribute, CancellationToken cancellationToken);

    /// <summary>
    /// Consumes the code whose MAC is <paramref name="mac"/> and marks the attribute verified, first setting its pending
    /// value. Null when another answer consumed the code first.
    /// </summary>
    ValueTask<AttributeWriteOutcome?> VerifyAttributeAsync(
        string poolId, string usernameKey, string attribute, byte[] mac, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Enables or disables the user; disabling revokes every refresh token of the user. False if there is no such user.</summary>
    ValueTask<bool> SetEnabledAsync(string poolId, string usernameKey, bool enabled, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the user with its codes and revokes its tokens. False if there is no such user.</summary>
    ValueTask<bool> DeleteAsync(string poolId, string usernameKey, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes every refresh token of the user, and with them every access token (GlobalSignOut).</summary>
    ValueTask RevokeAllTokensAsync(string poolId, string sub, DateTimeOffset now, CancellationToken cancellationToken);
}
