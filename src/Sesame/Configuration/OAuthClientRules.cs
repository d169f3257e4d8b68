namespace Sesame.Configuration;

/// <summary>
/// Cognito's rules for an app client's OAuth settings (CreateUserPoolClient API reference: <c>AllowedOAuthFlows</c>,
/// <c>AllowedOAuthScopes</c>, <c>CallbackURLs</c>, <c>LogoutURLs</c>), shared by start-up validation of configured
/// clients and by the operations that create or change clients through the API. Each rule answers the first problem
/// in words that name the member, or null.
/// </summary>
public static class OAuthClientRules
{
    /// <summary>The OAuth grant Cognito calls <c>code</c>: authorization code, with PKCE for public clients.</summary>
    public const string CodeFlow = "code";

    /// <summary>Cognito's <c>implicit</c> flow: accepted in settings, not served (the hosted UI answers unsupported_response_type).</summary>
    public const string ImplicitFlow = "implicit";

    /// <summary>Machine-to-machine tokens for a confidential client.</summary>
    public const string ClientCredentialsFlow = "client_credentials";

    /// <summary>The scope that lets an access token call Cognito's user operations (GetUser, UpdateUserAttributes…).</summary>
    public const string AdminScope = "aws.cognito.signin.user.admin";

    /// <summary>The scopes Cognito defines itself; any other must be a resource-server scope (<c>identifier/name</c>).</summary>
    public static readonly IReadOnlyList<string> StandardScopes = ["openid", "email", "phone", "profile", AdminScope];

    private static readonly string[] Flows = [CodeFlow, ImplicitFlow, ClientCredentialsFlow];

    /// <summary>The first problem with these flows for a client with or without a secret, or null.</summary>
    public static string? CheckFlows(IReadOnlyCollection<string>? flows, bool hasSecret)
    {
        if (flows is null)
        {
            return null;
        }

        if (flows.FirstOrDefault(f => !Flows.Contains(f)) is { } unknown)
        {
            return $"AllowedOAuthFlows: unknown flow '{unknown}'; use code, implicit or client_credentials.";
        }

        if (flows.Contains(ClientCredentialsFlow) && flows.Any(f => f != ClientCredentialsFlow))
        {
            return "client_credentials flow can not be selected along with code flow or implicit flow.";
        }

        if (flows.Contains(ClientCredentialsFlow) && !hasSecret)
        {
            return "client_credentials flow can not be selected if client does not have a client secret.";
        }

        return null;
    }

    /// <summary>The first scope that is neither Cognito's nor shaped like a resource-server scope, or null.</summary>
    public static string? CheckScopes(IReadOnlyCollection<string>? scopes)
    {
        foreach (var scope in scopes ?? [])
        {
            if (!IsKnownScope(scope))
            {
                return $"Invalid scope requested: {scope}";
            }
        }

        return null;
    }

    /// <summary>Cognito's scopes, or <c>resourceServer/scope</c> (Sesame has no resource servers to check them against).</summary>
    public static bool IsKnownScope(string scope) =>
        StandardScopes.Contains(scope)
        || (scope.Length is > 2 and <= 256 && scope.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash && slash < scope.Length - 1
            && !scope.Any(char.IsWhiteSpace));

    /// <summary>
    /// The first URL that cannot be a redirect target, or null: absolute, no fragment, and https except
    /// <c>http://localhost</c> (and loopback addresses) for development; app schemes such as <c>myapp://callback</c> are allowed.
    /// </summary>
    public static string? CheckUrls(IReadOnlyCollection<string>? urls, string member)
    {
        foreach (var url in urls ?? [])
        {
            if (url.Length > 1024 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || url.Contains('#', StringComparison.Ordinal))
            {
                return $"{member}: '{Shorten(url)}' must be an absolute URL without a fragment.";
            }

            if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            {
                return $"{member}: '{Shorten(url)}' must use https; http is allowed for localhost only.";
            }

            if (uri.Scheme is "javascript" or "data" or "file" or "vbscript")
            {
                return $"{member}: '{Shorten(url)}' uses a scheme that cannot be a redirect target.";
            }
        }

        return null;
    }

    /// <summary>The WCAG 2.2 contrast ratio of white text on <paramref name="hex"/> (<c>#rrggbb</c>), or null for anything else.</summary>
    public static double? ContrastWithWhite(string? hex)
    {
        if (hex is not { Length: 7 } || hex[0] != '#' || !int.TryParse(hex.AsSpan(1), System.Globalization.NumberStyles.HexNumber, null, out var rgb))
        {
            return null;
        }

        static double Channel(int value)
        {
            var c = value / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        var luminance = (0.2126 * Channel((rgb >> 16) & 0xff)) + (0.7152 * Channel((rgb >> 8) & 0xff)) + (0.0722 * Channel(rgb & 0xff));
        return 1.05 / (luminance + 0.05);
    }

    private static string Shorten(string url) => url.Length > 80 ? url[..80] + "…" : url;
}
