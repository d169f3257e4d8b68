using Sesame.Users;

namespace Sesame.Storage;

/// <summary>Users: finding, creating (with a sign-up's code), confirming.</summary>
internal interface IUserStore
{
    /// <summary>Finds a user by username, phone number or email (the login is matched by <see cref="Logins.Key"/>).</summary>
    ValueTask<User?> FindAsync(string poolId, string login, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a user with its confirmation code and the message that carries it, in one transaction. An UNCONFIRMED
    /// user holding the same username, phone number or email is replaced (abandoned sign-ups never block anyone);
    /// a CONFIRMED one makes the creation fail with nothing written.
    /// </summary>
    ValueTask<CreateUserOutcome> CreateAsync(User user, StoredCode? code, OutboxMessage? message, CancellationToken cancellationToken) =>
        CreateAsync(user, code, message, ifTaken: null, cancellationToken);

    /// <summary>
    /// As above; when a CONFIRMED user holds the phone number or email, the notice of <paramref name="ifTaken"/> for that
    /// attribute is queued instead, in the same transaction (the strict enumeration mode tells the owner rather than the
    /// caller, and both paths write one outbox row in one store call).
    /// </summary>
    ValueTask<CreateUserOutcome> CreateAsync(User user, StoredCode? code, OutboxMessage? message, TakenNotices? ifTaken, CancellationToken cancellationToken) =>
        CreateAsync(user, code, message, ifTaken, moveAliases: false, cancellationToken);

    /// <summary>
    /// As above; with <paramref name="moveAliases"/> (Cognito's <c>ForceAliasCreation</c>, pools with
    /// <c>AliasAttributes</c>) a CONFIRMED user holding the phone number or email alias (<see cref="User.PhoneKey"/>,
    /// <see cref="User.EmailKey"/>) loses it instead of refusing the creation: its value stays, unverified.
    /// </summary>
    ValueTask<CreateUserOutcome> CreateAsync(
        User user, StoredCode? code, OutboxMessage? message, TakenNotices? ifTaken, bool moveAliases, CancellationToken cancellationToken);

    /// <summary>
    /// Confirms the UNCONFIRMED user with this sub and marks <paramref name="attribute"/> verified, after its code was
    /// consumed (<see cref="IOneTimeCodeStore.ConsumeAsync"/>); with <paramref name="attribute"/> null (AdminConfirmSignUp)
    /// nothing is marked verified. False when the user is no longer that UNCONFIRMED user (confirmed meanwhile, deleted, or
    /// replaced by a new sign-up).
    /// </summary>
    ValueTask<bool> ConfirmAsync(string poolId, string usernameKey, string sub, string? attribute, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// ConfirmSignUp in a pool with <c>AliasAttributes</c>: as <see cref="ConfirmAsync"/>, and in the same transaction the
    /// user takes the aliases it has once confirmed (<paramref name="phoneKey"/>, <paramref name="emailKey"/>,
    /// <paramref name="preferredUsernameKey"/>; a preferred username is never moved). A CONFIRMED
    /// holder of one keeps it and nothing is written (<c>PhoneNumberExists</c> / <c>EmailExists</c>), unless
    /// <paramref name="force"/> (<c>ForceAliasCreation</c>) moves it; an UNCONFIRMED holder is removed.
    /// <c>UserChanged</c> when the user is no longer that UNCONFIRMED user.
    /// </summary>
    ValueTask<AttributeWriteOutcome> ConfirmWithAliasesAsync(
        string poolId, string usernameKey, string sub, string attribute, string? phoneKey, string? emailKey, string? preferredUsernameKey, bool force,
        DateTimeOffset now, CancellationToken cancellationToken);
}
