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

/// <summary>A refresh token's row as rotation reads it: the record, when it was rotated out, and its successor's hash.</summary>
internal sealed record RotationRow(RefreshTokenRecord Record, DateTimeOffset? RotatedAt, byte[]? ReplacedBy);

/// <summary>
/// The rotation rule, shared by every engine: each store reads the presented token's row (and, once it was rotated out,
/// its successor's) and writes — rotate, or revoke the family — inside its own transaction; this decides which.
/// </summary>
internal static class RotationDecision
{
    public static RotationOutcome Decide(
        RotationRow? token, RotationRow? successor, string clientId, byte[] successorHash, DateTimeOffset now, TimeSpan gracePeriod)
    {
        if (token is null || token.Record.ClientId != clientId)
        {
            return RotationOutcome.Unknown;
        }

        if (token.Record.RevokedAt is not null)
        {
            return RotationOutcome.Revoked;
        }

        if (token.RotatedAt is null)
        {
            // The successor inherits the absolute expiry; the old token itself then lives only through its grace
            // period, so no other path (REFRESH_TOKEN_AUTH after rotation is switched off) can use it later.
            return token.Record.ExpiresAt <= now ? RotationOutcome.Expired : RotationOutcome.Rotated;
        }

        // A retry inside the grace period gets the one successor again, provided nothing has moved past it.
        if (gracePeriod > TimeSpan.Zero && now - token.RotatedAt.Value <= gracePeriod
            && token.ReplacedBy is { } next && next.AsSpan().SequenceEqual(successorHash)
            && successor is { RotatedAt: null, Record.RevokedAt: null })
        {
            return RotationOutcome.Retried;
        }

        return RotationOutcome.Reused;
    }
}
