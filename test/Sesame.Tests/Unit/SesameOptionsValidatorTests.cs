using Microsoft.Extensions.Options;
using Sesame.Configuration;

namespace Sesame.Tests.Unit;

public sealed class SesameOptionsValidatorTests
{
    private const string PoolId = "us-east-1_SesameDev";
    private const string ClientId = "sesamedevclient0000000000";
    private const string Pool = "Sesame:UserPools:" + PoolId;
    private const string Client = Pool + ":Clients:" + ClientId;

    [Fact]
    public void Validate_DevelopmentLikeConfiguration_Succeeds()
    {
        var result = Validate(Valid());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_EveryBoundaryValue_Succeeds()
    {
        var options = Valid(pool =>
        {
            pool.OneTimeCode.Length = 10;
            pool.OneTimeCode.Lifetime = TimeSpan.FromMinutes(15);
            pool.OneTimeCode.MaxAttempts = 10;
            pool.ConfirmationCode.Length = 6;
            pool.ConfirmationCode.Lifetime = TimeSpan.FromHours(24);
            pool.ConfirmationCode.MaxAttempts = 1;
            var client = pool.Clients[ClientId];
            client.AuthSessionValidity = TimeSpan.FromMinutes(15);
            client.AccessTokenValidity = TimeSpan.FromMinutes(5);
            client.IdTokenValidity = TimeSpan.FromDays(1);
            client.RefreshTokenValidity = TimeSpan.FromDays(3650);
            client.ExplicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"];
            client.Secret = new string('s', 16);
        });
        options.PublicOrigin = "https://auth.example.com/";

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NoConfiguredUserPools_Succeeds()
    {
        // Pools made with CreateUserPool or `sesame pools create` are stored, not configured: a Production deployment
        // (the container, the systemd unit) starts with none in its settings. scripts/publish-test.sh runs that.
        var options = Valid();
        options.UserPools.Clear();

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_PasswordRequiredInAPasswordlessPool_FailsNamingBoth()
    {
        var message = AssertSingleFailure(Valid(pool =>
        {
            pool.PasswordMode = PasswordMode.None;
            pool.PasswordRequired = true;
        }), $"{Pool}:PasswordRequired");

        Assert.Contains($"{Pool}:PasswordMode", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PoolWithoutClients_FailsNamingClients()
    {
        AssertSingleFailure(Valid(pool => pool.Clients.Clear()), $"{Pool}:Clients");
    }

    [Theory]
    [InlineData("SesameDev")]
    [InlineData("us-east-1_")]
    [InlineData("_SesameDev")]
    [InlineData("us-east-1_Sesame-Dev")]
    [InlineData("us east 1_SesameDev")]
    public void Validate_BadPoolId_FailsNamingThePool(string poolId)
    {
        var options = Valid();
        options.UserPools[poolId] = options.UserPools[PoolId];
        options.UserPools.Remove(PoolId);

        AssertSingleFailure(options, $"Sesame:UserPools:{poolId}");
    }

    [Fact]
    public void Validate_PoolIdOver55Characters_Fails()
    {
        var poolId = "us-east-1_" + new string('a', 46);
        var options = Valid();
        options.UserPools[poolId] = options.UserPools[PoolId];
        options.UserPools.Remove(PoolId);

        AssertSingleFailure(options, $"Sesame:UserPools:{poolId}");
    }

    [Theory]
    [InlineData("bad-client")]
    [InlineData("has space")]
    [InlineData("dot.ted")]
    [InlineData("")]
    public void Validate_BadClientId_FailsNamingTheClient(string clientId)
    {
        var options = Valid(pool =>
        {
            pool.Clients[clientId] = pool.Clients[ClientId];
            pool.Clients.Remove(ClientId);
        });

        AssertSingleFailure(options, $"{Pool}:Clients:{clientId}");
    }

    [Fact]
    public void Validate_ClientIdOver128Characters_Fails()
    {
        var clientId = new string('c', 129);
        var options = Valid(pool =>
        {
            pool.Clients[clientId] = pool.Clients[ClientId];
            pool.Clients.Remove(ClientId);
        });

        AssertSingleFailure(options, $"{Pool}:Clients:{clientId}");
    }

    [Fact]
    public void Validate_SameClientIdInTwoPools_FailsNamingTheClient()
    {
        var options = Valid();
        options.UserPools["eu-west-1_Other"] = new UserPoolOptions { Clients = { [ClientId] = new AppClientOptions() } };

        var message = AssertSingleFailure(options, ClientId);
        Assert.Contains("unique", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(11)]
    [InlineData(0)]
    public void Validate_OneTimeCodeLengthOutOfRange_FailsNamingIt(int length)
    {
        AssertSingleFailure(Valid(pool => pool.OneTimeCode.Length = length), $"{Pool}:OneTimeCode:Length");
    }

    [Theory]
    [InlineData(16 * 60)]
    [InlineData(59)]
    [InlineData(0)]
    public void Validate_OneTimeCodeLifetimeOutOfRange_FailsNamingIt(int seconds)
    {
        AssertSingleFailure(Valid(pool => pool.OneTimeCode.Lifetime = TimeSpan.FromSeconds(seconds)), $"{Pool}:OneTimeCode:Lifetime");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Validate_OneTimeCodeMaxAttemptsOutOfRange_FailsNamingIt(int attempts)
    {
        AssertSingleFailure(Valid(pool => pool.OneTimeCode.MaxAttempts = attempts), $"{Pool}:OneTimeCode:MaxAttempts");
    }

    [Fact]
    public void Validate_TemplateWithoutCodePlaceholder_FailsNamingTheTemplate()
    {
        AssertSingleFailure(Valid(pool => pool.OneTimeCode.SmsMessage = "Your {app} code is {code}."), $"{Pool}:OneTimeCode:SmsMessage");
        AssertSingleFailure(Valid(pool => pool.OneTimeCode.EmailMessage = "Your {app} code is {###}."), $"{Pool}:OneTimeCode:EmailMessage");
        AssertSingleFailure(Valid(pool => pool.ConfirmationCode.SmsMessage = "Welcome!"), $"{Pool}:ConfirmationCode:SmsMessage");
        AssertSingleFailure(Valid(pool => pool.ConfirmationCode.EmailMessage = string.Empty), $"{Pool}:ConfirmationCode:EmailMessage");
    }

    [Fact]
    public void Validate_ConfirmationCodeOutOfRange_FailsNamingIt()
    {
        AssertSingleFailure(Valid(pool => pool.ConfirmationCode.Length = 5), $"{Pool}:ConfirmationCode:Length");
        AssertSingleFailure(Valid(pool => pool.ConfirmationCode.Lifetime = TimeSpan.FromHours(25)), $"{Pool}:ConfirmationCode:Lifetime");
        AssertSingleFailure(Valid(pool => pool.ConfirmationCode.MaxAttempts = 0), $"{Pool}:ConfirmationCode:MaxAttempts");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    public void Validate_AuthSessionValidityOutOfRange_FailsNamingIt(int minutes)
    {
        AssertSingleFailure(
            Valid(pool => pool.Clients[ClientId].AuthSessionValidity = TimeSpan.FromMinutes(minutes)),
            $"{Client}:AuthSessionValidity");
    }

    [Theory]
    [InlineData("AccessTokenValidity", 4)]
    [InlineData("AccessTokenValidity", 24 * 60 + 1)]
    [InlineData("IdTokenValidity", 4)]
    [InlineData("IdTokenValidity", 2 * 24 * 60)]
    [InlineData("RefreshTokenValidity", 59)]
    [InlineData("RefreshTokenValidity", 3651 * 24 * 60)]
    public void Validate_TokenValidityOutOfRange_FailsNamingIt(string setting, int minutes)
    {
        var value = TimeSpan.FromMinutes(minutes);
        var options = Valid(pool =>
        {
            var client = pool.Clients[ClientId];
            switch (setting)
            {
                case "AccessTokenValidity":
                    client.AccessTokenValidity = value;
                    break;
                case "IdTokenValidity":
                    client.IdTokenValidity = value;
                    break;
                default:
                    client.RefreshTokenValidity = value;
                    break;
            }
        });

        AssertSingleFailure(options, $"{Client}:{setting}");
    }

    [Fact]
    public void Validate_UnknownExplicitAuthFlow_FailsNamingTheFlow()
    {
        var message = AssertSingleFailure(
            Valid(pool => pool.Clients[ClientId].ExplicitAuthFlows = ["ALLOW_CUSTOM_AUTH", "ALLOW_MAGIC_LINK"]),
            $"{Client}:ExplicitAuthFlows");

        Assert.Contains("ALLOW_MAGIC_LINK", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortClientSecret_FailsNamingIt()
    {
        AssertSingleFailure(Valid(pool => pool.Clients[ClientId].Secret = "short"), $"{Client}:Secret");
    }

    [Fact]
    public void Validate_UnknownUsernameAttribute_FailsNamingIt()
    {
        AssertSingleFailure(Valid(pool => pool.UsernameAttributes = ["phone_number", "preferred_username"]), $"{Pool}:UsernameAttributes");
    }

    [Theory]
    [InlineData("auth.example.com")]
    [InlineData("/relative")]
    [InlineData("ftp://auth.example.com")]
    [InlineData("https://auth.example.com/path")]
    [InlineData("https://auth.example.com?x=1")]
    [InlineData("not a url")]
    [InlineData("")]
    public void Validate_BadPublicOrigin_FailsNamingIt(string origin)
    {
        var options = Valid();
        options.PublicOrigin = origin;

        AssertSingleFailure(options, "Sesame:PublicOrigin");
    }

    [Theory]
    [InlineData("https://auth.example.com")]
    [InlineData("http://127.0.0.1:9229")]
    [InlineData("https://auth.example.com:8443")]
    public void Validate_GoodPublicOrigin_Succeeds(string origin)
    {
        var options = Valid();
        options.PublicOrigin = origin;

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Validate_PublicOriginWithFragment_FailsNamingIt()
    {
        var options = Valid();
        options.PublicOrigin = "https://auth.example.com#x";

        AssertSingleFailure(options, "Sesame:PublicOrigin");
    }

    [Fact]
    public void Validate_UnsupportedStorage_FailsNamingIt()
    {
        var provider = Valid();
        provider.Storage.Provider = "Mongo";
        var synchronous = Valid();
        synchronous.Storage.SqliteSynchronous = "Off";

        AssertSingleFailure(provider, "Sesame:Storage:Provider");
        AssertSingleFailure(synchronous, "Sesame:Storage:SqliteSynchronous");
    }

    [Fact]
    public void Validate_PostgresWithoutConnectionString_FailsNamingIt()
    {
        var options = Valid();
        options.Storage.Provider = "Postgres";

        AssertSingleFailure(options, "Sesame:Storage:ConnectionString");
    }

    [Fact]
    public void Validate_PostgresWithConnectionString_Succeeds()
    {
        var options = Valid();
        options.Storage.Provider = "postgres";
        options.Storage.ConnectionString = "Host=127.0.0.1;Port=5432;Username=sesame;Database=sesame";

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOne()
    {
        var options = Valid(pool =>
        {
            pool.OneTimeCode.Length = 5;
            pool.OneTimeCode.MaxAttempts = 0;
            pool.Clients[ClientId].AuthSessionValidity = TimeSpan.FromMinutes(2);
        });
        options.PublicOrigin = "ftp://x";

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Equal(4, result.Failures!.Count());
    }

    private static ValidateOptionsResult Validate(SesameOptions options) => new SesameOptionsValidator().Validate(null, options);

    private static SesameOptions Valid(Action<UserPoolOptions>? change = null)
    {
        var pool = new UserPoolOptions { Name = "Sesame Dev", Clients = { [ClientId] = new AppClientOptions { Name = "dev" } } };
        change?.Invoke(pool);
        return new SesameOptions { UserPools = { [PoolId] = pool } };
    }

    /// <summary>Asserts the configuration fails for exactly one reason, whose message names the setting; returns it.</summary>
    private static string AssertSingleFailure(SesameOptions options, string setting)
    {
        var result = Validate(options);

        Assert.True(result.Failed, $"expected a failure naming {setting}");
        var failure = Assert.Single(result.Failures!);
        Assert.Contains(setting, failure, StringComparison.Ordinal);
        return failure;
    }
}
