namespace Sesame.Storage;

/// <summary>Token signing keys, shared by every node.</summary>
internal interface ISigningKeyStore
{
    /// <summary>The pool's keys, by purpose and generation.</summary>
    ValueTask<IReadOnlyList<SigningKeyRecord>> ListAsync(string poolId, CancellationToken cancellationToken);

    /// <summary>Every pool's keys (a node refreshing what it holds in memory).</summary>
    ValueTask<IReadOnlyList<SigningKeyRecord>> ListAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds a key unless the pool already has one for its purpose and generation (another node was first); returns the
    /// pool's keys as stored.
    /// </summary>
    ValueTask<IReadOnlyList<SigningKeyRecord>> AddIfMissingAsync(SigningKeyRecord key, CancellationToken cancellationToken);
}

/// <summary>Whether storage answers, for <c>GET /health</c> and <c>GET /health/ready</c>.</summary>
internal interface IStorageHealth
{
    ValueTask<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Whether every schema script this build embeds is recorded as applied (for <c>GET /health/ready</c>); false when unreachable.</summary>
    ValueTask<bool> SchemaCurrentAsync(CancellationToken cancellationToken);
}

/// <summary>Named secrets every node shares (the generated master key, the master key's check value).</summary>
internal interface IServerSecretStore
{
    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/> unless a value is there; returns the stored one.</summary>
    ValueTask<byte[]> GetOrAddAsync(string name, byte[] value, DateTimeOffset now, CancellationToken cancellationToken);
}
