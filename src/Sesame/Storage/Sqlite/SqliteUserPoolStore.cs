using Sesame.Secrets;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteUserPoolStore(SqliteDatabase database, ServerSecrets secrets) : IUserPoolStore
{
    private readonly StoredPoolSettings _settings = new(secrets);

    public async ValueTask<(IReadOnlyList<UserPoolRecord> Pools, IReadOnlyList<AppClientRecord> Clients)> LoadAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            var pools = new List<UserPoolRecord>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = SqliteDatabase.Sql.LoadPools;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    pools.Add(new UserPoolRecord(reader.GetString(0), StoredPoolSettings.ReadPool(reader.GetString(1)),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
                }
            }

            var clients = new List<AppClientRecord>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = SqliteDatabase.Sql.LoadClients;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    clients.Add(new AppClientRecord(reader.GetString(0), reader.GetString(1), _settings.ReadClient(reader.GetString(2), reader.GetString(0)),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
                }
            }

            return ((IReadOnlyList<UserPoolRecord>)pools, (IReadOnlyList<AppClientRecord>)clients);
        }, cancellationToken);

    public async ValueTask<bool> AddPoolAsync(UserPoolRecord pool, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.AddPool;
            command.Parameters.AddWithValue("@id", pool.PoolId);
            command.Parameters.AddWithValue("@name", pool.Settings.Name);
            command.Parameters.AddWithValue("@settings", StoredPoolSettings.Write(pool.Settings));
            command.Parameters.AddWithValue("@created", pool.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@modified", pool.ModifiedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<bool> AddClientAsync(AppClientRecord client, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.AddClient;
            command.Parameters.AddWithValue("@id", client.ClientId);
            command.Parameters.AddWithValue("@pool", client.PoolId);
            command.Parameters.AddWithValue("@name", client.Settings.Name);
            command.Parameters.AddWithValue("@settings", _settings.Write(client.Settings, client.ClientId));
            command.Parameters.AddWithValue("@created", client.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@modified", client.ModifiedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<bool> UpdatePoolAsync(UserPoolRecord pool, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.UpdatePool;
            command.Parameters.AddWithValue("@id", pool.PoolId);
            command.Parameters.AddWithValue("@name", pool.Settings.Name);
            command.Parameters.AddWithValue("@settings", StoredPoolSettings.Write(pool.Settings));
            command.Parameters.AddWithValue("@modified", pool.ModifiedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<bool> DeletePoolAsync(string poolId, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using (var delete = connection.CreateCommand())
            {
                delete.Transaction = transaction;
                delete.CommandText = SqliteDatabase.Sql.DeletePool;
                delete.Parameters.AddWithValue("@pool", poolId);
                if (delete.ExecuteScalar() is null)
                {
                    return false;
                }
            }

            using var contents = connection.CreateCommand();
            contents.Transaction = transaction;
            contents.CommandText = SqliteDatabase.Sql.DeletePoolContents;
            contents.Parameters.AddWithValue("@pool", poolId);
            contents.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public async ValueTask<bool> UpdateClientAsync(AppClientRecord client, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.UpdateClient;
            command.Parameters.AddWithValue("@id", client.ClientId);
            command.Parameters.AddWithValue("@pool", client.PoolId);
            command.Parameters.AddWithValue("@name", client.Settings.Name);
            command.Parameters.AddWithValue("@settings", _settings.Write(client.Settings, client.ClientId));
            command.Parameters.AddWithValue("@modified", client.ModifiedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<bool> DeleteClientAsync(string poolId, string clientId, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.DeleteClient;
            command.Parameters.AddWithValue("@id", clientId);
            command.Parameters.AddWithValue("@pool", poolId);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
