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
}
