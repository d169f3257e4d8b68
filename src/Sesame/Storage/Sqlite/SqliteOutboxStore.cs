using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteOutboxStore(SqliteDatabase database) : IOutboxStore
{
    /// <summary>Queues a message inside the caller's transaction: it exists exactly when the state that needs it does.</summary>
    public static void Enqueue(SqliteConnection connection, SqliteTransaction transaction, OutboxMessage message)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO outbox (pool_id, channel, destination_hint, payload, status, attempts, next_attempt_at, created_at)
            VALUES ($pool, $channel, $hint, $payload, 'queued', 0, $now, $now)
            """;
        command.Parameters.AddWithValue("$pool", message.PoolId);
        command.Parameters.AddWithValue("$channel", message.Channel == MessageChannel.Sms ? "SMS" : "EMAIL");
        command.Parameters.AddWithValue("$hint", message.DestinationHint);
        command.Parameters.AddWithValue("$payload", message.Payload);
        command.Parameters.AddWithValue("$now", message.CreatedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    public async ValueTask<IReadOnlyList<ClaimedMessage>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        await database.WriteAsync<IReadOnlyList<ClaimedMessage>>((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE outbox SET lease_until = $lease
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE status = 'queued' AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
                    ORDER BY id LIMIT $max)
                RETURNING id, channel, pool_id, destination_hint, payload, attempts, created_at
                """;
            command.Parameters.AddWithValue("$lease", leaseUntil.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            var claimed = new List<ClaimedMessage>();
            while (reader.Read())
            {
                claimed.Add(new ClaimedMessage(
                    reader.GetInt64(0),
                    reader.GetString(1) == "SMS" ? MessageChannel.Sms : MessageChannel.Email,
                    reader.GetString(2),
                    reader.GetString(3),
                    (byte[])reader[4],
                    reader.GetInt32(5),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
            }

            claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
            return claimed;
        }, cancellationToken);

    public async ValueTask MarkSentAsync(long id, string provider, string? providerMessageId, int calls, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE outbox SET status = 'sent', payload = NULL, lease_until = NULL, attempts = attempts + $calls,
                    sent_at = $now, provider = $provider, provider_message_id = $messageId, last_error = NULL
                WHERE id = $id
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$provider", provider);
            command.Parameters.AddWithValue("$messageId", (object?)providerMessageId ?? DBNull.Value);
            command.Parameters.AddWithValue("$calls", calls);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public async ValueTask MarkFailedAsync(long id, string provider, string error, int calls, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = retryAt is null
                ? """
                  UPDATE outbox SET status = 'failed', payload = NULL, lease_until = NULL, attempts = attempts + $calls,
                      provider = $provider, last_error = $error
                  WHERE id = $id
                  """
                : """
                  UPDATE outbox SET lease_until = NULL, attempts = attempts + $calls, next_attempt_at = $retry,
                      provider = $provider, last_error = $error
                  WHERE id = $id
                  """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$provider", provider);
            command.Parameters.AddWithValue("$error", error.Length > 500 ? error[..500] : error);
            command.Parameters.AddWithValue("$retry", retryAt?.ToUnixTimeMilliseconds() ?? 0);
            command.Parameters.AddWithValue("$calls", calls);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public async ValueTask ReleaseAsync(long id, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE outbox SET lease_until = NULL WHERE id = $id AND status = 'queued'";
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery();
        }, cancellationToken);
}
