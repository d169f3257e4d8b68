using Sesame.Configuration;
using Sesame.Delivery;

namespace Sesame.Tests.Delivery;

/// <summary>A bad delivery setting stops the server at start-up with a message naming it.</summary>
public sealed class DeliveryOptionsTests
{
    [Fact]
    public void Validate_DefaultsWithoutProviders_Succeed()
    {
        Assert.True(new DeliveryOptionsValidator().Validate(null, Options()).Succeeded);
    }

    [Fact]
    public void Validate_TwilioWithoutToken_NamesTheSetting()
    {
        var options = Options();
        options.Delivery.Providers["twilio"] = new DeliveryProviderOptions { Type = "Twilio", AccountSid = "AC1", From = "+1" };

        var result = new DeliveryOptionsValidator().Validate(null, options);

        Assert.Contains("Sesame:Delivery:Providers:twilio:AuthToken is required for a Twilio provider.", result.Failures!);
    }

    [Fact]
    public void Validate_PoolNamesUnknownOrWrongChannelProvider_Fails()
    {
        var options = Options();
        options.Delivery.Providers["ses"] = new DeliveryProviderOptions { Type = "Ses", Region = "us-east-1", AccessKeyId = "A", SecretAccessKey = "S", From = "a@b.c" };
        options.UserPools["us-east-1_Pool"].Delivery.SmsProviders = ["ses", "nosuch"];

        var failures = new DeliveryOptionsValidator().Validate(null, options).Failures!;

        Assert.Contains("Sesame:UserPools:us-east-1_Pool:Delivery:SmsProviders names 'ses', a Ses provider, which cannot send on this channel.", failures);
        Assert.Contains("Sesame:UserPools:us-east-1_Pool:Delivery:SmsProviders names 'nosuch', which is not in Sesame:Delivery:Providers.", failures);
    }

    [Fact]
    public void Validate_RoutesThatCannotWork_NameEachSetting()
    {
        var options = Options();
        options.Delivery.Providers["ses"] = new DeliveryProviderOptions { Type = "Ses", Region = "us-east-1", AccessKeyId = "A", SecretAccessKey = "S", From = "a@b.c" };
        options.Delivery.Providers["gw"] = new DeliveryProviderOptions { Type = "Http", Url = "https://gw.example/send" };
        options.UserPools["us-east-1_Pool"].Delivery.Routes =
        [
            new DeliveryRouteOptions { Name = "in", CountryCodes = [91, 0], Regions = ["India"], Prefixes = ["91"], Providers = ["ses", "nosuch"] },
            new DeliveryRouteOptions { Name = "all", Providers = ["gw"], CostPerMessage = -1 },
            new DeliveryRouteOptions { Name = "all", Channel = "Fax", Regions = ["US"], Providers = [] },
        ];

        var failures = new DeliveryOptionsValidator().Validate(null, options).Failures!;

        const string at = "Sesame:UserPools:us-east-1_Pool:Delivery:Routes";
        Assert.Equal(
            [
                $"{at}:0:CountryCodes: 0 is not a country calling code.",
                $"{at}:0:Regions: 'India' is not an ISO 3166-1 alpha-2 region such as US or IN.",
                $"{at}:0:Prefixes: '91' must be + followed by digits, e.g. +4477.",
                $"{at}:0:Providers names 'ses', a Ses provider, which cannot send SMS.",
                $"{at}:0:Providers names 'nosuch', which is not in Sesame:Delivery:Providers.",
                $"{at}:1:CostPerMessage must be zero or more.",
                $"{at}:2:Name 'all' is used by another route of the same list.",
                $"{at}:2:Channel must be Sms or Email (or unset for both).",
                $"{at}:2:Providers must name at least one provider of Sesame:Delivery:Providers.",
                $"{at}:2 ('all') is never used: an earlier route without CountryCodes, Regions or Prefixes takes all its messages.",
            ],
            failures);
    }

