using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteSigningKeyStore(SqliteDatabase database) : ISigningKeyStore, IServerSecretStore, IStorageHealth
{
    public async ValueTask<IReadOnlyList<SigningKeyRecord>> ListAsync(string poolId, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => List(connection, null, SqliteDatabase.Sql.ListSigningKeys, poolId), cancellationToken);

    public async ValueTask<IReadOnlyList<SigningKeyRecord>> ListAllAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => List(connection, null, SqliteDatabase.Sql.ListAllSigningKeys, null), cancellationToken);

    public async ValueTask<IReadOnlyList<SigningKeyRecord>> AddIfMissingAsync(SigningKeyRecord key, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            // The UNIQUE index on (pool_id, purpose, generation) decides, not a read before the write: nodes starting (or
            // rotating) together all come away with the one key that was stored first.
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.AddSigningKeyIfMissing;
            command.Parameters.AddWithValue("@pool", key.PoolId);
            command.Parameters.AddWithValue("@kid", key.Kid);
            command.Parameters.AddWithValue("@purpose", key.Purpose);
            command.Parameters.AddWithValue("@key", key.EncryptedPrivateKey);
            command.Parameters.AddWithValue("@created", key.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@generation", key.Generation);
            command.Parameters.AddWithValue("@activates", key.ActivatesAt.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            return List(connection, transaction, SqliteDatabase.Sql.ListSigningKeys, key.PoolId);
        }, cancellationToken);

    public async ValueTask<byte[]> GetOrAddAsync(string name, byte[] value, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = SqliteDatabase.Sql.AddServerSecretIfMissing;
                insert.Parameters.AddWithValue("@name", name);
                insert.Parameters.AddWithValue("@value", value);
                insert.Parameters.AddWithValue("@created", now.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
            }

            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = SqliteDatabase.Sql.ReadServerSecret;
            read.Parameters.AddWithValue("@name", name);
            return (byte[])read.ExecuteScalar()!;
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

    private static List<SigningKeyRecord> List(SqliteConnection connection, SqliteTransaction? transaction, string sql, string? poolId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (poolId is not null)
        {
            command.Parameters.AddWithValue("@pool", poolId);
        }

        using var reader = command.ExecuteReader();
        var keys = new List<SigningKeyRecord>();
        while (reader.Read())
        {
            keys.Add(new SigningKeyRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), (byte[])reader[3],
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetInt32(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return keys;
    }
}
