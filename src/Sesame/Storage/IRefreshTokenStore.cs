namespace Sesame.Storage;

/// <summary>Refresh tokens, by hash.</summary>
internal interface IRefreshTokenStore
{
    /// <summary>
    /// Stores <paramref name="token"/> if its user still exists with the token's sub and is enabled, judged in the same
    /// statement as the insert (a disable or delete racing it either wins, and nothing is stored, or revokes it); false,
    /// with nothing stored, when not.
    /// </summary>
    ValueTask<bool> SaveAsync(RefreshTokenRecord token, CancellationToken cancellationToken);

    ValueTask<RefreshTokenRecord?> FindAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Whether the sign-in that <paramref name="originJti"/> names has been revoked (its access tokens die with it).</summary>
    ValueTask<bool> IsRevokedAsync(string originJti, CancellationToken cancellationToken);

    /// <summary>Revokes every token of one sign-in.</summary>
    ValueTask RevokeAsync(string originJti, DateTimeOffset now, CancellationToken cancellationToken);
}
