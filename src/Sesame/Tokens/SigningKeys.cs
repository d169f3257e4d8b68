using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Secrets;
using Sesame.Storage;

namespace Sesame.Tokens;

/// <summary>
/// Each pool's signing keys (ID and access tokens, as Cognito has), generated on first start, stored encrypted so every
/// node shares them, and held in memory: no key is loaded in the request path once the server is up.
/// Keys come in generations: a rotation stores the next generation, published at once and signing from
/// <c>Sesame:SigningKeys:PublishAhead</c> later; the one it replaces stays published until the longest-lived token it
/// signed has expired. Nodes pick up another node's rotation through <see cref="RefreshAsync"/>.
/// </summary>
internal sealed partial class SigningKeys(
    ISigningKeyStore store, ISigningKeyGenerator generator, ServerSecrets secrets, UserPools pools, IOptions<SesameOptions> options,
    TimeProvider time, ILogger<SigningKeys> logger)
{
    public const string IdPurpose = "id";
    public const string AccessPurpose = "access";

    private static readonly string[] Purposes = [IdPurpose, AccessPurpose];

    // A verifier's clock may run behind ours: a token is still accepted a little after its exp by some libraries.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, PoolKeys> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SigningKey> _byKid = new(StringComparer.Ordinal);

    public async ValueTask<PoolKeys> ForPoolAsync(UserPool pool, CancellationToken cancellationToken)
    {
        if (_pools.TryGetValue(pool.Id, out var keys))
        {
            return keys;
        }

        var records = await store.ListAsync(pool.Id, cancellationToken);
        foreach (var purpose in Purposes)
        {
            // Insert-or-get: of concurrent callers (requests on this node, other nodes) the first key stored stays and
            // everyone reads it back. A key whose kid is already stored (under the other purpose) inserts nothing, so a
            // new one is drawn, a bounded number of times.
            for (var attempt = 1; !records.Any(r => r.Purpose == purpose); attempt++)
            {
                if (attempt > 3)
                {
                    throw new InvalidOperationException($"No {purpose} signing key could be stored for pool {pool.Id}.");
                }

                var now = time.GetUtcNow();
                records = await store.AddIfMissingAsync(Generate(pool.Id, purpose, 0, now, now), cancellationToken);
            }
        }

        return Hold(pool.Id, records);
    }

    /// <summary>
    /// Stores the next generation of the pool's ID and access keys, signing from <c>PublishAhead</c> from now. A purpose
    /// whose next key is already waiting to sign keeps it (rotating twice in a row changes nothing more), and of nodes
    /// rotating at once the first one's key is kept.
    /// </summary>
    public async ValueTask<PoolKeys> RotateAsync(UserPool pool, CancellationToken cancellationToken)
    {
        await ForPoolAsync(pool, cancellationToken);
        var records = await store.ListAsync(pool.Id, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var purpose in Purposes)
        {
            var mine = records.Where(r => r.Purpose == purpose).ToList();
            if (mine.Any(r => r.ActivatesAt > now))
            {
                continue;
            }

            var next = mine.Max(r => r.Generation) + 1;
            records = await store.AddIfMissingAsync(Generate(pool.Id, purpose, next, now, now + options.Value.SigningKeys.PublishAhead), cancellationToken);
            Log.Rotated(logger, pool.Id, purpose, next);
        }

        return Hold(pool.Id, records);
    }

    /// <summary>
    /// Re-reads every pool's keys and replaces what changed (another node rotated), in one query. With
    /// <c>Sesame:SigningKeys:RotationInterval</c> set, also rotates the pools whose keys have signed that long.
    /// </summary>
    public async ValueTask RefreshAsync(CancellationToken cancellationToken)
    {
        var all = await store.ListAllAsync(cancellationToken);
        foreach (var group in all.GroupBy(r => r.PoolId, StringComparer.Ordinal))
        {
            if (_pools.TryGetValue(group.Key, out var held) && !SameKeys(held, group))
            {
                Hold(group.Key, [.. group]);
            }
        }

        if (options.Value.SigningKeys.RotationInterval is { } interval)
        {
            var now = time.GetUtcNow();
            foreach (var (poolId, held) in _pools)
            {
                if (pools.FindPool(poolId) is { } pool
                    && held.All.Where(k => k.ActivatesAt <= now).Max(k => k.ActivatesAt) + interval <= now
                    && !held.All.Any(k => k.ActivatesAt > now))
                {
                    await RotateAsync(pool, cancellationToken);
                }
            }
        }
    }

    /// <summary>Finds a loaded key by kid (a kid we never issued finds nothing, and nothing is fetched).</summary>
    public SigningKey? Find(string kid) => _byKid.GetValueOrDefault(kid);

    /// <summary>
    /// How long a replaced key stays published after it stopped signing: the longest token lifetime of the pool's app
    /// clients, and a margin for verifiers' clocks.
    /// </summary>
    public TimeSpan Retention(string poolId)
    {
        var longest = TimeSpan.FromHours(1);
        foreach (var client in pools.ClientsOf(poolId))
        {
            longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, Math.Max(client.Options.IdTokenValidity.Ticks, client.Options.AccessTokenValidity.Ticks)));
        }

        return longest + ClockSkew;
    }

    private static bool SameKeys(PoolKeys held, IEnumerable<SigningKeyRecord> stored)
    {
        var kids = stored.Select(r => (r.Kid, r.ActivatesAt)).ToHashSet();
        return kids.Count == held.All.Count && held.All.All(k => kids.Contains((k.Kid, k.ActivatesAt)));
    }

    private PoolKeys Hold(string poolId, IReadOnlyList<SigningKeyRecord> records)
    {
        var loaded = records
            .Select(r => _byKid.TryGetValue(r.Kid, out var known) ? known : Load(r))
            .OrderBy(k => k.Purpose, StringComparer.Ordinal).ThenBy(k => k.Generation)
            .ToList();
        foreach (var key in loaded)
        {
            _byKid.TryAdd(key.Kid, key);
        }

        var keys = new PoolKeys(loaded, Retention);
        // A newer set (more keys, a later generation) is never replaced by an older one read before it.
        return _pools.AddOrUpdate(poolId, keys, (_, current) => current.All.Count > keys.All.Count ? current : keys);
    }

    private SigningKeyRecord Generate(string poolId, string purpose, int generation, DateTimeOffset now, DateTimeOffset activatesAt)
    {
        using var rsa = generator.NewKey();
        var kid = SigningKey.KidFor(rsa);
        var sealedKey = Seal(rsa.ExportPkcs8PrivateKey(), poolId, kid);
        return new SigningKeyRecord(poolId, kid, purpose, sealedKey, now, generation, activatesAt);
    }

    private SigningKey Load(SigningKeyRecord record)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Open(record.EncryptedPrivateKey, record.PoolId, record.Kid), out _);
        return new SigningKey(record.PoolId, record.Kid, record.Purpose, rsa) { Generation = record.Generation, ActivatesAt = record.ActivatesAt, CreatedAt = record.CreatedAt };
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

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "User pool {PoolId}: {Purpose} signing key generation {Generation} stored; published now, signing after the publish-ahead delay.")]
        public static partial void Rotated(ILogger logger, string poolId, string purpose, int generation);
    }
}

