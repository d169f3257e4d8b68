using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tokens;
using Sesame.Users;

namespace Sesame.OAuth;

/// <summary>
/// <c>/oauth2/token</c> (authorization_code with PKCE, refresh_token, client_credentials; client_secret_basic and
/// client_secret_post), <c>/oauth2/userInfo</c> and <c>/oauth2/revoke</c>, answering errors in RFC 6749 §5.2's shape.
/// </summary>
internal sealed class TokenEndpoints(
    UserPools pools, AuthorizationCodes codes, RefreshTokenFlow refresh, TokenIssuer issuer, AccessTokenValidator validator,
    IRefreshTokenStore refreshTokens, IUserStore users, IOptions<SesameOptions> options, TimeProvider time)
{
    public async Task<IResult> TokenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (await Forms.ReadAsync(context.Request, cancellationToken) is not { } form)
        {
            return Error("invalid_request", "The body must be application/x-www-form-urlencoded.");
        }

        var (client, failure) = Authenticate(context.Request, form);
        if (failure is not null)
        {
            return failure;
        }

        if (!client!.Options.AllowedOAuthFlowsUserPoolClient)
        {
            return Error("unauthorized_client", "This app client may not use the OAuth endpoints.");
        }

        var origin = TokenIssuer.PublicOrigin(options.Value, context.Request);
        var flows = client.Options.AllowedOAuthFlows ?? [];
        try
        {
            switch (form["grant_type"].FirstOrDefault())
            {
                case "authorization_code":
                {
                    if (!flows.Contains(OAuthClientRules.CodeFlow))
                    {
                        return Error("unauthorized_client", "This app client may not use the authorization code grant.");
                    }

                    if (form["code"].FirstOrDefault() is not { Length: > 0 } code)
                    {
                        return Error("invalid_request", "code is required.");
                    }

                    var (tokens, scope) = await codes.RedeemAsync(client, code, form["redirect_uri"].FirstOrDefault(), form["code_verifier"].FirstOrDefault(),
                        origin, cancellationToken);
                    return Tokens(tokens, withIdToken: scope.Split(' ').Contains("openid"));
                }

                case "refresh_token":
                {
                    if (form["refresh_token"].FirstOrDefault() is not { Length: > 0 } token)
                    {
                        return Error("invalid_request", "refresh_token is required.");
                    }

                    // The client is authenticated above; GetTokensFromRefreshToken's path also rotates when the client asks for it.
                    var tokens = await refresh.GetTokensAsync(client, token, client.Options.Secret, origin, cancellationToken);
                    return Tokens(tokens, withIdToken: true);
                }

                case "client_credentials":
                {
                    if (!flows.Contains(OAuthClientRules.ClientCredentialsFlow) || client.Options.Secret is null)
                    {
                        return Error("unauthorized_client", "This app client may not use the client_credentials grant.");
                    }

                    var allowed = (client.Options.AllowedOAuthScopes ?? []).Where(s => !OAuthClientRules.StandardScopes.Contains(s)).ToList();
                    var requested = form["scope"].FirstOrDefault() is { } text
                        ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList()
                        : allowed;
                    if (requested.Count == 0 || requested.Any(s => !allowed.Contains(s)))
                    {
                        return Error("invalid_scope", "client_credentials grants only this client's resource-server scopes.");
                    }

                    var tokens = await issuer.IssueForClientAsync(client, origin, string.Join(' ', requested), cancellationToken);
                    return Tokens(tokens, withIdToken: false);
                }

                case null:
                    return Error("invalid_request", "grant_type is required.");
                default:
                    return Error("unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials.");
            }
        }
        catch (InvalidGrantException e)
        {
            return Error("invalid_grant", e.Message);
        }
        catch (CognitoException e) when (e.Type is CognitoErrors.NotAuthorized or CognitoErrors.UserNotFound or "RefreshTokenReuseException")
        {
            return Error("invalid_grant", e.Message);
        }
    }

    /// <summary>
    /// GET or POST /oauth2/userInfo with <c>Authorization: Bearer</c>: the user's attributes within the token's scopes
    /// (Cognito developer guide, "The user attributes endpoint": <c>openid</c> alone or with <c>profile</c> gives every
    /// attribute; <c>email</c> and <c>phone</c> give theirs; the access token must carry <c>openid</c>).
    /// </summary>
    public async Task<IResult> UserInfoAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var header = context.Request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 8192)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Json(new Dictionary<string, string> { ["error"] = "invalid_request", ["error_description"] = "A Bearer access token is required." },
                OAuthJsonContext.Default.DictionaryStringString, statusCode: StatusCodes.Status401Unauthorized);
        }

        try
        {
            var claims = await validator.ValidateAsync(header[7..].Trim(), TokenIssuer.PublicOrigin(options.Value, context.Request), cancellationToken, "openid");
            var user = await users.FindAsync(claims.PoolId, claims.Username, cancellationToken);
            if (user is null || user.Sub != claims.Sub || !user.Enabled)
            {
                throw CognitoErrors.InvalidAccessToken();
            }

            var scopes = claims.Scope.Split(' ');
            var all = scopes.Contains("profile") || !scopes.Any(s => s is "email" or "phone");
            var info = new Dictionary<string, object>(StringComparer.Ordinal) { ["sub"] = user.Sub };
            foreach (var (name, value) in user.AllAttributes())
            {
                var inScope = all
                    || (scopes.Contains("email") && name is UserAttributes.Email or UserAttributes.EmailVerified)
                    || (scopes.Contains("phone") && name is UserAttributes.PhoneNumber or UserAttributes.PhoneNumberVerified);
                if (inScope && name != "sub")
                {
                    info[name] = value;
                }
            }

            info["username"] = user.Username;
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(info, OAuthJsonContext.Default.DictionaryStringObject);
        }
        catch (CognitoException)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Results.Json(new Dictionary<string, string>
            {
                ["error"] = "invalid_token",
                ["error_description"] = "Access token is expired, disabled, or deleted, or the user has globally signed out.",
            }, OAuthJsonContext.Default.DictionaryStringString, statusCode: StatusCodes.Status401Unauthorized);
        }
    }

    /// <summary>POST /oauth2/revoke (RFC 7009): revokes a refresh token and every token of its sign-in.</summary>
    public async Task<IResult> RevokeAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (await Forms.ReadAsync(context.Request, cancellationToken) is not { } form)
        {
            return Error("invalid_request", "The body must be application/x-www-form-urlencoded.");
        }

        var (client, failure) = Authenticate(context.Request, form);
        if (failure is not null)
        {
            return failure;
        }

        if (form["token"].FirstOrDefault() is not { Length: > 0 and <= 4096 } token)
        {
            return Error("invalid_request", "token is required.");
        }

        if (form["token_type_hint"].FirstOrDefault() is "access_token" || token.Count(c => c == '.') == 2)
        {
            // Cognito revokes refresh tokens (and with them the access tokens of their sign-in), not JWTs one by one.
            return Error("unsupported_token_type", "Only refresh tokens can be revoked.");
        }

        var record = await refreshTokens.FindAsync(TokenIssuer.HashRefreshToken(token), cancellationToken);
        if (record is not null)
        {
            if (record.ClientId != client!.ClientId)
            {
                return Error("invalid_request", "The token was not issued to this client.");
            }

            await refreshTokens.RevokeAsync(record.OriginJti, time.GetUtcNow(), cancellationToken);
        }

        // RFC 7009 §2.2: an unknown or dead token is revoked already.
        return Results.Ok();
    }

    /// <summary>
    /// Client authentication (RFC 6749 §2.3.1): <c>client_secret_basic</c> (form-encoded id and secret in the Basic
    /// header) or <c>client_secret_post</c>; a client without a secret names itself with <c>client_id</c>.
    /// </summary>
    private (AppClient? Client, IResult? Failure) Authenticate(HttpRequest request, IFormCollection form)
    {
        string? clientId = form["client_id"].FirstOrDefault();
        string? secret = form["client_secret"].FirstOrDefault();
        var basic = false;
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            basic = true;
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            }
            catch (FormatException)
            {
                return (null, InvalidClient(basic));
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || (clientId is not null && clientId != Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '))))
            {
                return (null, InvalidClient(basic));
            }

            clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
        }

        if (clientId is not { Length: > 0 and <= 128 } || pools.FindClient(clientId) is not { } client)
        {
            return (null, InvalidClient(basic));
        }

        if (client.Options.Secret is { } expected
            && !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(secret ?? string.Empty)))
        {
            return (null, InvalidClient(basic));
        }

        return (client, null);
    }

    private static OAuthError InvalidClient(bool basic) => new OAuthError("invalid_client", "Client authentication failed.", StatusCodes.Status401Unauthorized, basic);

    private static OAuthError Error(string error, string description) => new OAuthError(error, description, StatusCodes.Status400BadRequest, false);

    private static TokenResponse Tokens(AuthenticationResult tokens, bool withIdToken) => new TokenResponse(tokens, withIdToken);

    /// <summary>RFC 6749 §5.1: the token response, never cached.</summary>
    private sealed class TokenResponse(AuthenticationResult tokens, bool withIdToken) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.Headers.Pragma = "no-cache";
            httpContext.Response.ContentType = "application/json;charset=UTF-8";
            await using var writer = new Utf8JsonWriter(httpContext.Response.Body);
            writer.WriteStartObject();
            if (withIdToken && tokens.IdToken.Length > 0)
            {
                writer.WriteString("id_token", tokens.IdToken);
            }

            writer.WriteString("access_token", tokens.AccessToken);
            if (tokens.RefreshToken is { } refreshToken)
            {
                writer.WriteString("refresh_token", refreshToken);
            }

            writer.WriteNumber("expires_in", tokens.ExpiresIn);
            writer.WriteString("token_type", "Bearer");
            writer.WriteEndObject();
        }
    }

    /// <summary>RFC 6749 §5.2: <c>{"error", "error_description"}</c>; 401 with <c>WWW-Authenticate</c> for a failed Basic authentication.</summary>
    private sealed class OAuthError(string error, string description, int status, bool basic) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.CacheControl = "no-store";
            if (basic)
            {
                httpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"oauth2\"";
            }

            return httpContext.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description },
                OAuthJsonContext.Default.DictionaryStringString);
        }
    }
}
