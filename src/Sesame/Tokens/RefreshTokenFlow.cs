using Sesame.CognitoApi;
using Sesame.CognitoApi.Operations;
using Sesame.Configuration;
using Sesame.Storage;

namespace Sesame.Tokens;

/// <summary>InitiateAuth <c>REFRESH_TOKEN_AUTH</c>: new ID and access tokens from a live refresh token of the same client.</summary>
internal sealed class RefreshTokenFlow(IRefreshTokenStore refreshTokens, IUserStore users, TokenIssuer issuer, TimeProvider time)
{
    public async ValueTask<AuthenticationResult> RefreshAsync(
        AppClient client, string refreshToken, string? secretHash, string issuerOrigin, CancellationToken cancellationToken)
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

        if (record.RevokedAt is not null)
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, "Refresh Token has been revoked");
        }

        if (record.ExpiresAt <= time.GetUtcNow())
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, "Refresh Token has expired");
        }

        var user = await users.FindAsync(record.PoolId, record.Username, cancellationToken);
        if (user is null || user.Sub != record.Sub)
        {
            throw CognitoErrors.UserDoesNotExist();
        }

        if (!user.Enabled)
        {
            throw CognitoErrors.UserDisabled();
        }

        return await issuer.RefreshAsync(user, client, issuerOrigin, new SignInGrant(record.OriginJti, record.EventId, record.AuthTime), cancellationToken);
    }
}
