using System.Text.Json;
using System.Text.Json.Serialization;
using Sesame.Configuration;

namespace Sesame.Storage.Sqlite;

[JsonSourceGenerationOptions(WriteIndented = false, UseStringEnumConverter = true)]
[JsonSerializable(typeof(UserPoolOptions))]
[JsonSerializable(typeof(AppClientOptions))]
internal sealed partial class UserPoolStorageJsonContext : JsonSerializerContext;

internal sealed class SqliteUserPoolStore(SqliteDatabase database) : IUserPoolStore
{
    public async ValueTask<(IReadOnlyList<UserPoolRecord> Pools, IReadOnlyList<AppClientRecord> Clients)> LoadAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            var pools = new List<UserPoolRecord>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT pool_id, settings, created_at, modified_at FROM user_pools ORDER BY created_at, pool_id";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    pools.Add(new UserPoolRecord(reader.GetString(0),
                        JsonSerializer.Deserialize(reader.GetString(1), UserPoolStorageJsonContext.Default.UserPoolOptions)!,
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
                }
            }

            var clients = new List<AppClientRecord>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT client_id, pool_id, settings, created_at, modified_at FROM user_pool_clients ORDER BY created_at, client_id";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    clients.Add(new AppClientRecord(reader.GetString(0), reader.GetString(1),
                        JsonSerializer.Deserialize(reader.GetString(2), UserPoolStorageJsonContext.Default.AppClientOptions)!,
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
            command.CommandText = """
                INSERT INTO user_pools (pool_id, name, settings, created_at, modified_at) VALUES ($id, $name, $settings, $created, $modified)
                ON CONFLICT (pool_id) DO NOTHING
                """;
            command.Parameters.AddWithValue("$id", pool.PoolId);
            command.Parameters.AddWithValue("$name", pool.Settings.Name);
            command.Parameters.AddWithValue("$settings", JsonSerializer.Serialize(pool.Settings, UserPoolStorageJsonContext.Default.UserPoolOptions));
            command.Parameters.AddWithValue("$created", pool.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$modified", pool.ModifiedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<bool> AddClientAsync(AppClientRecord client, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO user_pool_clients (client_id, pool_id, name, settings, created_at, modified_at)
                VALUES ($id, $pool, $name, $settings, $created, $modified)
                ON CONFLICT (client_id) DO NOTHING
                """;
            command.Parameters.AddWithValue("$id", client.ClientId);
            command.Parameters.AddWithValue("$pool", client.PoolId);
            command.Parameters.AddWithValue("$name", client.Settings.Name);
            command.Parameters.AddWithValue("$settings", JsonSerializer.Serialize(client.Settings, UserPoolStorageJsonContext.Default.AppClientOptions));
            command.Parameters.AddWithValue("$created", client.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$modified", client.ModifiedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
