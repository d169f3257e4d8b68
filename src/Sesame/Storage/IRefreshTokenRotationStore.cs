namespace Sesame.Storage;

/// <summary>What happened to a refresh token presented for rotation.</summary>
internal enum RotationOutcome
{
    /// <summary>The token was live: it is now rotated out and its successor is stored.</summary>
    Rotated,

    /// <summary>The token was rotated out within the grace period and its successor is still live: the same successor again.</summary>
    Retried,

    /// <summary>No such token, or one of another app client.</summary>
    Unknown,

    Revoked,

    Expired,

    /// <summary>A rotated-out token came back after its grace period (or after its successor moved on): the family is now revoked.</summary>
    Reused,
}

/// <summary>The outcome and, unless <see cref="RotationOutcome.Unknown"/>, the presented token's record.</summary>
internal sealed record RotationResult(RotationOutcome Outcome, RefreshTokenRecord? Token);

/// <summary>Refresh token rotation with reuse detection (ASVS 5.0 10.4.5, RFC 9700 §4.14.2).</summary>
internal interface IRefreshTokenRotationStore
{
    /// <summary>
    /// In one transaction: checks the token presented as <paramref name="tokenHash"/>, and either rotates it to
    /// <paramref name="successorHash"/> (which inherits its family and absolute expiry), accepts a retry within
    /// <paramref name="gracePeriod"/>, or — for a rotated-out token outside it — revokes every token of its family.
    /// </summary>
    ValueTask<RotationResult> RotateAsync(
        byte[] tokenHash, byte[] successorHash, string clientId, DateTimeOffset now, TimeSpan gracePeriod, CancellationToken cancellationToken);
}
