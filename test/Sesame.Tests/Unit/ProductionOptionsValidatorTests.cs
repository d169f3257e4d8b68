using Sesame.Configuration;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Unit;

public sealed class ProductionOptionsValidatorTests
{
    private static string? Failure(string environment, string? publicOrigin) =>
        new ProductionOptionsValidator(new TestHostEnvironment(environment)).Validate(null, new SesameOptions { PublicOrigin = publicOrigin }).FailureMessage;

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Validate_NoPublicOriginOutsideDevelopment_FailsNamingIt(string environment) =>
        Assert.Contains("Sesame:PublicOrigin is required outside the Development environment", Failure(environment, null));

    [Fact]
    public void Validate_PublicOriginInProduction_Succeeds() => Assert.Null(Failure("Production", "https://auth.example.com"));

    [Fact]
    public void Validate_NoPublicOriginInDevelopment_Succeeds() => Assert.Null(Failure("Development", null));

    [Fact]
    public void Validate_PostgresWithoutMasterKeyInProduction_FailsNamingIt()
    {
        var options = new SesameOptions { PublicOrigin = "https://auth.example.com", Storage = { Provider = "Postgres", ConnectionString = "Host=db" } };

        var failure = new ProductionOptionsValidator(new TestHostEnvironment("Production")).Validate(null, options).FailureMessage;

        Assert.Contains("Sesame:Secrets:MasterKey is required outside the Development environment when Sesame:Storage:Provider is 'Postgres'", failure);
    }

    [Theory]
    [InlineData("Development", null)]
    [InlineData("Production", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Validate_PostgresInDevelopmentOrWithMasterKey_Succeeds(string environment, string? masterKey)
    {
        var options = new SesameOptions
        {
            PublicOrigin = "https://auth.example.com",
            Storage = { Provider = "Postgres", ConnectionString = "Host=db" },
            Secrets = { MasterKey = masterKey },
        };

        Assert.True(new ProductionOptionsValidator(new TestHostEnvironment(environment)).Validate(null, options).Succeeded);
    }
}
