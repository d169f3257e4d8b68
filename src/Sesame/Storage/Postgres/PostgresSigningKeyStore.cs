using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresSigningKeyStore(PostgresDatabase database) : ISigningKeyStore
{
    public async ValueTask<IReadOnlyList<SigningKeyRecord>> ListAsync(string poolId, CancellationToken cancellationToken) =>
        await database.ReadAsync((connection, ct) => ListAsync(connection, null, poolId, ct), cancellationToken);

    public async ValueTask<IReadOnlyList<SigningKeyRecord>> AddIfMissingAsync(SigningKeyRecord key, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            // The UNIQUE index on (pool_id, purpose) decides: a node whose insert meets another's key waits for it to
            // commit, inserts nothing, and then lists the key that was stored first.
            await using (var command = connection.Command(PostgresDatabase.Sql.AddSigningKeyIfMissing, transaction)
                .Text("@pool", key.PoolId).Text("@kid", key.Kid).Text("@purpose", key.Purpose).Bytes("@key", key.EncryptedPrivateKey)
                .Time("@created", key.CreatedAt))
            {
                await command.ExecuteNonQueryAsync(ct);
            }

            return await ListAsync(connection, transaction, key.PoolId, ct);
        }, cancellationToken);

    private static async Task<IReadOnlyList<SigningKeyRecord>> ListAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string poolId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(PostgresDatabase.Sql.ListSigningKeys, transaction).Text("@pool", poolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<SigningKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new SigningKeyRecord(poolId, reader.GetString(0), reader.GetString(1), reader.GetBlob(2), reader.GetTime(3)));
        }

        return keys;
    }
}
