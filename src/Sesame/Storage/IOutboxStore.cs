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

    /// <summary>Gives a claimed, unsent message back at once (graceful shutdown), so the next dispatcher need not wait for the lease.</summary>
    ValueTask ReleaseAsync(long id, CancellationToken cancellationToken);
}
