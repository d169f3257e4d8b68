using Sesame.Users;

namespace Sesame.Storage;

/// <summary>Users and their pending verification codes.</summary>
internal interface IUserStore
{
    /// <summary>Finds a user by username, phone number or email (the login is matched by <see cref="Logins.Key"/>).</summary>
    ValueTask<User?> FindAsync(string poolId, string login, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a user with its confirmation code and the message that carries it, in one transaction. An UNCONFIRMED
    /// user holding the same username, phone number or email is replaced (abandoned sign-ups never block anyone);
    /// a CONFIRMED one makes the creation fail with nothing written.
    /// </summary>
    ValueTask<CreateUserOutcome> CreateAsync(User user, VerificationCode? code, OutboxMessage? message, CancellationToken cancellationToken);

    /// <summary>Replaces a user's code for <paramref name="code"/>'s purpose and queues its message, in one transaction.</summary>
    ValueTask SaveCodeAsync(VerificationCode code, OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one answer against a code before it is compared (so concurrent guesses cannot exceed the cap) and returns
    /// the code as it stood, with <see cref="VerificationCode.Attempts"/> including this answer; null when there is none.
    /// </summary>
    ValueTask<VerificationCode?> CountAttemptAsync(string poolId, string usernameKey, string purpose, CancellationToken cancellationToken);

    /// <summary>
    /// Consumes the code (once: false when another answer consumed it first) and confirms the user, marking the code's
    /// attribute verified, in one transaction.
    /// </summary>
    ValueTask<bool> ConfirmAsync(string poolId, string usernameKey, string purpose, DateTimeOffset now, CancellationToken cancellationToken);
}
