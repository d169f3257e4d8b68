using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteSigningKeyStore(SqliteDatabase database) : ISigningKeyStore, IStorageHealth
{
    public async ValueTask<IReadOnlyList<SigningKeyRecord>> ListAsync(string poolId, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => List(connection, null, poolId), cancellationToken);

    public async ValueTask<IReadOnlyList<SigningKeyRecord>> AddIfMissingAsync(SigningKeyRecord key, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            var existing = List(connection, transaction, key.PoolId);
            if (existing.Any(k => k.Purpose == key.Purpose))
            {
                return existing;
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO signing_keys (pool_id, kid, purpose, private_key, created_at) VALUES ($pool, $kid, $purpose, $key, $created)
                """;
            command.Parameters.AddWithValue("$pool", key.PoolId);
            command.Parameters.AddWithValue("$kid", key.Kid);
            command.Parameters.AddWithValue("$purpose", key.Purpose);
            command.Parameters.AddWithValue("$key", key.EncryptedPrivateKey);
            command.Parameters.AddWithValue("$created", key.CreatedAt.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            return List(connection, transaction, key.PoolId);
        }, cancellationToken);

    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await database.ReadAsync(connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                return (long)command.ExecuteScalar()! == 1;
            }, cancellationToken);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private static List<SigningKeyRecord> List(SqliteConnection connection, SqliteTransaction? transaction, string poolId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT kid, purpose, private_key, created_at FROM signing_keys WHERE pool_id = $pool ORDER BY created_at";
        command.Parameters.AddWithValue("$pool", poolId);
        using var reader = command.ExecuteReader();
        var keys = new List<SigningKeyRecord>();
        while (reader.Read())
        {
            keys.Add(new SigningKeyRecord(poolId, reader.GetString(0), reader.GetString(1), (byte[])reader[2],
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return keys;
    }
}
