using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Secrets;
using Sesame.Storage;

namespace Sesame.Tokens;

/// <summary>
/// New tokens from a refresh token of the same client: InitiateAuth <c>REFRESH_TOKEN_AUTH</c> and
/// GetTokensFromRefreshToken, the latter with optional rotation and reuse detection.
/// </summary>
internal sealed class RefreshTokenFlow(
    IRefreshTokenStore refreshTokens, IRefreshTokenRotationStore rotation, IUserStore users, TokenIssuer issuer, ServerSecrets secrets, TimeProvider time,
    IOAuthGrantStore grants)
{
    /// <summary>InitiateAuth <c>REFRESH_TOKEN_AUTH</c> / <c>REFRESH_TOKEN</c>: ID and access tokens; the refresh token is unchanged.</summary>
    public async ValueTask<AuthenticationResult> RefreshAsync(
        AppClient client, string refreshToken, string? secretHash, string issuerOrigin, CancellationToken cancellationToken)
    {
        if (client.Options.RefreshTokenRotation.Enabled)
        {
            // "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh token rotation enabled."
            // (Cognito developer guide, "Refresh tokens")
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized,
                "Refresh token rotation is enabled for this app client: use GetTokensFromRefreshToken.");
        }

        var record = await FindLiveAsync(client, refreshToken, cancellationToken);
        if (client.Options.Secret is not null)
        {
            // Cognito accepts the hash computed over the username or, for alias pools, over the sub.
            try
            {
                ClientCheck.SecretHash(client, record.Username, secretHash);
            }
            catch (CognitoException)
            {
                ClientCheck.SecretHash(client, record.Sub, secretHash);
            }
        }

        return await MintAsync(client, record, issuerOrigin, cancellationToken);
    }

    /// <summary>
    /// GetTokensFromRefreshToken (what Amplify JS ≥ 6.15 and Amplify Flutter call). With rotation on, the answer carries
    /// a new refresh token and the presented one is rotated out; a retry within the grace period gets the same new
    /// token; a rotated-out token presented later revokes the whole sign-in and fails with RefreshTokenReuseException.
    /// </summary>
    public async ValueTask<AuthenticationResult> GetTokensAsync(
        AppClient client, string refreshToken, string? clientSecret, string issuerOrigin, CancellationToken cancellationToken)
    {
        if (client.Options.Secret is { } secret
            && !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(clientSecret ?? string.Empty)))
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, $"Unable to verify secret for client {client.ClientId}");
        }

        var rotationOptions = client.Options.RefreshTokenRotation;
        if (!rotationOptions.Enabled)
        {
            return await MintAsync(client, await FindLiveAsync(client, refreshToken, cancellationToken), issuerOrigin, cancellationToken);
        }

        if (refreshToken.Length > 4096)
        {
            throw CognitoErrors.InvalidRefreshToken();
        }

        var successor = Successor(refreshToken);
        var result = await rotation.RotateAsync(
            TokenIssuer.HashRefreshToken(refreshToken), TokenIssuer.HashRefreshToken(successor), client.ClientId, time.GetUtcNow(),
            TimeSpan.FromSeconds(rotationOptions.RetryGracePeriodSeconds), cancellationToken);
        switch (result.Outcome)
        {
            case RotationOutcome.Unknown:
                throw CognitoErrors.InvalidRefreshToken();
            case RotationOutcome.Revoked:
                throw await RevokedTokenAsync(result.Token!, cancellationToken);
            case RotationOutcome.Expired:
                throw ExpiredToken();
            case RotationOutcome.Reused:
                throw CognitoErrors.Error(CognitoErrors.RefreshTokenReuse, "Refresh Token has been reused; every token of this sign-in is now revoked.");
        }

        var tokens = await MintAsync(client, result.Token!, issuerOrigin, cancellationToken);
        return tokens with { RefreshToken = successor };
    }

    /// <summary>
    /// The one successor of a refresh token: an HMAC of it under a server key. Every retry (and every node) derives the
    /// same value, so the client that lost an answer gets the token that was stored, and no plaintext token is kept.
    /// </summary>
    private string Successor(string refreshToken) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(secrets.RefreshRotationKey, Encoding.ASCII.GetBytes(refreshToken)));

    private async ValueTask<RefreshTokenRecord> FindLiveAsync(AppClient client, string refreshToken, CancellationToken cancellationToken)
    {
        if (refreshToken.Length > 4096)
        {
            throw CognitoErrors.InvalidRefreshToken();
        }

        var record = await refreshTokens.FindAsync(TokenIssuer.HashRefreshToken(refreshToken), cancellationToken);
        if (record is null || record.ClientId != client.ClientId)
        {
            throw CognitoErrors.InvalidRefreshToken();
        }

        if (record.RevokedAt is not null)
        {
            throw await RevokedTokenAsync(record, cancellationToken);
        }

        if (record.ExpiresAt <= time.GetUtcNow())
        {
            throw ExpiredToken();
        }

        return record;
    }

    private async ValueTask<AuthenticationResult> MintAsync(AppClient client, RefreshTokenRecord record, string issuerOrigin, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(record.PoolId, record.Username, cancellationToken);
        if (user is null || user.Sub != record.Sub)
        {
            throw CognitoErrors.UserDoesNotExist();
        }

        if (!user.Enabled)
        {
            throw CognitoErrors.UserDisabled();
        }

        // A sign-in through /oauth2/authorize keeps its granted scopes on every refresh, whichever endpoint refreshes it.
        var scope = await grants.FindScopeAsync(record.OriginJti, cancellationToken);
        return await issuer.RefreshAsync(user, client, issuerOrigin, new SignInGrant(record.OriginJti, record.EventId, record.AuthTime), cancellationToken, scope);
    }

    // Disabling revokes every token; the app learns why rather than only that the token died.
    private async ValueTask<CognitoException> RevokedTokenAsync(RefreshTokenRecord record, CancellationToken cancellationToken) =>
        await users.FindAsync(record.PoolId, record.Username, cancellationToken) is { Enabled: false } user && user.Sub == record.Sub
            ? CognitoErrors.UserDisabled()
            : CognitoErrors.Error(CognitoErrors.NotAuthorized, "Refresh Token has been revoked");

    private static CognitoException ExpiredToken() => CognitoErrors.Error(CognitoErrors.NotAuthorized, "Refresh Token has expired");
}
