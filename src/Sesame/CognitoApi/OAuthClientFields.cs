using Sesame.Cognito;
using Sesame.Configuration;

namespace Sesame.CognitoApi;

/// <summary>
/// The OAuth members of CreateUserPoolClient (and of any operation that changes a client, such as UpdateUserPoolClient):
/// checked with Cognito's rules and errors, then written to the client's settings. Absent members leave the settings as
/// they are.
/// </summary>
internal static class OAuthClientFields
{
    public static void Apply(
        AppClientOptions settings, bool? allowedOAuthFlowsUserPoolClient, List<string>? allowedOAuthFlows, List<string>? allowedOAuthScopes,
        List<string>? callbackUrls, List<string>? logoutUrls, string? defaultRedirectUri, List<string>? supportedIdentityProviders)
    {
        if (allowedOAuthFlows is not null)
        {
            if (allowedOAuthFlows.Any(f => f is not (OAuthClientRules.CodeFlow or OAuthClientRules.ImplicitFlow or OAuthClientRules.ClientCredentialsFlow)))
            {
                throw CognitoErrors.Validation("allowedOAuthFlows", "Member must satisfy constraint: [Member must satisfy enum value set: [implicit, client_credentials, code]]",
                    "[" + string.Join(", ", allowedOAuthFlows) + "]");
            }

            settings.AllowedOAuthFlows = [.. allowedOAuthFlows.Distinct(StringComparer.Ordinal)];
        }

        if (allowedOAuthScopes is not null)
        {
            if (OAuthClientRules.CheckScopes(allowedOAuthScopes) is { } problem)
            {
                throw CognitoErrors.Error("ScopeDoesNotExistException", problem);
            }

            settings.AllowedOAuthScopes = [.. allowedOAuthScopes.Distinct(StringComparer.Ordinal)];
        }

        if (callbackUrls is not null)
        {
            CheckUrls(callbackUrls, "CallbackURLs");
            settings.CallbackURLs = [.. callbackUrls.Distinct(StringComparer.Ordinal)];
        }

        if (logoutUrls is not null)
        {
            CheckUrls(logoutUrls, "LogoutURLs");
            settings.LogoutURLs = [.. logoutUrls.Distinct(StringComparer.Ordinal)];
        }

        if (defaultRedirectUri is not null)
        {
            settings.DefaultRedirectURI = defaultRedirectUri;
        }

        if (settings.DefaultRedirectURI is { } defaultUri && !(settings.CallbackURLs ?? []).Contains(defaultUri))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "DefaultRedirectURI must be one of the CallbackURLs.");
        }

        if (supportedIdentityProviders?.FirstOrDefault(p => p != "COGNITO") is { } provider)
        {
            // Federation with other identity providers is not part of Sesame.
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"The provider {provider} does not exist for User Pool; Sesame supports COGNITO only.");
        }

        if (allowedOAuthFlowsUserPoolClient is { } allowed)
        {
            settings.AllowedOAuthFlowsUserPoolClient = allowed;
        }

        if (OAuthClientRules.CheckFlows(settings.AllowedOAuthFlows, settings.Secret is not null) is { } flowProblem)
        {
            throw CognitoErrors.Error("InvalidOAuthFlowException", flowProblem);
        }

        if (settings.AllowedOAuthFlowsUserPoolClient)
        {
            if (settings.AllowedOAuthFlows is not { Count: > 0 } || settings.AllowedOAuthScopes is not { Count: > 0 })
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                    "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.");
            }

            if (settings.AllowedOAuthFlows.Any(f => f != OAuthClientRules.ClientCredentialsFlow) && settings.CallbackURLs is not { Count: > 0 })
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "CallbackURLs are required for the code and implicit flows.");
            }
        }
    }

    private static void CheckUrls(List<string> urls, string member)
    {
        if (urls.Count > 100)
        {
            throw CognitoErrors.Validation(member[0..1].ToLowerInvariant() + member[1..], "Member must have length less than or equal to 100");
        }

        if (OAuthClientRules.CheckUrls(urls, member) is { } problem)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, problem);
        }
    }
}
