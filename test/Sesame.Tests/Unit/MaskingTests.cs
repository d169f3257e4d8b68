using Sesame.Users;

namespace Sesame.Tests.Unit;

public sealed class MaskingTests
{
    [Theory]
    [InlineData("+15551234567", "+*******4567")]
    [InlineData("+447911123456", "+********3456")]
    [InlineData("+123456", "+**3456")]
    public void Phone_E164Number_KeepsPlusAndLastFourDigits(string phone, string expected)
    {
        var masked = Masking.Phone(phone);

        Assert.Equal(expected, masked);
        Assert.Equal(phone.Length, masked.Length);
    }

    [Theory]
    [InlineData("+1234")]
    [InlineData("+12")]
    [InlineData("")]
    public void Phone_TooShortToHideAnything_IsAllStars(string phone)
    {
        Assert.Equal(new string('*', phone.Length), Masking.Phone(phone));
    }

    [Theory]
    [InlineData("jane@example.com", "j***@e***")]
    [InlineData("Jane.Doe+tag@Sub.Example.org", "J***@S***")]
    [InlineData("a@b.co", "a***@b***")]
    [InlineData("weird@name@example.com", "w***@e***")]
    public void Email_Address_ShowsOnlyFirstLetterOfLocalPartAndDomain(string email, string expected)
    {
        Assert.Equal(expected, Masking.Email(email));
    }

    [Theory]
    [InlineData("jane")]
    [InlineData("@example.com")]
    [InlineData("jane@")]
    [InlineData("")]
    public void Email_NotAnAddress_IsStars(string email)
    {
        Assert.Equal("***", Masking.Email(email));
    }
}
