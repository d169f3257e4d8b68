using Sesame.Users;

namespace Sesame.Tests.Unit;

public class PhoneNumberClassifierTests
{
    [Theory]
    [InlineData("+442071838750", 44, "GB", PhoneNumberKind.FixedLine)]
    [InlineData("+8613800138000", 86, "CN", PhoneNumberKind.Mobile)]
    [InlineData("+16135550123", 1, "CA", PhoneNumberKind.FixedLineOrMobile)]
    [InlineData("+12025550123", 1, "US", PhoneNumberKind.FixedLineOrMobile)]
    [InlineData("+19008675309", 1, "US", PhoneNumberKind.PremiumRate)]
    public void Classify_ValidNumbers_TellRegionFromTheWholeNumber(string e164, int callingCode, string region, PhoneNumberKind kind)
    {
        var info = PhoneNumberClassifier.Classify(e164)!;

        Assert.True(info.IsValid);
        Assert.Equal(callingCode, info.CountryCallingCode);
        Assert.Equal(region, info.RegionCode);
        Assert.Equal(kind, info.Kind);
    }

    [Fact]
    public void Classify_FictionalNumber_IsParsedButNotValid()
    {
        var info = PhoneNumberClassifier.Classify("+15551234567")!;

        Assert.False(info.IsValid);
        Assert.Equal(1, info.CountryCallingCode);
        Assert.Equal(PhoneNumberKind.Unknown, info.Kind);
        Assert.Equal("+1555123", info.Prefix(6));
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("+")]
    public void Classify_Garbage_IsNull(string input) => Assert.Null(PhoneNumberClassifier.Classify(input));
}
