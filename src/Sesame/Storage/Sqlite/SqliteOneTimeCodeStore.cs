using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteOneTimeCodeStore(SqliteDatabase database) : IOneTimeCodeStore
{
    public async ValueTask SaveAsync(StoredCode code, OutboxMessage? message, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            SqliteOneTimeCodes.Save(connection, transaction, code);
            if (message is not null)
            {
                SqliteOutboxStore.Enqueue(connection, transaction, message);
            }

            return true;
        }, cancellationToken);

    public async ValueTask<StoredCode?> FindAsync(OneTimeCodeKey key, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.FindOneTimeCode;
            return SqliteOneTimeCodes.ReadOne(command, key);
        }, cancellationToken);

    public async ValueTask<StoredCode?> CountAttemptAsync(OneTimeCodeKey key, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.CountOneTimeCodeAttempt;
            return SqliteOneTimeCodes.ReadOne(command, key);
        }, cancellationToken);

    public async ValueTask<StoredCode?> ConsumeAsync(OneTimeCodeKey key, byte[] mac, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.ConsumeOneTimeCode;
            command.Parameters.AddWithValue("@mac", mac);
            return SqliteOneTimeCodes.ReadOne(command, key);
        }, cancellationToken);
}

/// <summary>The <c>one_time_codes</c> table, for the stores that write a code in the transaction of their own change.</summary>
internal static class SqliteOneTimeCodes
{
    /// <summary>Inserts the code, or replaces the subject's code of the same purpose (its count starts again).</summary>
    public static void Save(SqliteConnection connection, SqliteTransaction transaction, StoredCode stored)
    {
        var code = stored.Code;
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteDatabase.Sql.SaveOneTimeCode;
        AddKey(command, stored.Key);
        command.Parameters.AddWithValue("@nonce", code.Nonce);
        command.Parameters.AddWithValue("@mac", code.Mac);
        command.Parameters.AddWithValue("@expires", code.ExpiresAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@attempts", code.Attempts);
        command.Parameters.AddWithValue("@max", code.MaxAttempts);
        command.Parameters.AddWithValue("@attribute", stored.Attribute);
        command.Parameters.AddWithValue("@pending", (object?)stored.PendingValue ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>Deletes every code of a user (deletion, or replacing an abandoned sign-up).</summary>
    public static void DeleteAll(SqliteConnection connection, SqliteTransaction transaction, string poolId, string subject)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteDatabase.Sql.DeleteUserCodes;
        command.Parameters.AddWithValue("@pool", poolId);
        command.Parameters.AddWithValue("@subject", subject);
        command.ExecuteNonQuery();
    }

    public static StoredCode? ReadOne(SqliteCommand command, OneTimeCodeKey key)
    {
        AddKey(command, key);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new StoredCode(
                key,
                new OneTimeCode(reader.GetString(0), (byte[])reader[1], DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    reader.GetInt32(3), reader.GetInt32(4)),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6))
            : null;
    }

    private static void AddKey(SqliteCommand command, OneTimeCodeKey key)
    {
        command.Parameters.AddWithValue("@pool", key.PoolId);
        command.Parameters.AddWithValue("@subject", key.Subject);
        command.Parameters.AddWithValue("@purpose", key.Purpose);
    }
}
