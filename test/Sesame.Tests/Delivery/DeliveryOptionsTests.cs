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
