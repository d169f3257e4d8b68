using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Users;

namespace Sesame.Delivery;

/// <summary>Checks <c>Sesame:Delivery</c> and each pool's <c>Delivery</c> at start-up, naming the setting that is wrong.</summary>
internal sealed class DeliveryOptionsValidator : IValidateOptions<SesameOptions>
{
    private static readonly HashSet<string> SmsTypes = new(StringComparer.OrdinalIgnoreCase) { "Twilio", "Vonage", "Plivo", "Sns", "Http", "Development" };
    private static readonly HashSet<string> EmailTypes = new(StringComparer.OrdinalIgnoreCase) { "Ses", "Smtp", "Http", "Development" };

    public ValidateOptionsResult Validate(string? name, SesameOptions options)
    {
        var errors = new List<string>();
        var delivery = options.Delivery;
        const string root = "Sesame:Delivery";

        foreach (var (providerName, provider) in delivery.Providers)
        {
            CheckProvider(errors, $"{root}:Providers:{providerName}", provider);
        }

        if (delivery.AttemptsPerProvider is < 1 or > 10)
        {
            errors.Add($"{root}:AttemptsPerProvider must be between 1 and 10.");
        }

        if (delivery.Parallelism is < 1 or > 256)
        {
            errors.Add($"{root}:Parallelism must be between 1 and 256.");
        }

        if (delivery.SendTimeout <= TimeSpan.Zero || delivery.Lease <= delivery.SendTimeout)
        {
            errors.Add($"{root}:Lease must be longer than {root}:SendTimeout, which must be positive.");
        }

        if (delivery.RetryDelay < TimeSpan.Zero || delivery.RequeueDelay <= TimeSpan.Zero || delivery.MaxMessageAge <= TimeSpan.Zero)
        {
            errors.Add($"{root}:RetryDelay, RequeueDelay and MaxMessageAge must be positive.");
        }

        var breaker = delivery.CircuitBreaker;
        if (breaker.FailureRatio is <= 0 or > 1 || breaker.MinimumThroughput < 2
            || breaker.SamplingDuration < TimeSpan.FromMilliseconds(500) || breaker.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{root}:CircuitBreaker: FailureRatio must be in (0, 1], MinimumThroughput at least 2, SamplingDuration and BreakDuration at least 0.5 s.");
        }

        // A dispatch that outlives its lease lets another node send the same message: the lease must cover the
        // longest failover chain at its worst (every call timing out).
        var longestChain = new[] { delivery.SmsProviders?.Count ?? 0, delivery.EmailProviders?.Count ?? 0 }
            .Concat(options.UserPools.Values.SelectMany(p => new[] { p.Delivery.SmsProviders?.Count ?? 0, p.Delivery.EmailProviders?.Count ?? 0 }))
            .Concat((delivery.Routes ?? []).Concat(options.UserPools.Values.SelectMany(p => p.Delivery.Routes ?? [])).Select(r => r.Providers?.Count ?? 0))
            .Max();
        var worstDispatch = delivery.SendTimeout * delivery.AttemptsPerProvider * Math.Max(1, longestChain);
        if (delivery.SendTimeout > TimeSpan.Zero && delivery.Lease <= worstDispatch)
        {
            errors.Add($"{root}:Lease ({delivery.Lease}) must be longer than SendTimeout × AttemptsPerProvider × the longest provider list ({worstDispatch}).");
        }

        CheckList(errors, $"{root}:SmsProviders", delivery.SmsProviders, delivery, SmsTypes);
        CheckList(errors, $"{root}:EmailProviders", delivery.EmailProviders, delivery, EmailTypes);
        CheckRoutes(errors, $"{root}:Routes", delivery.Routes, delivery);
        foreach (var (poolId, pool) in options.UserPools)
        {
            var at = $"Sesame:UserPools:{poolId}:Delivery";
            if (pool.Limits.SmsCostPerHour is < 0 or double.NaN || pool.Limits.SmsCostPerDay is < 0 or double.NaN)
            {
                errors.Add($"Sesame:UserPools:{poolId}:Limits:SmsCostPerHour and SmsCostPerDay must be zero (off) or more.");
            }

            CheckRoutes(errors, $"{at}:Routes", pool.Delivery.Routes, delivery);
            CheckList(errors, $"{at}:SmsProviders", pool.Delivery.SmsProviders, delivery, SmsTypes);
            CheckList(errors, $"{at}:EmailProviders", pool.Delivery.EmailProviders, delivery, EmailTypes);
            if (pool.Delivery.WebOtpDomain is { } domain && (domain.Length == 0 || domain.Any(c => char.IsWhiteSpace(c) || c is '@' or '#' or '/')))
            {
                errors.Add($"{at}:WebOtpDomain must be a bare host name, e.g. example.com.");
            }

            if (pool.Delivery.AndroidAppHash is { } hash && hash.Length != 11)
            {
                errors.Add($"{at}:AndroidAppHash must be the 11-character app hash.");
            }

            foreach (var (locale, templates) in pool.Delivery.Templates)
            {
                foreach (var (kind, t) in new[] { ("SignIn", templates.SignIn), ("SignUp", templates.SignUp), ("Invitation", templates.Invitation) })
                {
                    // An invitation need not carry a code (a passwordless user gets none), but it must say who to sign in as.
                    var (placeholder, what) = kind == "Invitation" ? ("{username}", "user name") : ("{####}", "code");
                    foreach (var (field, value) in new[] { ("SmsMessage", t.SmsMessage), ("EmailMessage", t.EmailMessage), ("EmailHtmlMessage", t.EmailHtmlMessage) })
                    {
                        if (value is not null && !value.Contains(placeholder, StringComparison.Ordinal))
                        {
                            errors.Add($"{at}:Templates:{locale}:{kind}:{field} must contain the {what} placeholder {placeholder}.");
                        }
                    }
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckList(List<string> errors, string at, List<string>? names, DeliveryOptions delivery, HashSet<string> types)
    {
        foreach (var providerName in names ?? [])
        {
            if (!delivery.Providers.TryGetValue(providerName, out var provider))
            {
                errors.Add($"{at} names '{providerName}', which is not in Sesame:Delivery:Providers.");
            }
            else if (!types.Contains(provider.Type))
            {
                errors.Add($"{at} names '{providerName}', a {provider.Type} provider, which cannot send on this channel.");
            }
        }
    }

    private static void CheckRoutes(List<string> errors, string at, List<DeliveryRouteOptions>? routes, DeliveryOptions delivery)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var caughtAll = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < (routes?.Count ?? 0); i++)
        {
            var route = routes![i];
            var here = $"{at}:{i}";
            if (string.IsNullOrWhiteSpace(route.Name) || route.Name.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\'))
            {
                errors.Add($"{here}:Name is required: a short name without spaces, e.g. india.");
            }
            else if (!names.Add(route.Name))
            {
                errors.Add($"{here}:Name '{route.Name}' is used by another route of the same list.");
            }

            var channel = route.Channel;
            if (channel is not null && !channel.Equals("Sms", StringComparison.OrdinalIgnoreCase) && !channel.Equals("Email", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{here}:Channel must be Sms or Email (or unset for both).");
            }

            var numbers = (route.CountryCodes?.Count ?? 0) + (route.Regions?.Count ?? 0) + (route.Prefixes?.Count ?? 0) > 0;
            if (numbers && channel is not null && channel.Equals("Email", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{here}: an Email route cannot match CountryCodes, Regions or Prefixes, which are about phone numbers.");
            }

            foreach (var code in route.CountryCodes ?? [])
            {
                if (code is < 1 or > 999 || PhoneNumberClassifier.RegionsFor(code).Count == 0)
                {
                    errors.Add($"{here}:CountryCodes: {code} is not a country calling code.");
                }
            }

            foreach (var region in route.Regions ?? [])
            {
                if (region.Length != 2 || !region.All(char.IsAsciiLetter))
                {
                    errors.Add($"{here}:Regions: '{region}' is not an ISO 3166-1 alpha-2 region such as US or IN.");
                }
            }

            foreach (var prefix in route.Prefixes ?? [])
            {
                if (prefix.Length < 2 || prefix[0] != '+' || !prefix[1..].All(char.IsAsciiDigit))
                {
                    errors.Add($"{here}:Prefixes: '{prefix}' must be + followed by digits, e.g. +4477.");
                }
            }

            if (route.Providers is not { Count: > 0 })
            {
                errors.Add($"{here}:Providers must name at least one provider of Sesame:Delivery:Providers.");
            }

            var sms = numbers || channel?.Equals("Sms", StringComparison.OrdinalIgnoreCase) == true;
            var email = !numbers && channel?.Equals("Email", StringComparison.OrdinalIgnoreCase) == true;
            var types = sms ? SmsTypes : email ? EmailTypes : null;
            foreach (var providerName in route.Providers ?? [])
            {
                if (!delivery.Providers.TryGetValue(providerName, out var provider))
                {
                    errors.Add($"{here}:Providers names '{providerName}', which is not in Sesame:Delivery:Providers.");
                }
                else if (types is not null && !types.Contains(provider.Type))
                {
                    errors.Add($"{here}:Providers names '{providerName}', a {provider.Type} provider, which cannot send {(sms ? "SMS" : "email")}.");
                }
            }

            if (route.CostPerMessage is < 0 or double.NaN)
            {
                errors.Add($"{here}:CostPerMessage must be zero or more.");
            }

            // A route that takes every message of a channel leaves nothing for the routes after it on that channel.
            var key = channel ?? "*";
            if (caughtAll.Contains(key) || caughtAll.Contains("*"))
            {
                errors.Add($"{here} ('{route.Name}') is never used: an earlier route without CountryCodes, Regions or Prefixes takes all its messages.");
            }

            if (!numbers)
            {
                caughtAll.Add(key);
            }
        }
    }

    private static void CheckHttpGateway(List<string> errors, string at, DeliveryProviderOptions p)
    {
        void Require(string setting, string? value, string why)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{at}:{setting} is required with {at}:Auth {why}.");
            }
        }

        switch (p.Auth)
        {
            case null or HttpGatewayAuth.None:
                break;
            case HttpGatewayAuth.Hmac:
                Require("SigningSecret", p.SigningSecret, "Hmac");
                break;
            case HttpGatewayAuth.Bearer:
                Require("AuthToken", p.AuthToken, "Bearer");
                break;
            case HttpGatewayAuth.Header:
                Require("ApiKey", p.ApiKey, "Header");
                Require("AuthHeader", p.AuthHeader, "Header");
                break;
            case HttpGatewayAuth.Basic:
                Require("UserName", p.UserName, "Basic");
                Require("Password", p.Password, "Basic");
                break;
            default:
                errors.Add($"{at}:Auth must be None, Hmac, Bearer, Header or Basic.");
                break;
        }

        if (!p.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !p.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            && p.Fields is { Count: > 0 })
        {
            errors.Add($"{at}:Fields are sent as JSON or as a form: set {at}:ContentType to application/json or application/x-www-form-urlencoded.");
        }

        if (p.Fields is { Count: > 0 } && p.BodyTemplate is not null)
        {
            errors.Add($"{at}: set Fields or BodyTemplate, not both.");
        }
    }

    private static void CheckSmtp(List<string> errors, string at, DeliveryProviderOptions p)
    {
        if (p.From is not null && !MimeKit.MailboxAddress.TryParse(p.From, out _))
        {
            errors.Add($"{at}:From must be an email address, optionally as Name <address>.");
        }

        if (p.StartTls is not null)
        {
            errors.Add($"{at}:StartTls is replaced by {at}:Security: StartTls (the default), SslOnConnect (implicit TLS, port 465) or None.");
        }

        if (!Enum.IsDefined(p.Security))
        {
            errors.Add($"{at}:Security must be StartTls, SslOnConnect or None.");
        }

        // The well-known ports speak one way each (RFC 8314 §3.3); the other way only hangs until the send timeout.
        if (p.Port == 465 && p.Security != SmtpSecurity.SslOnConnect)
        {
            errors.Add($"{at}:Port 465 is implicit TLS: set {at}:Security to SslOnConnect.");
        }
        else if (p.Port is 25 or 587 && p.Security == SmtpSecurity.SslOnConnect)
        {
            errors.Add($"{at}:Security SslOnConnect (implicit TLS) does not work on port {p.Port}, which starts in the clear: use StartTls, or port 465.");
        }

        if (p.CertificateSha256 is { } pin && (Smtp.SmtpCertificatePin.TryParse(pin) is null || p.Security == SmtpSecurity.None))
        {
            errors.Add($"{at}:CertificateSha256 must be the 64 hex digits of the server certificate's SHA-256 hash, with Security StartTls or SslOnConnect.");
        }
    }

    private static void CheckProvider(List<string> errors, string at, DeliveryProviderOptions p)
    {
        void Require(string setting, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{at}:{setting} is required for a {p.Type} provider.");
            }
        }

        if (p.Endpoint is not null && !Uri.TryCreate(p.Endpoint, UriKind.Absolute, out _))
        {
            errors.Add($"{at}:Endpoint must be an absolute URL.");
        }

        switch (p.Type.ToUpperInvariant())
        {
            case "TWILIO":
                Require("AccountSid", p.AccountSid);
                Require("AuthToken", p.AuthToken);
                if (string.IsNullOrWhiteSpace(p.From) && string.IsNullOrWhiteSpace(p.MessagingServiceSid))
                {
                    errors.Add($"{at}: a Twilio provider needs From or MessagingServiceSid.");
                }

                break;
            case "VONAGE":
                Require("ApiKey", p.ApiKey);
                Require("ApiSecret", p.ApiSecret);
                Require("From", p.From);
                if (!string.IsNullOrEmpty(p.ReceiptUrl) && string.IsNullOrEmpty(p.SignatureSecret))
                {
                    errors.Add($"{at}:SignatureSecret is required with ReceiptUrl: Vonage receipts are taken only when signed.");
                }

                break;
            case "PLIVO":
                Require("AuthId", p.AuthId);
                Require("AuthToken", p.AuthToken);
                Require("From", p.From);
                break;
            case "SNS":
            case "SES":
                Require("Region", p.Region);
                // Without static keys, the AWS default chain finds credentials when a message is sent.
                if (string.IsNullOrEmpty(p.AccessKeyId) != string.IsNullOrEmpty(p.SecretAccessKey))
                {
                    errors.Add($"{at}: set AccessKeyId and SecretAccessKey together, or neither (the AWS default credential chain).");
                }

                if (!string.IsNullOrEmpty(p.SessionToken) && string.IsNullOrEmpty(p.AccessKeyId))
                {
                    errors.Add($"{at}:SessionToken needs AccessKeyId and SecretAccessKey.");
                }

                if (!string.IsNullOrEmpty(p.Profile) && !string.IsNullOrEmpty(p.AccessKeyId))
                {
                    errors.Add($"{at}:Profile is read only without AccessKeyId: set one or the other.");
                }
                if (p.Type.Equals("Ses", StringComparison.OrdinalIgnoreCase))
                {
                    Require("From", p.From);
                }

                break;
            case "SMTP":
                Require("Host", p.Host);
                Require("From", p.From);
                if (p.Port is < 1 or > 65535)
                {
                    errors.Add($"{at}:Port must be between 1 and 65535.");
                }

                CheckSmtp(errors, at, p);
                break;
            case "HTTP":
                Require("Url", p.Url);
                if (p.Url is not null && (!Uri.TryCreate(p.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
                {
                    errors.Add($"{at}:Url must be an absolute http(s) URL.");
                }

                CheckHttpGateway(errors, at, p);
                break;
            case "DEVELOPMENT":
                break;
            default:
                errors.Add($"{at}:Type '{p.Type}' is not one of Twilio, Vonage, Plivo, Sns, Ses, Smtp, Http, Development.");
                break;
        }
    }
}
