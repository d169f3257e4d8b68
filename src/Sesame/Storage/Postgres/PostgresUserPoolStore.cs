using Sesame.Secrets;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresUserPoolStore(PostgresDatabase database, ServerSecrets secrets) : IUserPoolStore
{
    private readonly StoredPoolSettings _settings = new(secrets);

    public async ValueTask<(IReadOnlyList<UserPoolRecord> Pools, IReadOnlyList<AppClientRecord> Clients)> LoadAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            var pools = new List<UserPoolRecord>();
            await using (var command = connection.Command(PostgresDatabase.Sql.LoadPools))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    pools.Add(new UserPoolRecord(reader.GetString(0), StoredPoolSettings.ReadPool(reader.GetString(1)), reader.GetTime(2), reader.GetTime(3)));
                }
            }

            var clients = new List<AppClientRecord>();
            await using (var command = connection.Command(PostgresDatabase.Sql.LoadClients))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    clients.Add(new AppClientRecord(reader.GetString(0), reader.GetString(1), _settings.ReadClient(reader.GetString(2), reader.GetString(0)),
                        reader.GetTime(3), reader.GetTime(4)));
                }
            }

            return ((IReadOnlyList<UserPoolRecord>)pools, (IReadOnlyList<AppClientRecord>)clients);
        }, cancellationToken);

    public async ValueTask<bool> AddPoolAsync(UserPoolRecord pool, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.AddPool, transaction)
                .Text("@id", pool.PoolId).Text("@name", pool.Settings.Name).Text("@settings", StoredPoolSettings.Write(pool.Settings))
                .Time("@created", pool.CreatedAt).Time("@modified", pool.ModifiedAt);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<bool> AddClientAsync(AppClientRecord client, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.AddClient, transaction)
                .Text("@id", client.ClientId).Text("@pool", client.PoolId).Text("@name", client.Settings.Name)
                .Text("@settings", _settings.Write(client.Settings, client.ClientId))
                .Time("@created", client.CreatedAt).Time("@modified", client.ModifiedAt);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<bool> UpdatePoolAsync(UserPoolRecord pool, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.UpdatePool, transaction)
                .Text("@id", pool.PoolId).Text("@name", pool.Settings.Name).Text("@settings", StoredPoolSettings.Write(pool.Settings))
                .Time("@modified", pool.ModifiedAt);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<bool> DeletePoolAsync(string poolId, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using (var delete = connection.Command(PostgresDatabase.Sql.DeletePool, transaction).Text("@pool", poolId))
            {
                if (await delete.ExecuteScalarAsync(ct) is null)
                {
                    return false;
                }
            }

            await using var contents = connection.Command(PostgresDatabase.Sql.DeletePoolContents, transaction).Text("@pool", poolId);
            await contents.ExecuteNonQueryAsync(ct);
            return true;
        }, cancellationToken);

    public async ValueTask<bool> UpdateClientAsync(AppClientRecord client, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.UpdateClient, transaction)
                .Text("@id", client.ClientId).Text("@pool", client.PoolId).Text("@name", client.Settings.Name)
                .Text("@settings", _settings.Write(client.Settings, client.ClientId)).Time("@modified", client.ModifiedAt);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<bool> DeleteClientAsync(string poolId, string clientId, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.DeleteClient, transaction).Text("@id", clientId).Text("@pool", poolId);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);
}
