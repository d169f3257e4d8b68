using Microsoft.AspNetCore.WebUtilities;
using Sesame.Configuration;
using Sesame.Pools;

namespace Sesame.OAuth;

/// <summary>The outcome of checking an authorization request (RFC 6749 §4.1.1, §4.1.2.1; OpenID Connect Core §3.1.2).</summary>
internal abstract record AuthorizeCheck
{
    /// <summary>
    /// No trustworthy redirect URI (unknown client, unregistered redirect_uri): an error page, never a redirect. The
    /// message is the page's string <paramref name="Key"/> (PageStrings_*.resx), with <paramref name="Argument"/> if any.
    /// </summary>
    public sealed record Refused(string Key, string? Argument = null) : AuthorizeCheck;

    /// <summary>A request error told to the client at its redirect URI.</summary>
    public sealed record RedirectError(string Location) : AuthorizeCheck;

    public sealed record Valid(AppClient Client, AuthorizeParameters Parameters) : AuthorizeCheck;
}

/// <summary>
/// Checks /oauth2/authorize (and /login) the way Cognito's authorization endpoint does: the client must allow OAuth;
/// <c>redirect_uri</c> must be one of its <c>CallbackURLs</c>, compared exactly; only <c>response_type=code</c> is
/// served; <c>scope</c> must be within <c>AllowedOAuthScopes</c> (all of them when absent, as Cognito grants); PKCE
/// with S256 is required of clients without a secret; <c>identity_provider</c> may only be <c>COGNITO</c>; <c>prompt</c>
/// is <c>login</c>, <c>none</c>, <c>select_account</c> or <c>consent</c>; <c>max_age</c> is a whole number of seconds.
/// </summary>
internal static class AuthorizeRequest
{
    public static AuthorizeCheck Check(IQueryCollection query, UserPools pools)
    {
        string? One(string name) => query[name].Count == 1 ? query[name][0] : null;

        foreach (var name in new[] { "client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "prompt", "max_age", "ui_locales", "lang" })
        {
            if (query[name].Count > 1)
            {
                return new AuthorizeCheck.Refused("Error_DuplicateParameter", name);
            }
        }

        if (One("client_id") is not { Length: > 0 and <= 128 } clientId || pools.FindClient(clientId) is not { } client)
        {
            return new AuthorizeCheck.Refused("Error_UnknownClient");
        }

        var options = client.Options;
        var redirectUri = One("redirect_uri") ?? options.DefaultRedirectURI;
        if (redirectUri is null || !(options.CallbackURLs ?? []).Contains(redirectUri, StringComparer.Ordinal))
        {
            // Cognito answers redirect_mismatch on its own error page: never send the browser to an unregistered address.
            return new AuthorizeCheck.Refused("Error_RedirectMismatch");
        }

        var state = One("state");
        var forErrors = new AuthorizeParameters(client.ClientId, redirectUri, string.Empty, state, null, null, null);
        AuthorizeCheck Error(string error, string description) => new AuthorizeCheck.RedirectError(ErrorRedirect(forErrors, error, description));

        if (!options.AllowedOAuthFlowsUserPoolClient || !(options.AllowedOAuthFlows ?? []).Contains(OAuthClientRules.CodeFlow))
        {
            return Error("unauthorized_client", "This app client may not use the authorization code flow.");
        }

        switch (One("response_type"))
        {
            case null:
                return Error("invalid_request", "response_type is required.");
            case "code":
                break;
            default:
                return Error("unsupported_response_type", "Only response_type=code is supported.");
        }

        var allowed = options.AllowedOAuthScopes ?? [];
        var requested = One("scope") is { } scopeText
            ? scopeText.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList()
            : [.. allowed.Where(s => OAuthClientRules.StandardScopes.Contains(s))];
        if (requested.Count == 0)
        {
            return Error("invalid_scope", "No scope requested.");
        }

        if (requested.FirstOrDefault(s => !allowed.Contains(s)) is { } notAllowed)
        {
            return Error("invalid_scope", $"The scope {notAllowed} is not allowed for this app client.");
        }

        var challenge = One("code_challenge");
        var method = One("code_challenge_method");
        if (challenge is null)
        {
            if (options.Secret is null)
            {
                return Error("invalid_request", "code_challenge is required (PKCE with S256) for an app client without a secret.");
            }

            if (method is not null)
            {
                return Error("invalid_request", "code_challenge_method without code_challenge.");
            }
        }
        else if (method != "S256")
        {
            return Error("invalid_request", "code_challenge_method must be S256.");
        }
        else if (challenge.Length != 43 || !challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return Error("invalid_request", "code_challenge must be the 43-character base64url SHA-256 of the code_verifier.");
        }

        if (One("identity_provider") is { } provider && provider != "COGNITO")
        {
            return Error("invalid_request", $"The identity provider {provider} is not available: Sesame signs users in itself (COGNITO).");
        }

        if (query.ContainsKey("idp_identifier"))
        {
            return Error("invalid_request", "idp_identifier is not supported: Sesame has no federated identity providers.");
        }

        var prompt = One("prompt");
        if (prompt is not (null or "login" or "none" or "select_account" or "consent"))
        {
            return Error("invalid_request", "prompt must be login, none, select_account or consent.");
        }

        if (One("nonce") is { Length: > 512 } || state is { Length: > 2048 })
        {
            return Error("invalid_request", "nonce or state is too long.");
        }

        long? maxAge = null;
        if (One("max_age") is { } maxAgeText)
        {
            if (maxAgeText.Length is 0 or > 10 || !maxAgeText.All(char.IsAsciiDigit))
            {
                return Error("invalid_request", "max_age must be a whole number of seconds.");
            }

            maxAge = long.Parse(maxAgeText, System.Globalization.CultureInfo.InvariantCulture);
        }

        return new AuthorizeCheck.Valid(client, new AuthorizeParameters(client.ClientId, redirectUri, string.Join(' ', requested), state, One("nonce"), challenge, prompt)
        {
            MaxAge = maxAge,
        });
    }

    /// <summary>The client's redirect with a fresh code (and the request's state).</summary>
    public static string CodeRedirect(AuthorizeParameters request, string code) => QueryHelpers.AddQueryString(request.RedirectUri,
        request.State is null
            ? new Dictionary<string, string?> { ["code"] = code }
            : new Dictionary<string, string?> { ["code"] = code, ["state"] = request.State });

    /// <summary>An error for the client at its redirect URI (RFC 6749 §4.1.2.1).</summary>
    public static string ErrorRedirect(AuthorizeParameters request, string error, string description) => QueryHelpers.AddQueryString(request.RedirectUri,
        request.State is null
            ? new Dictionary<string, string?> { ["error"] = error, ["error_description"] = description }
            : new Dictionary<string, string?> { ["error"] = error, ["error_description"] = description, ["state"] = request.State });
}
