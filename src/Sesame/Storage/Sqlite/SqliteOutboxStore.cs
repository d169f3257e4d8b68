using Microsoft.Data.Sqlite;
using Sesame.Cognito;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteOutboxStore(SqliteDatabase database) : IOutboxStore
{
    /// <summary>Queues a message inside the caller's transaction: it exists exactly when the state that needs it does.</summary>
    public static void Enqueue(SqliteConnection connection, SqliteTransaction transaction, OutboxMessage message)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteDatabase.Sql.Enqueue;
        command.Parameters.AddWithValue("@pool", message.PoolId);
        command.Parameters.AddWithValue("@channel", message.Channel == MessageChannel.Sms ? DeliveryMedium.Sms : DeliveryMedium.Email);
        command.Parameters.AddWithValue("@hint", message.DestinationHint);
        command.Parameters.AddWithValue("@payload", message.Payload);
        command.Parameters.AddWithValue("@status", message.Status);
        command.Parameters.AddWithValue("@now", message.CreatedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    public async ValueTask<IReadOnlyList<ClaimedMessage>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        await database.WriteAsync<IReadOnlyList<ClaimedMessage>>((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.ClaimOutbox;
            command.Parameters.AddWithValue("@lease", leaseUntil.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@max", max);
            using var reader = command.ExecuteReader();
            var claimed = new List<ClaimedMessage>();
            while (reader.Read())
            {
                claimed.Add(new ClaimedMessage(
                    reader.GetInt64(0),
                    reader.GetString(1) == DeliveryMedium.Sms ? MessageChannel.Sms : MessageChannel.Email,
                    reader.GetString(2),
                    reader.GetString(3),
                    (byte[])reader[4],
                    reader.GetInt32(5),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
            }

            claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
            return claimed;
        }, cancellationToken);

    public async ValueTask MarkSentAsync(long id, string provider, string? providerMessageId, int calls, DateTimeOffset now, string? route, double? cost, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.MarkSent;
            command.Parameters.AddWithValue("@id", id);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@provider", provider);
            command.Parameters.AddWithValue("@messageId", (object?)providerMessageId ?? DBNull.Value);
            command.Parameters.AddWithValue("@calls", calls);
            command.Parameters.AddWithValue("@route", (object?)route ?? DBNull.Value);
            command.Parameters.AddWithValue("@cost", (object?)cost ?? DBNull.Value);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public async ValueTask MarkFailedAsync(long id, string provider, string error, int calls, DateTimeOffset? retryAt, string? route, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = retryAt is null ? SqliteDatabase.Sql.MarkFailedForGood : SqliteDatabase.Sql.MarkFailedForRetry;
            command.Parameters.AddWithValue("@id", id);
            command.Parameters.AddWithValue("@provider", provider);
            command.Parameters.AddWithValue("@error", error.Length > 500 ? error[..500] : error);
            command.Parameters.AddWithValue("@retry", retryAt?.ToUnixTimeMilliseconds() ?? 0);
            command.Parameters.AddWithValue("@calls", calls);
            command.Parameters.AddWithValue("@route", (object?)route ?? DBNull.Value);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public async ValueTask<bool> RecordReceiptAsync(
        string provider, string providerMessageId, bool delivered, string? reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.RecordReceipt;
            command.Parameters.AddWithValue("@provider", provider);
            command.Parameters.AddWithValue("@messageId", providerMessageId);
            command.Parameters.AddWithValue("@status", delivered ? "delivered" : "failed");
            command.Parameters.AddWithValue("@deliveredAt", delivered ? at.ToUnixTimeMilliseconds() : (object)DBNull.Value);
            command.Parameters.AddWithValue("@reason", (object?)reason ?? DBNull.Value);
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken);

    public async ValueTask ReleaseAsync(long id, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.ReleaseMessage;
            command.Parameters.AddWithValue("@id", id);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public async ValueTask<int> RetryNowAsync(long? id, string? poolId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.RetryMessagesNow;
            command.Parameters.AddWithValue("@id", (object?)id ?? DBNull.Value);
            command.Parameters.AddWithValue("@pool", (object?)poolId ?? DBNull.Value);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public async ValueTask<int> SweepDecoysAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.SweepDecoys;
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken);
}
