namespace Sesame.Storage;

/// <summary>Token signing keys, shared by every node.</summary>
internal interface ISigningKeyStore
{
    ValueTask<IReadOnlyList<SigningKeyRecord>> ListAsync(string poolId, CancellationToken cancellationToken);

    /// <summary>Adds a key unless the pool already has one for the purpose; returns the pool's keys as stored.</summary>
    ValueTask<IReadOnlyList<SigningKeyRecord>> AddIfMissingAsync(SigningKeyRecord key, CancellationToken cancellationToken);
}

/// <summary>Whether storage answers, for <c>GET /health</c> and <c>GET /health/ready</c>.</summary>
internal interface IStorageHealth
{
    ValueTask<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Whether every schema script this build embeds is recorded as applied (for <c>GET /health/ready</c>); false when unreachable.</summary>
    ValueTask<bool> SchemaCurrentAsync(CancellationToken cancellationToken);
}
