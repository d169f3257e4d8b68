namespace Sesame.Storage;

/// <summary>Refresh tokens, by hash.</summary>
internal interface IRefreshTokenStore
{
    ValueTask SaveAsync(RefreshTokenRecord token, CancellationToken cancellationToken);

    ValueTask<RefreshTokenRecord?> FindAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Whether the sign-in that <paramref name="originJti"/> names has been revoked (its access tokens die with it).</summary>
    ValueTask<bool> IsRevokedAsync(string originJti, CancellationToken cancellationToken);

    /// <summary>Revokes every token of one sign-in.</summary>
    ValueTask RevokeAsync(string originJti, DateTimeOffset now, CancellationToken cancellationToken);
}
