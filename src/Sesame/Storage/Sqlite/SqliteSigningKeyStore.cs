using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteSigningKeyStore(SqliteDatabase database) : ISigningKeyStore, IStorageHealth
{
    public async ValueTask<IReadOnlyList<SigningKeyRecord>> ListAsync(string poolId, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => List(connection, null, poolId), cancellationToken);

    public async ValueTask<IReadOnlyList<SigningKeyRecord>> AddIfMissingAsync(SigningKeyRecord key, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            // The UNIQUE index on (pool_id, purpose) decides, not a read before the write: nodes starting together all
            // come away with the one key that was stored first.
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.AddSigningKeyIfMissing;
            command.Parameters.AddWithValue("@pool", key.PoolId);
            command.Parameters.AddWithValue("@kid", key.Kid);
            command.Parameters.AddWithValue("@purpose", key.Purpose);
            command.Parameters.AddWithValue("@key", key.EncryptedPrivateKey);
            command.Parameters.AddWithValue("@created", key.CreatedAt.ToUnixTimeMilliseconds());
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
                command.CommandText = SqliteDatabase.Sql.Ping;
                return (long)command.ExecuteScalar()! == 1;
            }, cancellationToken);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private static readonly int LatestSchema = SchemaScripts.Latest("Sesame.Storage.Sqlite.Schema.");

    public async ValueTask<bool> SchemaCurrentAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await database.ReadAsync(connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = SqliteDatabase.Sql.SchemaVersion;
                return (long)command.ExecuteScalar()! >= LatestSchema;
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
        command.CommandText = SqliteDatabase.Sql.ListSigningKeys;
        command.Parameters.AddWithValue("@pool", poolId);
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
