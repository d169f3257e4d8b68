using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresSigningKeyStore(PostgresDatabase database) : ISigningKeyStore, IServerSecretStore
{
    public async ValueTask<IReadOnlyList<SigningKeyRecord>> ListAsync(string poolId, CancellationToken cancellationToken) =>
        await database.ReadAsync((connection, ct) => ListAsync(connection, null, PostgresDatabase.Sql.ListSigningKeys, poolId, ct), cancellationToken);

    public async ValueTask<IReadOnlyList<SigningKeyRecord>> ListAllAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync((connection, ct) => ListAsync(connection, null, PostgresDatabase.Sql.ListAllSigningKeys, null, ct), cancellationToken);

    public async ValueTask<IReadOnlyList<SigningKeyRecord>> AddIfMissingAsync(SigningKeyRecord key, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            // The UNIQUE index on (pool_id, purpose, generation) decides: a node whose insert meets another's key waits
            // for it to commit, inserts nothing, and then lists the key that was stored first.
            await using (var command = connection.Command(PostgresDatabase.Sql.AddSigningKeyIfMissing, transaction)
                .Text("@pool", key.PoolId).Text("@kid", key.Kid).Text("@purpose", key.Purpose).Bytes("@key", key.EncryptedPrivateKey)
                .Time("@created", key.CreatedAt).Int("@generation", key.Generation).Time("@activates", key.ActivatesAt))
            {
                await command.ExecuteNonQueryAsync(ct);
            }

            return await ListAsync(connection, transaction, PostgresDatabase.Sql.ListSigningKeys, key.PoolId, ct);
        }, cancellationToken);

    public async ValueTask<byte[]> GetOrAddAsync(string name, byte[] value, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using (var insert = connection.Command(PostgresDatabase.Sql.AddServerSecretIfMissing, transaction)
                .Text("@name", name).Bytes("@value", value).Time("@created", now))
            {
                await insert.ExecuteNonQueryAsync(ct);
            }

            await using var read = connection.Command(PostgresDatabase.Sql.ReadServerSecret, transaction).Text("@name", name);
            return (byte[])(await read.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    private static async Task<IReadOnlyList<SigningKeyRecord>> ListAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, string? poolId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(sql, transaction);
        if (poolId is not null)
        {
            command.Text("@pool", poolId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<SigningKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new SigningKeyRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBlob(3), reader.GetTime(4),
                reader.GetInt32(5), reader.GetTime(6)));
        }

        return keys;
    }
}
