namespace Sesame.Storage;

/// <summary>What an administrator sees of one outbox message: never its content, only where it stands.</summary>
internal sealed record MessageStatus(
    long Id, string PoolId, string Channel, string DestinationHint, string Status, int Attempts, string? Provider,
    string? ProviderMessageId, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt);

/// <summary>Which messages to list; null filters match everything.</summary>
internal sealed record MessageStatusQuery(string? PoolId, string? Status, string? DestinationHint, int Limit);

/// <summary>Reads delivery status for administrators.</summary>
internal interface IMessageStatusStore
{
    /// <summary>Matching messages, newest first.</summary>
    ValueTask<IReadOnlyList<MessageStatus>> QueryAsync(MessageStatusQuery query, CancellationToken cancellationToken);
}
