namespace Sesame.Storage;

/// <summary>
/// An authorization code as /oauth2/authorize issued it: bound to the client, the redirect URI and the PKCE challenge,
/// for one user's sign-in (<paramref name="OriginJti"/> names the sign-in every token minted from it carries).
/// </summary>
internal sealed record AuthorizationCodeRecord(
    byte[] CodeHash, string OriginJti, string PoolId, string ClientId, string RedirectUri, string? CodeChallenge, string Scope, string? Nonce,
    string Username, string Sub, DateTimeOffset AuthTime, DateTimeOffset CodeExpiresAt);

/// <summary>What redeeming a code found.</summary>
internal enum CodeRedemption
{
    /// <summary>No such code, or it expired unredeemed.</summary>
    Unknown,
    /// <summary>This call redeemed it: the only one that ever will.</summary>
    Redeemed,
    /// <summary>It was redeemed before: a replay, now marked, whose sign-in the caller revokes.</summary>
    Replayed,
}

/// <summary>Authorization codes and the OAuth grants they become, and the hosted page's sessions.</summary>
internal interface IOAuthGrantStore
{
    /// <summary>Stores a new code, and sweeps rows that expired before <paramref name="now"/>.</summary>
    ValueTask SaveCodeAsync(AuthorizationCodeRecord code, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Redeems a code once: of concurrent calls exactly one gets <see cref="CodeRedemption.Redeemed"/>; any later call
    /// gets <see cref="CodeRedemption.Replayed"/> with the record (the replay is marked). A redeemed grant lives until
    /// <paramref name="grantExpiresAt"/>.
    /// </summary>
    ValueTask<(CodeRedemption Outcome, AuthorizationCodeRecord? Code)> RedeemAsync(
        byte[] codeHash, DateTimeOffset now, DateTimeOffset grantExpiresAt, CancellationToken cancellationToken);

    /// <summary>Whether a replay of this code has been seen (checked after tokens are stored, to close the race with a replay).</summary>
    ValueTask<bool> IsReplayedAsync(byte[] codeHash, CancellationToken cancellationToken);

    /// <summary>The scope of the OAuth grant behind a sign-in, or null for a sign-in through the Cognito API.</summary>
    ValueTask<string?> FindScopeAsync(string originJti, CancellationToken cancellationToken);

    /// <summary>Records a browser signed in on the hosted page until <paramref name="expiresAt"/>, and sweeps expired sessions.</summary>
    ValueTask SavePageSessionAsync(byte[] sessionHash, string poolId, string username, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Whether the page session is recorded, not ended and not expired at <paramref name="now"/>.</summary>
    ValueTask<bool> IsPageSessionLiveAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends a page session (sign-out): its cookie no longer counts, wherever it is kept.</summary>
    ValueTask EndPageSessionAsync(byte[] sessionHash, CancellationToken cancellationToken);
}
