namespace Sesame.Storage;

/// <summary>What an administrator sees of one outbox message: never its content, only where it stands.</summary>
/// <param name="Route">The route it took (<c>default</c> for the pool's plain failover list).</param>
/// <param name="Cost">What it cost on that route, when the route declares a cost and the message was sent.</param>
/// <param name="DeliveredAt">When the provider reported it delivered (a delivery receipt).</param>
internal sealed record MessageStatus(
    long Id, string PoolId, string Channel, string DestinationHint, string Status, int Attempts, string? Provider,
    string? ProviderMessageId, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt,
    string? Route = null, double? Cost = null, DateTimeOffset? DeliveredAt = null);

/// <summary>Which messages to list; null filters match everything.</summary>
internal sealed record MessageStatusQuery(string? PoolId, string? Status, string? DestinationHint, int Limit, string? Route = null);

/// <summary>Reads delivery status for administrators.</summary>
internal interface IMessageStatusStore
{
    /// <summary>Matching messages, newest first.</summary>
    ValueTask<IReadOnlyList<MessageStatus>> QueryAsync(MessageStatusQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// What a pool's messages accepted by a provider since <paramref name="since"/> cost on their routes (the cost of a
    /// message is recorded only when it is sent), and when the oldest of them was sent; (0, null) when none.
    /// </summary>
    ValueTask<(double Spent, DateTimeOffset? Oldest)> SpentAsync(string poolId, DateTimeOffset since, CancellationToken cancellationToken);
}
