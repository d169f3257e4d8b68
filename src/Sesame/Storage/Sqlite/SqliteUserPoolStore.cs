using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sesame.Configuration;
using Sesame.Secrets;

namespace Sesame.Storage.Sqlite;

[JsonSourceGenerationOptions(WriteIndented = false, UseStringEnumConverter = true)]
[JsonSerializable(typeof(UserPoolOptions))]
[JsonSerializable(typeof(AppClientOptions))]
internal sealed partial class UserPoolStorageJsonContext : JsonSerializerContext;

/// <remarks>
/// Client secrets are stored encrypted (AES-256-GCM under a key derived from the master key, the client id bound as
/// associated data): they must be recoverable (DescribeUserPoolClient returns them, SECRET_HASH needs them), but a copy
/// of the database alone must not give them away.
/// </remarks>
internal sealed class SqliteUserPoolStore(SqliteDatabase database, ServerSecrets secrets) : IUserPoolStore
{
    private const string SealedPrefix = "sealed:v1:";

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
                    pools.Add(new UserPoolRecord(reader.GetString(0),
                        JsonSerializer.Deserialize(reader.GetString(1), UserPoolStorageJsonContext.Default.UserPoolOptions)!,
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
                    var settings = JsonSerializer.Deserialize(reader.GetString(2), UserPoolStorageJsonContext.Default.AppClientOptions)!;
                    settings.Secret = settings.Secret is { } sealedSecret ? Open(sealedSecret, reader.GetString(0)) : null;
                    clients.Add(new AppClientRecord(reader.GetString(0), reader.GetString(1), settings,
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
            command.Parameters.AddWithValue("@settings", JsonSerializer.Serialize(pool.Settings, UserPoolStorageJsonContext.Default.UserPoolOptions));
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
            var stored = JsonSerializer.Deserialize(
                JsonSerializer.Serialize(client.Settings, UserPoolStorageJsonContext.Default.AppClientOptions), UserPoolStorageJsonContext.Default.AppClientOptions)!;
            stored.Secret = client.Settings.Secret is { } secret ? Seal(secret, client.ClientId) : null;
            command.Parameters.AddWithValue("@settings", JsonSerializer.Serialize(stored, UserPoolStorageJsonContext.Default.AppClientOptions));
            command.Parameters.AddWithValue("@created", client.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@modified", client.ModifiedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    // nonce (12) | ciphertext | tag (16), base64, behind a version prefix.
    private string Seal(string secret, string clientId)
    {
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var output = new byte[12 + plaintext.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(secrets.ClientSecretEncryptionKey, 16);
        aes.Encrypt(output.AsSpan(0, 12), plaintext, output.AsSpan(12, plaintext.Length), output.AsSpan(12 + plaintext.Length), Encoding.UTF8.GetBytes(clientId));
        return SealedPrefix + Convert.ToBase64String(output);
    }

    private string Open(string stored, string clientId)
    {
        if (!stored.StartsWith(SealedPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The secret of app client {clientId} is not stored in a known format.");
        }

        var sealedSecret = Convert.FromBase64String(stored[SealedPrefix.Length..]);
        var plaintext = new byte[sealedSecret.Length - 28];
        using var aes = new AesGcm(secrets.ClientSecretEncryptionKey, 16);
        try
        {
            aes.Decrypt(sealedSecret.AsSpan(0, 12), sealedSecret.AsSpan(12, plaintext.Length), sealedSecret.AsSpan(12 + plaintext.Length), plaintext,
                Encoding.UTF8.GetBytes(clientId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidOperationException(
                $"The secret of app client {clientId} cannot be decrypted: Sesame:Secrets:MasterKey (or data/master.key) is not the key it was stored with.");
        }

        return Encoding.UTF8.GetString(plaintext);
    }
}
