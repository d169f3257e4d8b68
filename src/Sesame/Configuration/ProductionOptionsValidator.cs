using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sesame.Configuration;

/// <summary>
/// Settings that Development may leave out or loosen and every other environment must give. Without a configured
/// <see cref="SesameOptions.PublicOrigin"/> a token's <c>iss</c> would come from the request's Host header, which any
/// client can set: tokens a resource server trusts must not name an issuer the caller chose.
/// </summary>
internal sealed class ProductionOptionsValidator(IHostEnvironment environment) : IValidateOptions<SesameOptions>
{
    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.PathAndQuery == "/" && !value.EndsWith('/') && uri.UserInfo.Length == 0 && uri.Fragment.Length == 0;

    public ValidateOptionsResult Validate(string? name, SesameOptions options)
    {
        const string root = SesameOptions.SectionName;
        var errors = new List<string>();
        foreach (var origin in options.Cors.AllowedOrigins)
        {
            if (origin != "*" && !IsOrigin(origin))
            {
                errors.Add($"{root}:Cors:AllowedOrigins: '{origin}' is not an origin (scheme://host[:port], no path), e.g. https://app.example.com.");
            }
        }

        if (!environment.IsDevelopment())
        {
            if (string.IsNullOrWhiteSpace(options.PublicOrigin))
            {
                errors.Add($"{root}:PublicOrigin is required outside the Development environment (it is the origin of every " +
                    "token issuer, e.g. https://auth.example.com); without it the request's Host header would choose the issuer.");
            }

            if (string.Equals(options.Storage.Provider, StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(options.Secrets.MasterKey))
            {
                // Development lets the first node generate the key into the database; elsewhere the database must not hold
                // the key that opens what it stores (signing keys, queued messages, client secrets): a stolen dump or backup
                // would give all of it away (docs/scaling.md, "Secrets").
                errors.Add($"{root}:Secrets:MasterKey is required outside the Development environment when {root}:Storage:Provider is 'Postgres': " +
                    "give every node the same base64 key of 32 bytes or more (e.g. openssl rand -base64 32), from a secret store, not the database.");
            }

            if (options.Cors.AllowedOrigins.Contains("*"))
            {
                errors.Add($"{root}:Cors:AllowedOrigins: '*' is for Development only; list the origins of your web apps.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
