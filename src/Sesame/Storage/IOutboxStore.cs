namespace Sesame.Storage;

/// <summary>The durable message queue the dispatcher drains.</summary>
internal interface IOutboxStore
{
    /// <summary>Leases up to <paramref name="max"/> due messages until <paramref name="leaseUntil"/>.</summary>
    ValueTask<IReadOnlyList<ClaimedMessage>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a message sent after <paramref name="calls"/> provider calls and scrubs its payload, with the route it took
    /// and what it cost there.
    /// </summary>
    ValueTask MarkSentAsync(long id, string provider, string? providerMessageId, int calls, DateTimeOffset now, string? route, double? cost, CancellationToken cancellationToken);

    /// <summary>Records failed calls: retried at <paramref name="retryAt"/>, or failed for good (payload scrubbed) when null.</summary>
    ValueTask MarkFailedAsync(long id, string provider, string error, int calls, DateTimeOffset? retryAt, string? route, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a provider's delivery receipt to the message it sent under <paramref name="providerMessageId"/>: a
    /// <c>sent</c> message becomes <c>delivered</c> or <c>failed</c> (with <paramref name="reason"/>). Only a sent message
    /// changes, so a repeated or late receipt changes nothing; false when nothing changed.
    /// </summary>
    ValueTask<bool> RecordReceiptAsync(string provider, string providerMessageId, bool delivered, string? reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Gives a claimed, unsent message back at once (graceful shutdown), so the next dispatcher need not wait for the lease.</summary>
    ValueTask ReleaseAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Makes queued messages that wait for a retry due at <paramref name="now"/> (an operator's <c>sesame outbox retry</c>):
    /// one message, or every one of a pool, or every one. A sent or failed message is never queued again (its payload,
    /// the code, is gone). Returns how many were made due.
    /// </summary>
    ValueTask<int> RetryNowAsync(long? id, string? poolId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the decoy rows (<see cref="OutboxMessage.Decoy"/>) written up to <paramref name="now"/>: they are never
    /// claimed, listed or counted, and go like a sent message's payload does, soon after they were written. Returns how many.
    /// </summary>
    ValueTask<int> SweepDecoysAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
