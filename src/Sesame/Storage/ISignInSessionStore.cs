namespace Sesame.Storage;

/// <summary>Server-side auth sessions: each can be taken once.</summary>
internal interface ISignInSessionStore
{
    /// <summary>Saves a session and the messages its challenge sends, in one transaction.</summary>
    ValueTask SaveAsync(AuthSessionRecord session, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>Reads and deletes in one statement, so a session can be answered once, across nodes too.</summary>
    ValueTask<AuthSessionRecord?> TakeAsync(byte[] idHash, CancellationToken cancellationToken);
}
