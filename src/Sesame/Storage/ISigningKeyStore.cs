namespace Sesame.Storage;

/// <summary>Token signing keys, shared by every node.</summary>
internal interface ISigningKeyStore
{
    ValueTask<IReadOnlyList<SigningKeyRecord>> ListAsync(string poolId, CancellationToken cancellationToken);

    /// <summary>Adds a key unless the pool already has one for the purpose; returns the pool's keys as stored.</summary>
    ValueTask<IReadOnlyList<SigningKeyRecord>> AddIfMissingAsync(SigningKeyRecord key, CancellationToken cancellationToken);
}

/// <summary>Whether storage answers, for <c>GET /health</c>.</summary>
internal interface IStorageHealth
{
    ValueTask<bool> PingAsync(CancellationToken cancellationToken);
}