/// <summary>Every key of one pool, by purpose and generation: which one signs now, and which ones the JWKS publishes.</summary>
internal sealed class PoolKeys(IReadOnlyList<SigningKey> all, Func<string, TimeSpan> retention)
{
    /// <summary>Every key held, published or not.</summary>
    public IReadOnlyList<SigningKey> All { get; } = all;

    /// <summary>The latest generation of the purpose that has started signing (the first one, if none has).</summary>
    public SigningKey Signer(string purpose, DateTimeOffset now)
    {
        SigningKey? signer = null;
        foreach (var key in All)
        {
            if (key.Purpose == purpose && (signer is null || key.ActivatesAt <= now))
            {
                signer = key;
            }
        }

        return signer ?? throw new InvalidOperationException($"No {purpose} signing key is held.");
    }

    /// <summary>
    /// The keys a verifier needs now: every key that signs or will sign, and each replaced key until the longest-lived
    /// token it can have signed has expired (its successor's activation plus the pool's retention).
    /// </summary>
    public IEnumerable<SigningKey> Published(DateTimeOffset now)
    {
        for (var i = 0; i < All.Count; i++)
        {
            var key = All[i];
            var next = i + 1 < All.Count && All[i + 1].Purpose == key.Purpose ? All[i + 1] : null;
            if (next is null || next.ActivatesAt > now || next.ActivatesAt + retention(key.PoolId) > now)
            {
                yield return key;
            }
        }
    }
}