    [Theory]
    [InlineData(465, SmtpSecurity.StartTls, "Sesame:Delivery:Providers:mail:Port 465 is implicit TLS: set Sesame:Delivery:Providers:mail:Security to SslOnConnect.")]
    [InlineData(587, SmtpSecurity.SslOnConnect, "Sesame:Delivery:Providers:mail:Security SslOnConnect (implicit TLS) does not work on port 587, which starts in the clear: use StartTls, or port 465.")]
    [InlineData(2525, (SmtpSecurity)7, "Sesame:Delivery:Providers:mail:Security must be StartTls, SslOnConnect or None.")]
    public void Validate_SmtpSecurityThatCannotWork_NamesTheSetting(int port, SmtpSecurity security, string failure)
    {
        var options = Options();
        options.Delivery.Providers["mail"] = new DeliveryProviderOptions { Type = "Smtp", Host = "smtp.example.com", From = "a@b.c", Port = port, Security = security };

        Assert.Equal([failure], new DeliveryOptionsValidator().Validate(null, options).Failures!);
    }

    [Fact]
    public void Validate_SmtpImplicitTlsWithPin_Succeeds()
    {
        var options = Options();
        options.Delivery.Providers["mail"] = new DeliveryProviderOptions
        {
            Type = "Smtp", Host = "relay.internal", From = "Acme <a@b.c>", Port = 465, Security = SmtpSecurity.SslOnConnect,
            CertificateSha256 = string.Join(':', Enumerable.Repeat("AB", 32)),
        };

        Assert.True(new DeliveryOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("ABCD", SmtpSecurity.StartTls)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", SmtpSecurity.None)]
    public void Validate_SmtpBadPin_NamesTheSetting(string pin, SmtpSecurity security)
    {
        var options = Options();
        options.Delivery.Providers["mail"] = new DeliveryProviderOptions { Type = "Smtp", Host = "h", From = "a@b.c", Port = 2525, Security = security, CertificateSha256 = pin };

        var failures = new DeliveryOptionsValidator().Validate(null, options).Failures!;

        Assert.Contains(failures, f => f.StartsWith("Sesame:Delivery:Providers:mail:CertificateSha256 must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SmtpOldStartTlsSetting_NamesItsReplacement()
    {
        var options = Options();
        options.Delivery.Providers["mail"] = new DeliveryProviderOptions { Type = "Smtp", Host = "127.0.0.1", From = "not an address", StartTls = false };

        var failures = new DeliveryOptionsValidator().Validate(null, options).Failures!;

        Assert.Contains("Sesame:Delivery:Providers:mail:StartTls is replaced by Sesame:Delivery:Providers:mail:Security: StartTls (the default), SslOnConnect (implicit TLS, port 465) or None.", failures);
        Assert.Contains("Sesame:Delivery:Providers:mail:From must be an email address, optionally as Name <address>.", failures);
    }

    [Fact]
    public void Validate_LeaseShorterThanWorstDispatch_Fails()
    {
        var options = Options();
        options.Delivery.Providers["a"] = new DeliveryProviderOptions { Type = "Http", Url = "https://a.example/send" };
        options.Delivery.Providers["b"] = new DeliveryProviderOptions { Type = "Http", Url = "https://b.example/send" };
        options.Delivery.SmsProviders = ["a", "b"];
        options.Delivery.SendTimeout = TimeSpan.FromSeconds(30);
        options.Delivery.Lease = TimeSpan.FromMinutes(2);

        var failures = new DeliveryOptionsValidator().Validate(null, options).Failures!;

        Assert.Contains(failures, f => f.StartsWith("Sesame:Delivery:Lease (00:02:00) must be longer than", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LocaleTemplateWithoutCode_Fails()
    {
        var options = Options();
        options.UserPools["us-east-1_Pool"].Delivery.Templates["fr"] = new LocaleTemplates { SignIn = new MessageTemplates { SmsMessage = "Bonjour" } };

        var failures = new DeliveryOptionsValidator().Validate(null, options).Failures!;

        Assert.Contains("Sesame:UserPools:us-east-1_Pool:Delivery:Templates:fr:SignIn:SmsMessage must contain the code placeholder {####}.", failures);
    }

    private static SesameOptions Options() => new()
    {
        UserPools = { ["us-east-1_Pool"] = new UserPoolOptions { Clients = { ["client1"] = new AppClientOptions() } } },
    };
}
