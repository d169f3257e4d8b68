using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Sesame.Pools;
using Sesame.Secrets;
using Sesame.Storage;

namespace Sesame.Tokens;

/// <summary>
/// Each pool's two signing keys (ID and access tokens, as Cognito has), generated on first start, stored encrypted
/// so every node shares them, and held in memory: no key is loaded in the request path once the server is up.
/// </summary>
internal sealed class SigningKeys(ISigningKeyStore store, ISigningKeyGenerator generator, ServerSecrets secrets, TimeProvider time)
{
    public const string IdPurpose = "id";
    public const string AccessPurpose = "access";

    private readonly ConcurrentDictionary<string, PoolKeys> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SigningKey> _byKid = new(StringComparer.Ordinal);

    public async ValueTask<PoolKeys> ForPoolAsync(UserPool pool, CancellationToken cancellationToken)
    {
        if (_pools.TryGetValue(pool.Id, out var keys))
        {
            return keys;
        }

        var records = await store.ListAsync(pool.Id, cancellationToken);
        foreach (var purpose in new[] { IdPurpose, AccessPurpose })
        {
            if (!records.Any(r => r.Purpose == purpose))
            {
                records = await store.AddIfMissingAsync(Generate(pool.Id, purpose), cancellationToken);
            }
        }

        var loaded = records.Select(Load).ToList();
        keys = new PoolKeys(
            loaded.Last(k => k.Purpose == IdPurpose),
            loaded.Last(k => k.Purpose == AccessPurpose),
            loaded);
        foreach (var key in loaded)
        {
            _byKid.TryAdd(key.Kid, key);
        }

        return _pools.GetOrAdd(pool.Id, keys);
    }

    /// <summary>Finds a loaded key by kid (a kid we never issued finds nothing, and nothing is fetched).</summary>
    public SigningKey? Find(string kid) => _byKid.GetValueOrDefault(kid);

    private SigningKeyRecord Generate(string poolId, string purpose)
    {
        using var rsa = generator.NewKey();
        var kid = SigningKey.KidFor(rsa);
        var sealedKey = Seal(rsa.ExportPkcs8PrivateKey(), poolId, kid);
        return new SigningKeyRecord(poolId, kid, purpose, sealedKey, time.GetUtcNow());
    }

    private SigningKey Load(SigningKeyRecord record)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Open(record.EncryptedPrivateKey, record.PoolId, record.Kid), out _);
        return new SigningKey(record.PoolId, record.Kid, record.Purpose, rsa);
    }

    // AES-256-GCM: nonce (12) | ciphertext | tag (16); the pool and kid are bound as associated data.
    private byte[] Seal(byte[] plaintext, string poolId, string kid)
    {
        var output = new byte[12 + plaintext.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(secrets.KeyEncryptionKey, 16);
        aes.Encrypt(output.AsSpan(0, 12), plaintext, output.AsSpan(12, plaintext.Length), output.AsSpan(12 + plaintext.Length),
            Encoding.UTF8.GetBytes(poolId + "|" + kid));
        CryptographicOperations.ZeroMemory(plaintext);
        return output;
    }

    private byte[] Open(byte[] sealedKey, string poolId, string kid)
    {
        var plaintext = new byte[sealedKey.Length - 28];
        using var aes = new AesGcm(secrets.KeyEncryptionKey, 16);
        try
        {
            aes.Decrypt(sealedKey.AsSpan(0, 12), sealedKey.AsSpan(12, plaintext.Length), sealedKey.AsSpan(12 + plaintext.Length),
                plaintext, Encoding.UTF8.GetBytes(poolId + "|" + kid));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidOperationException(
                $"Signing key {kid} of pool {poolId} cannot be decrypted: Sesame:Secrets:MasterKey (or data/master.key) is not the key it was stored with.");
        }

        return plaintext;
    }
}

/// <summary>The keys one pool signs with, and every key its JWKS publishes.</summary>
internal sealed record PoolKeys(SigningKey IdKey, SigningKey AccessKey, IReadOnlyList<SigningKey> All);
