using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresOneTimeCodeStore(PostgresDatabase database) : IOneTimeCodeStore
{
    public async ValueTask SaveAsync(StoredCode code, OutboxMessage? message, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await PostgresOneTimeCodes.SaveAsync(connection, transaction, code, ct);
            if (message is not null)
            {
                await PostgresOutboxStore.EnqueueAsync(connection, transaction, message, ct);
            }

            return true;
        }, cancellationToken);

    public async ValueTask<StoredCode?> FindAsync(OneTimeCodeKey key, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.FindOneTimeCode);
            return await PostgresOneTimeCodes.ReadOneAsync(command, key, ct);
        }, cancellationToken);

    public async ValueTask<StoredCode?> CountAttemptAsync(OneTimeCodeKey key, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.CountOneTimeCodeAttempt, transaction);
            return await PostgresOneTimeCodes.ReadOneAsync(command, key, ct);
        }, cancellationToken);

    public async ValueTask<StoredCode?> ConsumeAsync(OneTimeCodeKey key, byte[] mac, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.ConsumeOneTimeCode, transaction).Bytes("@mac", mac);
            return await PostgresOneTimeCodes.ReadOneAsync(command, key, ct);
        }, cancellationToken);
}

/// <summary>The <c>one_time_codes</c> table, for the stores that write a code in the transaction of their own change.</summary>
internal static class PostgresOneTimeCodes
{
    public static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredCode stored, CancellationToken cancellationToken)
    {
        var code = stored.Code;
        await using var command = connection.Command(PostgresDatabase.Sql.SaveOneTimeCode, transaction)
            .Text("@pool", stored.Key.PoolId).Text("@subject", stored.Key.Subject).Text("@purpose", stored.Key.Purpose)
            .Text("@nonce", code.Nonce).Bytes("@mac", code.Mac).Time("@expires", code.ExpiresAt).Int("@attempts", code.Attempts)
            .Int("@max", code.MaxAttempts).Text("@attribute", stored.Attribute).Text("@pending", stored.PendingValue);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<StoredCode?> ReadOneAsync(NpgsqlCommand command, OneTimeCodeKey key, CancellationToken cancellationToken)
    {
        command.Text("@pool", key.PoolId).Text("@subject", key.Subject).Text("@purpose", key.Purpose);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredCode(
                key,
                new OneTimeCode(reader.GetString(0), reader.GetBlob(1), reader.GetTime(2), reader.GetInt32(3), reader.GetInt32(4)),
                reader.GetString(5),
                reader.GetStringOrNull(6))
            : null;
    }
}
