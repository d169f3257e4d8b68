namespace Sesame.Storage;

/// <summary>Server-side sign-in sessions: each can be taken once.</summary>
internal interface ISignInSessionStore
{
    /// <summary>Saves a session and the messages its challenge sends, in one transaction.</summary>
    ValueTask SaveAsync(AuthSessionRecord session, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>Reads and deletes in one statement, so a session can be answered once, across nodes too.</summary>
    ValueTask<AuthSessionRecord?> TakeAsync(byte[] idHash, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one answer against a session that allows retries, before the answer is checked (so concurrent guesses
    /// cannot exceed the cap), and returns it with the count including this answer; null when there is none.
    /// </summary>
    ValueTask<AuthSessionRecord?> CountAttemptAsync(byte[] idHash, CancellationToken cancellationToken);

    /// <summary>Deletes a session; false when it was already gone (another answer consumed it first).</summary>
    ValueTask<bool> DeleteAsync(byte[] idHash, CancellationToken cancellationToken);
}
