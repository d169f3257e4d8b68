using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Triggers;
using Sesame.Users;

namespace Sesame.Tokens;

/// <summary>Cognito's <c>AuthenticationResultType</c>.</summary>
internal sealed record AuthenticationResult(string AccessToken, int ExpiresIn, string TokenType, string? RefreshToken, string IdToken);

/// <summary>One sign-in, which every token minted from it (refreshes included) carries.</summary>
/// <param name="OriginJti">Names the sign-in: revoking it revokes every token minted from it.</param>
/// <param name="EventId">Cognito's <c>event_id</c>, one per authentication event.</param>
internal sealed record SignInGrant(string OriginJti, string EventId, DateTimeOffset AuthTime);

/// <summary>An OAuth 2.0 sign-in: what /oauth2/authorize granted, redeemed at /oauth2/token.</summary>
/// <param name="OriginJti">Chosen when the code was issued, so a replayed code can revoke what it produced.</param>
/// <param name="Scope">The granted scopes, space-separated: the access token's <c>scope</c> claim.</param>
/// <param name="Nonce">The authorization request's nonce, echoed in the ID token (OpenID Connect Core §3.1.2.1).</param>
internal sealed record OAuthGrant(string OriginJti, DateTimeOffset AuthTime, string Scope, string? Nonce);

/// <summary>
/// Mints ID and access tokens with Cognito's claims
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html and
/// …-using-the-access-token.html), and opaque refresh
/// tokens stored only as hashes.
/// </summary>
internal sealed class TokenIssuer(SigningKeys keys, IRefreshTokenStore refreshTokens, IGroupStore groups, TriggerInvoker triggers, TimeProvider time)
{
    public const string AdminScope = "aws.cognito.signin.user.admin";

    /// <summary>
    /// Tokens for a new sign-in (ID, access and refresh), with the ClientMetadata PreTokenGeneration receives
    /// (RespondToAuthChallenge's). Only <c>SignIn.SignInCompletion</c> calls this, after PostAuthentication. Null, with
    /// nothing stored or signed, when the user no longer exists with that sub or is disabled: the refresh token's write
    /// checks that in the same statement (<see cref="IRefreshTokenStore.SaveAsync"/>).
    /// </summary>
    public async ValueTask<AuthenticationResult?> IssueAsync(
        User user, AppClient client, string issuerOrigin, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var grant = new SignInGrant(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), now);
        var refreshToken = NewRefreshToken();
        if (!await SaveRefreshTokenAsync(user, client, grant, refreshToken, now, cancellationToken))
        {
            return null;
        }

