using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Sesame.Configuration;

/// <summary>Checks the whole configuration at start-up, so a bad setting stops the server with a message naming it.</summary>
internal sealed partial class SesameOptionsValidator : IValidateOptions<SesameOptions>
{
    private static readonly HashSet<string> KnownFlows = new(StringComparer.Ordinal)
    {
        "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    };

    /// <summary>The names <c>Limits:RefusedNumberKinds</c> accepts: libphonenumber's types as Users.PhoneNumberKind names them, and None.</summary>
    public static readonly IReadOnlyList<string> NumberKinds =
    [
        "None", "FixedLine", "Mobile", "FixedLineOrMobile", "TollFree", "PremiumRate", "SharedCost", "Voip", "PersonalNumber", "Pager", "Uan", "Voicemail",
    ];

    public ValidateOptionsResult Validate(string? name, SesameOptions options)
    {
        var errors = new List<string>();
        const string root = SesameOptions.SectionName;

        var storage = options.Storage;
        if (string.Equals(storage.Provider, StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(storage.ConnectionString))
            {
                errors.Add($"{root}:Storage:ConnectionString is required when {root}:Storage:Provider is 'Postgres', e.g. Host=127.0.0.1;Port=5432;Username=sesame;Password=…;Database=sesame.");
            }
        }
        else if (!string.Equals(storage.Provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{root}:Storage:Provider '{storage.Provider}' is not supported; use 'Sqlite' or 'Postgres'.");
        }

        if (storage.RefreshInterval < TimeSpan.FromSeconds(1) || storage.RefreshInterval > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{root}:Storage:RefreshInterval must be between 00:00:01 and 00:05:00.");
        }

        if (storage.SweepInterval < TimeSpan.FromSeconds(1) || storage.SweepInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{root}:Storage:SweepInterval must be between 00:00:01 and 1.00:00:00.");
        }

        if (options.SigningKeys.PublishAhead < 2 * storage.RefreshInterval)
        {
            errors.Add($"{root}:SigningKeys:PublishAhead must be at least twice {root}:Storage:RefreshInterval, so every node holds a new key before it signs.");
        }

        if (options.SigningKeys.RotationInterval is { } rotation && rotation <= options.SigningKeys.PublishAhead)
        {
            errors.Add($"{root}:SigningKeys:RotationInterval must be longer than {root}:SigningKeys:PublishAhead.");
        }

        if (storage.SqliteSynchronous is not ("Full" or "Normal"))
        {
            errors.Add($"{root}:Storage:SqliteSynchronous must be 'Full' or 'Normal'.");
        }

        if (options.PublicOrigin is { } origin
            && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.PathAndQuery != "/" || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || origin.Contains('#', StringComparison.Ordinal)))
        {
            errors.Add($"{root}:PublicOrigin must be an absolute http(s) URL with no path, e.g. https://auth.example.com.");
        }

        foreach (var proxy in options.TrustedProxies)
        {
            if (!IPNetworks.TryParse(proxy, out _))
            {
                errors.Add($"{root}:TrustedProxies: '{proxy}' is neither an IP address nor a CIDR network (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8).");
            }
        }

        foreach (var network in options.Metrics.AllowedNetworks)
        {
            if (!IPNetworks.TryParse(network, out _))
            {
                errors.Add($"{root}:Metrics:AllowedNetworks: '{network}' is neither an IP address nor a CIDR network (e.g. 127.0.0.1, 10.0.0.0/8).");
            }
        }

        if (options.MaxRequestBodyBytes is < 4096 or > 1024 * 1024)
        {
            errors.Add($"{root}:MaxRequestBodyBytes must be between 4096 and 1048576.");
        }

        // No configured pool is valid: pools created with CreateUserPool or `sesame pools create` live in the store, and a
        // deployment that manages its pools that way (docs/deployment.md) starts with none in its settings.

        var clientIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (poolId, pool) in options.UserPools)
        {
            var at = $"{root}:UserPools:{poolId}";
            if (poolId.Length > 55 || !PoolIdPattern().IsMatch(poolId))
            {
                errors.Add($"{at}: the pool id must look like '<region>_<id>' (e.g. us-east-1_SesameDev); Amplify reads the region from it.");
            }

            foreach (var attribute in pool.UsernameAttributes ?? [])
            {
                if (attribute is not ("phone_number" or "email"))
                {
                    errors.Add($"{at}:UsernameAttributes may hold only 'phone_number' and 'email', not '{attribute}'.");
                }
            }

            if (pool.PasswordRequired && pool.PasswordMode == PasswordMode.None)
            {
                errors.Add($"{at}:PasswordRequired is true but {at}:PasswordMode is None; set one of them.");
            }

            if (pool.PasswordMinimumLength is < 6 or > 99)
            {
                errors.Add($"{at}:PasswordMinimumLength must be between 6 and 99.");
            }

            if (pool.PasswordTemporaryValidityDays is < 0 or > 365)
            {
                errors.Add($"{at}:PasswordTemporaryValidityDays must be between 0 and 365.");
            }

            if (pool.PasswordHistorySize is < 0 or > 24)
            {
                errors.Add($"{at}:PasswordHistorySize must be between 0 and 24.");
            }

            foreach (var country in pool.Limits.SmsCountries ?? [])
            {
                if (!SmsCountryPattern().IsMatch(country))
                {
                    errors.Add($"{at}:Limits:SmsCountries: '{country}' is neither a region code (US, GB), a calling code (+1, +44) nor '*'.");
                }
            }

            foreach (var kind in pool.Limits.RefusedNumberKinds ?? [])
            {
                if (!NumberKinds.Contains(kind))
                {
                    errors.Add($"{at}:Limits:RefusedNumberKinds: '{kind}' is not one of {string.Join(", ", NumberKinds)}.");
                }
            }

            if (pool.Limits.PrefixUnconvertedPerHour < 0 || pool.Limits.PrefixBlock < TimeSpan.Zero)
            {
                errors.Add($"{at}:Limits:PrefixUnconvertedPerHour and PrefixBlock must not be negative.");
            }

            var code = pool.OneTimeCode;
            if (code.Length is < 6 or > 10)
            {
                errors.Add($"{at}:OneTimeCode:Length must be between 6 and 10.");
            }

            if (code.Lifetime < TimeSpan.FromMinutes(1) || code.Lifetime > TimeSpan.FromMinutes(15))
            {
                errors.Add($"{at}:OneTimeCode:Lifetime must be between 00:01:00 and 00:15:00.");
            }

            if (code.MaxAttempts is < 1 or > 10)
            {
                errors.Add($"{at}:OneTimeCode:MaxAttempts must be between 1 and 10.");
            }

            CheckTemplate(errors, $"{at}:OneTimeCode:SmsMessage", code.SmsMessage);
            CheckTemplate(errors, $"{at}:OneTimeCode:EmailMessage", code.EmailMessage);

            var confirmation = pool.ConfirmationCode;
            if (confirmation.Length is < 6 or > 10)
            {
                errors.Add($"{at}:ConfirmationCode:Length must be between 6 and 10.");
            }

            if (confirmation.Lifetime < TimeSpan.FromMinutes(1) || confirmation.Lifetime > TimeSpan.FromHours(24))
            {
                errors.Add($"{at}:ConfirmationCode:Lifetime must be between 00:01:00 and 1.00:00:00.");
            }

            if (confirmation.MaxAttempts is < 1 or > 10)
            {
                errors.Add($"{at}:ConfirmationCode:MaxAttempts must be between 1 and 10.");
            }

            CheckTemplate(errors, $"{at}:ConfirmationCode:SmsMessage", confirmation.SmsMessage);
            CheckTemplate(errors, $"{at}:ConfirmationCode:EmailMessage", confirmation.EmailMessage);

            if (pool.Clients.Count == 0)
            {
                errors.Add($"{at}:Clients is empty: configure at least one app client.");
            }

            foreach (var (clientId, client) in pool.Clients)
            {
                var cat = $"{at}:Clients:{clientId}";
                if (clientId.Length > 128 || !ClientIdPattern().IsMatch(clientId))
                {
                    errors.Add($"{cat}: a client id may hold only letters, digits, '_' and '+' (at most 128).");
                }

                if (!clientIds.Add(clientId))
                {
                    errors.Add($"{cat}: the client id is used by another pool too; client ids must be unique.");
                }

                foreach (var flow in client.ExplicitAuthFlows ?? [])
                {
                    if (!KnownFlows.Contains(flow))
                    {
                        errors.Add($"{cat}:ExplicitAuthFlows: unknown flow '{flow}'.");
                    }
                }

                if (client.AuthSessionValidity < TimeSpan.FromMinutes(3) || client.AuthSessionValidity > TimeSpan.FromMinutes(15))
                {
                    errors.Add($"{cat}:AuthSessionValidity must be between 00:03:00 and 00:15:00.");
                }

                CheckRange(errors, $"{cat}:AccessTokenValidity", client.AccessTokenValidity, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1));
                CheckRange(errors, $"{cat}:IdTokenValidity", client.IdTokenValidity, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1));
                CheckRange(errors, $"{cat}:RefreshTokenValidity", client.RefreshTokenValidity, TimeSpan.FromHours(1), TimeSpan.FromDays(3650));

                if (client.Secret is { Length: < 16 })
                {
                    errors.Add($"{cat}:Secret must be at least 16 characters when set.");
                }

                CheckOAuth(errors, cat, client);
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckOAuth(List<string> errors, string at, AppClientOptions client)
    {
        foreach (var problem in new[]
        {
            OAuthClientRules.CheckFlows(client.AllowedOAuthFlows, client.Secret is not null),
            OAuthClientRules.CheckScopes(client.AllowedOAuthScopes),
            OAuthClientRules.CheckUrls(client.CallbackURLs, "CallbackURLs"),
            OAuthClientRules.CheckUrls(client.LogoutURLs, "LogoutURLs"),
        })
        {
            if (problem is not null)
            {
                errors.Add($"{at}: {problem}");
            }
        }

        if (client.DefaultRedirectURI is { } defaultUri && !(client.CallbackURLs ?? []).Contains(defaultUri))
        {
            errors.Add($"{at}:DefaultRedirectURI must be one of {at}:CallbackURLs.");
        }

        if (client.AllowedOAuthFlowsUserPoolClient && (client.AllowedOAuthFlows is not { Count: > 0 } || client.AllowedOAuthScopes is not { Count: > 0 }))
        {
            errors.Add($"{at}:AllowedOAuthFlowsUserPoolClient is true, so AllowedOAuthFlows and AllowedOAuthScopes must name at least one flow and scope.");
        }

        if (OAuthClientRules.ContrastWithWhite(client.Branding.PrimaryColor) is not { } contrast)
        {
            errors.Add($"{at}:Branding:PrimaryColor must be a colour written #rrggbb.");
        }
        else if (contrast < 4.5)
        {
            errors.Add($"{at}:Branding:PrimaryColor {client.Branding.PrimaryColor} gives white text a contrast of {contrast:0.0}:1; WCAG 2.2 AA needs 4.5:1. Pick a darker colour.");
        }

        if (client.Branding.LogoUrl is { } logo && OAuthClientRules.CheckUrls([logo], "Branding:LogoUrl") is { } logoProblem)
        {
            errors.Add($"{at}: {logoProblem}");
        }
    }

    private static void CheckTemplate(List<string> errors, string setting, string template)
    {
        if (!template.Contains("{####}", StringComparison.Ordinal))
        {
            errors.Add($"{setting} must contain the code placeholder {{####}}.");
        }
    }

    private static void CheckRange(List<string> errors, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{setting} must be between {min} and {max}.");
        }
    }

    [GeneratedRegex(@"^[\w-]+_[0-9a-zA-Z]+$")]
    private static partial Regex PoolIdPattern();

    [GeneratedRegex(@"^(\*|[A-Z]{2}|\+[1-9][0-9]{0,2})$")]
    private static partial Regex SmsCountryPattern();

    [GeneratedRegex(@"^[\w+]+$")]
    private static partial Regex ClientIdPattern();
}
