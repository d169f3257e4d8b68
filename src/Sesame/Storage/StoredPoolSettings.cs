using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sesame.Configuration;
using Sesame.Secrets;

namespace Sesame.Storage;

[JsonSourceGenerationOptions(WriteIndented = false, UseStringEnumConverter = true)]
[JsonSerializable(typeof(UserPoolOptions))]
[JsonSerializable(typeof(AppClientOptions))]
internal sealed partial class UserPoolStorageJsonContext : JsonSerializerContext;

/// <summary>
/// How pool and app-client settings are kept in the <c>settings</c> column, the same on every engine: JSON, with a
/// client secret sealed.
/// </summary>
/// <remarks>
/// Client secrets are stored encrypted (AES-256-GCM under a key derived from the master key, the client id bound as
/// associated data): they must be recoverable (DescribeUserPoolClient returns them, SECRET_HASH needs them), but a copy
/// of the database alone must not give them away.
/// </remarks>
internal sealed class StoredPoolSettings(ServerSecrets secrets)
{
    private const string SealedPrefix = "sealed:v1:";

    public static string Write(UserPoolOptions settings) => JsonSerializer.Serialize(settings, UserPoolStorageJsonContext.Default.UserPoolOptions);

    public static UserPoolOptions ReadPool(string json) => JsonSerializer.Deserialize(json, UserPoolStorageJsonContext.Default.UserPoolOptions)!;

    /// <summary>The client's settings as stored: a copy, its secret sealed.</summary>
    public string Write(AppClientOptions settings, string clientId)
    {
        var stored = JsonSerializer.Deserialize(
            JsonSerializer.Serialize(settings, UserPoolStorageJsonContext.Default.AppClientOptions), UserPoolStorageJsonContext.Default.AppClientOptions)!;
        stored.Secret = settings.Secret is { } secret ? Seal(secret, clientId) : null;
        return JsonSerializer.Serialize(stored, UserPoolStorageJsonContext.Default.AppClientOptions);
    }

    public AppClientOptions ReadClient(string json, string clientId)
    {
        var settings = JsonSerializer.Deserialize(json, UserPoolStorageJsonContext.Default.AppClientOptions)!;
        settings.Secret = settings.Secret is { } sealedSecret ? Open(sealedSecret, clientId) : null;
        return settings;
    }

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