        return await MintAsync(user, client, issuerOrigin, grant, refreshToken, now, "TokenGeneration_Authentication", clientMetadata, cancellationToken);
    }

    /// <summary>
    /// Tokens for a redeemed authorization code: the sign-in is the one the code named, the access token carries the
    /// granted scopes and the ID token the nonce. PostAuthentication ran when the user signed in on the hosted page.
    /// Null, as for a sign-in, when the user no longer exists with that sub or is disabled.
    /// </summary>
    public async ValueTask<AuthenticationResult?> IssueAsync(User user, AppClient client, string issuerOrigin, OAuthGrant oauth, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var grant = new SignInGrant(oauth.OriginJti, Guid.NewGuid().ToString(), oauth.AuthTime);
        var refreshToken = NewRefreshToken();
        if (!await SaveRefreshTokenAsync(user, client, grant, refreshToken, now, cancellationToken))
        {
            return null;
        }

        // Cognito's trigger source for sign-ins through the hosted UI.
        return await MintAsync(user, client, issuerOrigin, grant, refreshToken, now, "TokenGeneration_HostedAuth", clientMetadata: null, cancellationToken,
            oauth.Scope, oauth.Nonce);
    }

    /// <summary>
    /// New ID and access tokens for an existing sign-in (REFRESH_TOKEN_AUTH, the refresh_token grant); the refresh token
    /// is unchanged. <paramref name="scope"/> is the OAuth grant's, when the sign-in came through /oauth2/authorize.
    /// </summary>
    public ValueTask<AuthenticationResult> RefreshAsync(
        User user, AppClient client, string issuerOrigin, SignInGrant grant, CancellationToken cancellationToken, string? scope = null) =>
        MintAsync(user, client, issuerOrigin, grant, refreshToken: null, time.GetUtcNow(), "TokenGeneration_RefreshTokens", clientMetadata: null,
            cancellationToken, scope ?? AdminScope);

    /// <summary>
    /// The client_credentials grant: an access token for the client itself (no user, no ID or refresh token), with
    /// Cognito's claims for machine-to-machine tokens (<c>sub</c> and <c>client_id</c> both the client id).
    /// </summary>
    public async ValueTask<AuthenticationResult> IssueForClientAsync(AppClient client, string issuerOrigin, string scope, CancellationToken cancellationToken)
    {
        var poolKeys = await keys.ForPoolAsync(client.Pool, cancellationToken);
        var now = time.GetUtcNow();
        var iat = now.ToUnixTimeSeconds();
        var accessToken = Jwt.Sign(poolKeys.Signer(SigningKeys.AccessPurpose, now), w =>
        {
            w.WriteString("sub", client.ClientId);
            w.WriteString("token_use", "access");
            w.WriteString("scope", scope);
            w.WriteNumber("auth_time", iat);
            w.WriteString("iss", Issuer(issuerOrigin, client.Pool.Id));
            w.WriteNumber("exp", iat + (long)client.Options.AccessTokenValidity.TotalSeconds);
            w.WriteNumber("iat", iat);
            w.WriteNumber("version", 2);
            w.WriteString("jti", Guid.NewGuid().ToString());
            w.WriteString("client_id", client.ClientId);
        });
        return new AuthenticationResult(accessToken, (int)client.Options.AccessTokenValidity.TotalSeconds, "Bearer", RefreshToken: null, IdToken: string.Empty);
    }

    public static byte[] HashRefreshToken(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));

    public static string Issuer(string origin, string poolId) => $"{origin}/{poolId}";

    /// <summary>The origin token issuers are built from: configured, else the request's own.</summary>
    public static string PublicOrigin(SesameOptions options, HttpRequest request) =>
        options.PublicOrigin?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";

    private ValueTask<bool> SaveRefreshTokenAsync(
        User user, AppClient client, SignInGrant grant, string refreshToken, DateTimeOffset now, CancellationToken cancellationToken) =>
        refreshTokens.SaveAsync(new RefreshTokenRecord(
            HashRefreshToken(refreshToken), client.Pool.Id, client.ClientId, user.Username, user.Sub, grant.OriginJti, grant.EventId,
            grant.AuthTime, now, now + client.Options.RefreshTokenValidity, RevokedAt: null), cancellationToken);

    private async ValueTask<AuthenticationResult> MintAsync(
        User user, AppClient client, string issuerOrigin, SignInGrant grant, string? refreshToken, DateTimeOffset now,
        string triggerSource, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken, string scope = AdminScope,
        string? nonce = null)
    {
        // Read at every mint, refreshes included: a refreshed token carries the groups as they are now.
        var userGroups = TokenGroups.From(await groups.ListForUserAsync(client.Pool.Id, user.Sub, null, null, cancellationToken));
        var claims = await ClaimChanges.FromTriggerAsync(triggers, user, client, userGroups, triggerSource, clientMetadata, cancellationToken);
        var poolKeys = await keys.ForPoolAsync(client.Pool, cancellationToken);
        var issuer = Issuer(issuerOrigin, client.Pool.Id);
        var iat = now.ToUnixTimeSeconds();
        var authTime = grant.AuthTime.ToUnixTimeSeconds();
        var accessExp = iat + (long)client.Options.AccessTokenValidity.TotalSeconds;
        var idExp = iat + (long)client.Options.IdTokenValidity.TotalSeconds;

        var idToken = Jwt.Sign(poolKeys.Signer(SigningKeys.IdPurpose, now), w =>
        {
            w.WriteString("sub", user.Sub);
            claims.WriteGroups(w);
            foreach (var (name, value) in user.Attributes)
            {
                // A client reads only its ReadAttributes, in the ID token as in GetUser.
                if (claims.Replaces(name) || !client.CanRead(name))
                {
                    continue;
                }

                // Verification flags are booleans in tokens (Amplify Flutter casts them to bool) and strings elsewhere.
                if (name is UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified)
                {
                    w.WriteBoolean(name, value == "true");
                }
                else
                {
                    w.WriteString(name, value);
                }
            }

            w.WriteString("iss", issuer);
            claims.WriteRoles(w);
            w.WriteString("cognito:username", user.Username);
            w.WriteString("origin_jti", grant.OriginJti);
            w.WriteString("aud", client.ClientId);
            w.WriteString("event_id", grant.EventId);
            w.WriteString("token_use", "id");
            w.WriteNumber("auth_time", authTime);
            w.WriteNumber("exp", idExp);
            w.WriteNumber("iat", iat);
            w.WriteString("jti", Guid.NewGuid().ToString());
            if (nonce is not null)
            {
                w.WriteString("nonce", nonce);
            }

            claims.WriteAdded(w);
        });

        var accessToken = Jwt.Sign(poolKeys.Signer(SigningKeys.AccessPurpose, now), w =>
        {
            w.WriteString("sub", user.Sub);
            claims.WriteGroups(w);
            w.WriteString("iss", issuer);
            w.WriteString("client_id", client.ClientId);
            w.WriteString("origin_jti", grant.OriginJti);
            w.WriteString("event_id", grant.EventId);
            w.WriteString("token_use", "access");
            w.WriteString("scope", scope);
            w.WriteNumber("auth_time", authTime);
            w.WriteNumber("exp", accessExp);
            w.WriteNumber("iat", iat);
            w.WriteString("jti", Guid.NewGuid().ToString());
            w.WriteString("username", user.Username);
        });

        return new AuthenticationResult(accessToken, (int)client.Options.AccessTokenValidity.TotalSeconds, "Bearer", refreshToken, idToken);
    }

    // 256 random bits, opaque to clients (Cognito's are encrypted JWEs; clients only need [A-Za-z0-9-_=.]+).
    private static string NewRefreshToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}

