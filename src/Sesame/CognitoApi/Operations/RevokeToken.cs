using System.Security.Cryptography;
using System.Text;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tokens;

namespace Sesame.CognitoApi.Operations;

internal sealed record RevokeTokenRequest(string? Token, string? ClientId, string? ClientSecret, Dictionary<string, string>? ClientMetadata);

/// <summary>
/// Revokes a refresh token and every ID and access token minted from its sign-in (they share <c>origin_jti</c>), as
/// Amplify's <c>signOut()</c> calls it (docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
/// </summary>
internal sealed class RevokeToken(UserPools pools, IRefreshTokenStore refreshTokens, TimeProvider time)
    : CognitoOperation<RevokeTokenRequest, AccountEmptyResponse>(AccountJsonContext.Wire.RevokeTokenRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "RevokeToken";

    // Cognito's model declares neither NotAuthorizedException nor ResourceNotFoundException here: never raise them.
    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.Unauthorized, "UnsupportedOperationException", CognitoErrors.UnsupportedTokenType, "ForbiddenException"];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(RevokeTokenRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var token = Validate.Token(request.Token, "token");
        var clientId = Validate.ClientId(request.ClientId);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        var client = pools.FindClient(clientId) ?? throw CognitoErrors.Error(CognitoErrors.Unauthorized, "Invalid client id.");
        if (client.Options.Secret is { } secret
            && !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(request.ClientSecret ?? string.Empty)))
        {
            throw CognitoErrors.Error(CognitoErrors.Unauthorized, "Invalid client secret.");
        }

        if (token.Contains('.', StringComparison.Ordinal))
        {
            // A JWT (ID or access token): only refresh tokens are revocable, as in Cognito.
            throw CognitoErrors.Error(CognitoErrors.UnsupportedTokenType, "Only refresh tokens can be revoked.");
        }

        var record = await refreshTokens.FindAsync(TokenIssuer.HashRefreshToken(token), cancellationToken);
        if (record is null)
        {
            // RFC 7009 §2.2: an unknown (or already dead) token is not an error; revocation is idempotent.
            return new AccountEmptyResponse();
        }

        if (record.ClientId != client.ClientId)
        {
            // RFC 7009 §2.1: a client may revoke only its own tokens.
            throw CognitoErrors.Error(CognitoErrors.Unauthorized, "The token was not issued to this client.");
        }

        await refreshTokens.RevokeAsync(record.OriginJti, time.GetUtcNow(), cancellationToken);
        return new AccountEmptyResponse();
    }
}

/// <summary>The <c>{}</c> that operations without output answer.</summary>
internal sealed record AccountEmptyResponse;
