using Sesame.Users;

namespace Sesame.Storage;

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

    /// <summary>Another user of the pool holds the preferred username as an alias; nothing was written.</summary>
    PreferredUsernameExists,
}

/// <summary>
/// A user's account after sign-up: attribute changes and their verification, enabling, deleting and signing out
/// everywhere. Each method is one transaction: nothing is half-written.
/// </summary>
internal interface IUserAccountStore
{
    /// <summary>
    /// Writes <paramref name="user"/>'s attributes (the phone and email aliases follow them: <see cref="User.PhoneKey"/>,
    /// <see cref="User.EmailKey"/>) if its
    /// <see cref="User.Version"/> is still current, saves <paramref name="codes"/> (replacing earlier ones for the same
    /// attribute) and queues <paramref name="messages"/>. An UNCONFIRMED user holding a new alias is removed; a
    /// CONFIRMED one makes the write fail.
    /// </summary>
    ValueTask<AttributeWriteOutcome> WriteAttributesAsync(
        User user, IReadOnlyList<StoredCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the attribute of the user with this sub verified, after its code was consumed
    /// (<see cref="IOneTimeCodeStore.ConsumeAsync"/>), first setting <paramref name="pendingValue"/> as its value.
    /// </summary>
    ValueTask<AttributeWriteOutcome> VerifyAttributeAsync(
        string poolId, string usernameKey, string sub, string attribute, string? pendingValue, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// In a pool with <c>AliasAttributes</c>: sets <paramref name="value"/> (the one the code proved) as the attribute's
    /// verified value and <paramref name="aliasKey"/> as its alias (null: the attribute is no alias there). An UNCONFIRMED
    /// holder of the alias is removed; a CONFIRMED one keeps it and the write fails.
    /// </summary>
    ValueTask<AttributeWriteOutcome> VerifyAliasAsync(
        string poolId, string usernameKey, string sub, string attribute, string value, string? aliasKey, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Enables or disables the user; disabling revokes every refresh token of the user. False if there is no such user.</summary>
    ValueTask<bool> SetEnabledAsync(string poolId, string usernameKey, bool enabled, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the user with its codes and revokes its tokens. False if there is no such user.</summary>
    ValueTask<bool> DeleteAsync(string poolId, string usernameKey, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes every refresh token of the user, and with them every access token (GlobalSignOut).</summary>
    ValueTask RevokeAllTokensAsync(string poolId, string sub, DateTimeOffset now, CancellationToken cancellationToken);
}
