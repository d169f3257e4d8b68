namespace Sesame.Storage;

/// <summary>
/// One one-time code, as every use of codes keeps it (sign-up confirmation, attribute verification, sign-in): never the
/// code itself, only the nonce and the keyed MAC that binds it to purpose, pool, user and expiry, and the answers
/// counted against it.
/// </summary>
/// <param name="Attempts">Answers counted so far, including the one being checked.</param>
/// <param name="MaxAttempts">Answers allowed; past them even the right code is refused.</param>
internal sealed record OneTimeCode(string Nonce, byte[] Mac, DateTimeOffset ExpiresAt, int Attempts, int MaxAttempts);

/// <summary>Which stored code: a user has at most one per purpose in a pool, and issuing again replaces it.</summary>
/// <param name="Purpose">What the code proves, e.g. <c>signup</c> or <c>verify:email</c>; a code of one purpose never answers another.</param>
/// <param name="Subject">The user's username key (<c>Logins.UsernameKey</c>).</param>
internal sealed record OneTimeCodeKey(string PoolId, string Purpose, string Subject);

/// <summary>A code kept in the store until it is answered, with what a right answer proves.</summary>
/// <param name="Attribute"><c>phone_number</c> or <c>email</c>: where the code went, and what a right answer marks verified.</param>
/// <param name="PendingValue">A new value of <paramref name="Attribute"/> that takes effect only once verified; null to verify the current value.</param>
internal sealed record StoredCode(OneTimeCodeKey Key, OneTimeCode Code, string Attribute, string? PendingValue = null);

/// <summary>
/// The one table of pending one-time codes. Counting an answer is one statement that returns the count including this
/// answer, so concurrent answers each see a distinct count and never more than the cap are compared; consuming is one
/// <c>DELETE … RETURNING</c>, so of concurrent right answers exactly one consumes the code.
/// </summary>
internal interface IOneTimeCodeStore
{
    /// <summary>
    /// Saves a code, replacing the user's earlier code of the same purpose (so a re-sent code voids the old one), and
    /// queues the message that carries it, in one transaction.
    /// </summary>
    ValueTask SaveAsync(StoredCode code, OutboxMessage? message, CancellationToken cancellationToken);

    /// <summary>The code as it stands, nothing counted; null when there is none.</summary>
    ValueTask<StoredCode?> FindAsync(OneTimeCodeKey key, CancellationToken cancellationToken);

    /// <summary>Counts one answer and returns the code with <see cref="OneTimeCode.Attempts"/> including it; null when there is none.</summary>
    ValueTask<StoredCode?> CountAttemptAsync(OneTimeCodeKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the code if it is still the one whose MAC is <paramref name="mac"/>, and returns it; null when another
    /// answer consumed it first or a new code replaced it.
    /// </summary>
    ValueTask<StoredCode?> ConsumeAsync(OneTimeCodeKey key, byte[] mac, CancellationToken cancellationToken);
}
