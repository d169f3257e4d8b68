namespace Sesame.Storage;

/// <summary>The durable message queue the dispatcher drains.</summary>
internal interface IOutboxStore
{
    /// <summary>Leases up to <paramref name="max"/> due messages until <paramref name="leaseUntil"/>.</summary>
    ValueTask<IReadOnlyList<ClaimedMessage>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>Marks a message sent and scrubs its payload.</summary>
    ValueTask MarkSentAsync(long id, string provider, string? providerMessageId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or failed for good (payload scrubbed) when null.</summary>
    ValueTask MarkFailedAsync(long id, string provider, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);
}
