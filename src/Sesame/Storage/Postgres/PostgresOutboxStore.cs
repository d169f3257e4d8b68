using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresOutboxStore(PostgresDatabase database) : IOutboxStore
{
    /// <summary>Queues a message inside the caller's transaction: it exists exactly when the state that needs it does.</summary>
    public static async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxMessage message, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(PostgresDatabase.Sql.Enqueue, transaction)
            .Text("@pool", message.PoolId)
            .Text("@channel", message.Channel == MessageChannel.Sms ? "SMS" : "EMAIL")
            .Text("@hint", message.DestinationHint)
            .Bytes("@payload", message.Payload)
            .Text("@status", message.Status)
            .Time("@now", message.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await EnqueueAsync(connection, transaction, message, cancellationToken);
        }
    }

    /// <summary>One statement: <c>FOR UPDATE SKIP LOCKED</c> lets dispatchers on every node claim side by side, never the same message.</summary>
    public async ValueTask<IReadOnlyList<ClaimedMessage>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        await database.WriteAsync<IReadOnlyList<ClaimedMessage>>(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.ClaimOutbox, transaction)
                .Time("@lease", leaseUntil).Time("@now", now).Int("@max", max);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var claimed = new List<ClaimedMessage>();
            while (await reader.ReadAsync(ct))
            {
                claimed.Add(new ClaimedMessage(
                    reader.GetInt64(0),
                    reader.GetString(1) == "SMS" ? MessageChannel.Sms : MessageChannel.Email,
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetBlob(4),
                    reader.GetInt32(5),
                    reader.GetTime(6)));
            }

            claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
            return claimed;
        }, cancellationToken);

    public async ValueTask MarkSentAsync(long id, string provider, string? providerMessageId, int calls, DateTimeOffset now, string? route, double? cost, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.MarkSent, transaction)
                .Long("@id", id).Time("@now", now).Text("@provider", provider).Text("@messageId", providerMessageId).Int("@calls", calls)
                .Text("@route", route).Double("@cost", cost);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async ValueTask MarkFailedAsync(long id, string provider, string error, int calls, DateTimeOffset? retryAt, string? route, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            var sql = retryAt is null ? PostgresDatabase.Sql.MarkFailedForGood : PostgresDatabase.Sql.MarkFailedForRetry;
            await using var command = connection.Command(sql, transaction)
                .Long("@id", id).Text("@provider", provider).Text("@error", error.Length > 500 ? error[..500] : error).Int("@calls", calls)
                .Text("@route", route);
            if (retryAt is { } retry)
            {
                command.Time("@retry", retry);
            }

            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async ValueTask<bool> RecordReceiptAsync(
        string provider, string providerMessageId, bool delivered, string? reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.RecordReceipt, transaction)
                .Text("@provider", provider).Text("@messageId", providerMessageId).Text("@status", delivered ? "delivered" : "failed")
                .Text("@reason", reason);
            command.Parameters.Add(new NpgsqlParameter("@deliveredAt", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = delivered ? at.ToUnixTimeMilliseconds() : (object)DBNull.Value });
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);

    public async ValueTask ReleaseAsync(long id, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.ReleaseMessage, transaction).Long("@id", id);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async ValueTask<int> RetryNowAsync(long? id, string? poolId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.RetryMessagesNow, transaction)
                .Text("@pool", poolId).Time("@now", now);
            command.Parameters.Add(new Npgsql.NpgsqlParameter("@id", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)id ?? DBNull.Value });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async ValueTask<int> SweepDecoysAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.SweepDecoys, transaction).Time("@now", now);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