/// <summary>What a valid access token says.</summary>
internal sealed record AccessTokenClaims(string PoolId, string ClientId, string Username, string Sub, string OriginJti)
{
    /// <summary>The token's scopes, space-separated.</summary>
    public string Scope { get; init; } = TokenIssuer.AdminScope;
}

/// <summary>Validates access tokens presented to access-token operations (GetUser and friends).</summary>
internal sealed class AccessTokenValidator(SigningKeys keys, UserPools pools, IRefreshTokenStore refreshTokens, TimeProvider time)
{
    // Tolerated clock difference between nodes for iat (a token "from the future"); exp is strict.
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Returns the claims of a genuine, unexpired, unrevoked user access token of <paramref name="issuerOrigin"/> that
    /// carries <paramref name="requiredScope"/> (Cognito's user operations need <c>aws.cognito.signin.user.admin</c>;
    /// /oauth2/userInfo needs <c>openid</c>), or throws NotAuthorizedException.
    /// </summary>
    public async ValueTask<AccessTokenClaims> ValidateAsync(string token, string issuerOrigin, CancellationToken cancellationToken, string requiredScope = TokenIssuer.AdminScope)
    {
        using var verified = Jwt.Verify(token, keys.Find) ?? throw CognitoErrors.InvalidAccessToken();
        var root = verified.Payload.RootElement;
        if (Text(root, "token_use") != "access" || Text(root, "scope") is not { } scope
            || !scope.Split(' ').Contains(requiredScope)
            || Text(root, "client_id") is not { } clientId || pools.FindClient(clientId) is not { } client
            || Text(root, "iss") != TokenIssuer.Issuer(issuerOrigin, client.Pool.Id)
            || Text(root, "username") is not { } username || Text(root, "sub") is not { } sub
            || Text(root, "origin_jti") is not { } originJti
            || Seconds(root, "exp") is not { } expSeconds || Seconds(root, "iat") is not { } iatSeconds)
        {
            throw CognitoErrors.InvalidAccessToken();
        }

        // The key that signed it must be the access key of the token's own pool (no cross-pool or ID-key tokens).
        if (verified.Key.Purpose != SigningKeys.AccessPurpose || verified.Key.PoolId != client.Pool.Id)
        {
            throw CognitoErrors.InvalidAccessToken();
        }

        var now = time.GetUtcNow();
        if (DateTimeOffset.FromUnixTimeSeconds(expSeconds) <= now)
        {
            throw CognitoErrors.AccessTokenExpired();
        }

        // Cognito's tokens carry no nbf; one that is there must be honoured (RFC 7519 §4.1.5).
        if (DateTimeOffset.FromUnixTimeSeconds(iatSeconds) - Skew > now
            || (root.TryGetProperty("nbf", out _) && (Seconds(root, "nbf") is not { } nbfSeconds || DateTimeOffset.FromUnixTimeSeconds(nbfSeconds) - Skew > now)))
        {
            throw CognitoErrors.InvalidAccessToken();
        }

        if (await refreshTokens.IsRevokedAsync(originJti, cancellationToken))
        {
            throw CognitoErrors.AccessTokenRevoked();
        }

        return new AccessTokenClaims(client.Pool.Id, clientId, username, sub, originJti) { Scope = scope };
    }

    // NumericDate (RFC 7519 §2), within what DateTimeOffset can hold; anything else is no date at all.
    private static long? Seconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
        && seconds is >= 0 and <= 253_402_300_799
            ? seconds
            : null;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
