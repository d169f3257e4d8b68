using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sesame.Configuration;

namespace Sesame.Secrets;

/// <summary>
/// The server's master key and the purpose-bound keys derived from it with HKDF-SHA256. One key per purpose, so
/// a key that leaks through one use cannot forge another (a code MAC cannot become a session MAC).
/// </summary>
internal sealed class ServerSecrets
{
    /// <summary>The master key from <c>Sesame:Secrets:MasterKey</c>, else from (or first written to) <c>{DataDir}/master.key</c>.</summary>
    public ServerSecrets(IOptions<SesameOptions> options, DataDirectory dataDirectory)
        : this(LoadOrCreateMasterKey(options.Value.Secrets.MasterKey, dataDirectory.Path))
    {
    }

    /// <summary>Keys derived from <paramref name="master"/>, which is zeroed once they are.</summary>
    public ServerSecrets(byte[] master)
    {
        MasterKeyCheck = Derive(master, "sesame/master-key-check/v1");
        CodeMacKey = Derive(master, "sesame/code-mac/v1");
        SessionMacKey = Derive(master, "sesame/session-mac/v1");
        PseudonymKey = Derive(master, "sesame/pseudonym/v1");
        KeyEncryptionKey = Derive(master, "sesame/key-encryption/v1");
        OutboxEncryptionKey = Derive(master, "sesame/outbox-encryption/v1");
        RefreshRotationKey = Derive(master, "sesame/refresh-rotation/v1");
        ClientSecretEncryptionKey = Derive(master, "sesame/client-secret-encryption/v1");
        HostedUiCookieKey = Derive(master, "sesame/hosted-ui-cookie/v1");
        CryptographicOperations.ZeroMemory(master);
    }

    /// <summary>
    /// A value that identifies the master key without revealing it (HKDF output of its own purpose): stored once in the
    /// database, so a node started with another master key is stopped before it writes what no other node can read.
    /// </summary>
    public byte[] MasterKeyCheck { get; }

    /// <summary>Keys the MAC that stores one-time codes.</summary>
    public byte[] CodeMacKey { get; }

    /// <summary>Keys the MAC on <c>Session</c> strings.</summary>
    public byte[] SessionMacKey { get; }

    /// <summary>Derives stable stand-ins (usernames, destinations) for users that do not exist.</summary>
    public byte[] PseudonymKey { get; }

    /// <summary>Encrypts signing keys at rest.</summary>
    public byte[] KeyEncryptionKey { get; }

    /// <summary>Encrypts queued messages at rest (they carry codes until sent).</summary>
    public byte[] OutboxEncryptionKey { get; }

    /// <summary>Derives the one successor of a rotated refresh token, so concurrent retries agree on it.</summary>
    public byte[] RefreshRotationKey { get; }
    /// <summary>Encrypts the secrets of app clients created through the API at rest.</summary>
    public byte[] ClientSecretEncryptionKey { get; }

    /// <summary>Seals the hosted sign-in page's cookies (AES-256-GCM), so any node can read what another wrote.</summary>
    public byte[] HostedUiCookieKey { get; }

    private static byte[] Derive(byte[] master, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>The configured master key, decoded and checked (null when none is configured).</summary>
    public static byte[]? Configured(string? configured)
    {
        if (configured is null)
        {
            return null;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(configured);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Sesame:Secrets:MasterKey is not valid base64.");
        }

        return key.Length >= 32
            ? key
            : throw new InvalidOperationException("Sesame:Secrets:MasterKey must decode to at least 32 bytes.");
    }

    private static byte[] LoadOrCreateMasterKey(string? configured, string dataDir)
    {
        if (Configured(configured) is { } key32)
        {
            return key32;
        }

        var path = System.IO.Path.Combine(dataDir, "master.key");
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            var key = Convert.FromBase64String(text);
            return key.Length >= 32 ? key : throw new InvalidOperationException($"The master key in {path} is shorter than 32 bytes.");
        }

        var generated = RandomNumberGenerator.GetBytes(32);
        var temp = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(temp);
        using (var stream = new FileStream(temp, fileOptions))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(generated));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        try
        {
            // Another process may have won the race: keep whichever key landed first.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temp);
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        return generated;
    }
}

/// <summary>The resolved data directory, created on first use.</summary>
internal sealed class DataDirectory
{
    public DataDirectory(IOptions<SesameOptions> options)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DataDir);
        // Owner only: the directory holds the database and the master key. One that exists is left as the operator made it.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Path);
        }
        else
        {
            Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Path { get; }
}
