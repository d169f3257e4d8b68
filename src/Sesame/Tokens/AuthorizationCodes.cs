using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tokens;

/// <summary>What /oauth2/authorize grants: the request's bindings and the signed-in user.</summary>
internal sealed record CodeGrantRequest(AppClient Client, string RedirectUri, string? CodeChallenge, string Scope, string? Nonce, User User, DateTimeOffset AuthTime);

/// <summary>Why a code could not be redeemed; the token endpoint answers <c>invalid_grant</c> for each.</summary>
internal sealed class InvalidGrantException(string description) : Exception(description);

/// <summary>
/// Authorization codes (RFC 6749 §4.1, PKCE RFC 7636): 256 random bits, stored only as their SHA-256, bound to the client,
/// the redirect URI and the PKCE challenge, valid for <see cref="Lifetime"/>, redeemed once. A replayed code revokes the
/// tokens it produced (RFC 6749 §4.1.2: "the authorization server … SHOULD revoke (when possible) all tokens previously
/// issued based on that authorization code").
/// </summary>
internal sealed class AuthorizationCodes(IOAuthGrantStore grants, IRefreshTokenStore refreshTokens, IUserStore users, TokenIssuer issuer, TimeProvider time)
{
    /// <summary>RFC 6749 §4.1.2 recommends at most 10 minutes; Cognito's codes live 5.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async ValueTask<string> IssueAsync(CodeGrantRequest request, CancellationToken cancellationToken)
    {
        var code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        await grants.SaveCodeAsync(new AuthorizationCodeRecord(
            Hash(code), Guid.NewGuid().ToString(), request.Client.Pool.Id, request.Client.ClientId, request.RedirectUri, request.CodeChallenge,
            request.Scope, request.Nonce, request.User.Username, request.User.Sub, request.AuthTime, now + Lifetime), now, cancellationToken);
        return code;
    }

    /// <summary>Redeems a code for tokens, or throws <see cref="InvalidGrantException"/>.</summary>
    public async ValueTask<(AuthenticationResult Tokens, string Scope)> RedeemAsync(
        AppClient client, string code, string? redirectUri, string? codeVerifier, string issuerOrigin, CancellationToken cancellationToken)
    {
        if (code.Length > 256)
        {
            throw new InvalidGrantException("The authorization code is not valid.");
        }

        var hash = Hash(code);
        var now = time.GetUtcNow();
        var (outcome, record) = await grants.RedeemAsync(hash, now, now + client.Options.RefreshTokenValidity, cancellationToken);
        if (outcome == CodeRedemption.Replayed)
        {
            await refreshTokens.RevokeAsync(record!.OriginJti, now, cancellationToken);
            throw new InvalidGrantException("The authorization code has already been used; the tokens issued for it are revoked.");
        }

        if (record is null)
        {
            throw new InvalidGrantException("The authorization code is not valid or has expired.");
        }

        // The code is spent whatever follows: a code shown to the wrong client, URI or verifier is not tried again.
        if (record.ClientId != client.ClientId)
        {
            throw new InvalidGrantException("The authorization code was issued to another client.");
        }

        if (redirectUri != record.RedirectUri)
        {
            throw new InvalidGrantException("redirect_uri does not match the authorization request.");
        }

        if (record.CodeChallenge is { } challenge && !VerifierMatches(codeVerifier, challenge))
        {
            throw new InvalidGrantException("code_verifier does not match the code_challenge.");
        }

        var user = await users.FindAsync(record.PoolId, record.Username, cancellationToken);
        if (user is null || user.Sub != record.Sub || !user.Enabled)
        {
            throw new InvalidGrantException("The user of this authorization code can no longer sign in.");
        }

        // Disabled or deleted since the read above: the refresh token's write refuses it in the same statement.
        var tokens = await issuer.IssueAsync(user, client, issuerOrigin, new OAuthGrant(record.OriginJti, record.AuthTime, record.Scope, record.Nonce), cancellationToken)
            ?? throw new InvalidGrantException("The user of this authorization code can no longer sign in.");

        // A replay that raced this redemption found no tokens to revoke yet: look again now that they are stored.
        if (await grants.IsReplayedAsync(hash, cancellationToken))
        {
            await refreshTokens.RevokeAsync(record.OriginJti, time.GetUtcNow(), cancellationToken);
            throw new InvalidGrantException("The authorization code has already been used; the tokens issued for it are revoked.");
        }

        return (tokens, record.Scope);
    }

    /// <summary>RFC 7636 §4.6 with S256: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge; a verifier is 43–128 unreserved characters.</summary>
    public static bool VerifierMatches(string? verifier, string challenge)
    {
        if (verifier is not { Length: >= 43 and <= 128 } || !verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
        {
            return false;
        }

        var computed = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        return CryptographicOperations.FixedTimeEquals(computed, Encoding.ASCII.GetBytes(challenge));
    }

    private static byte[] Hash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code));
}
