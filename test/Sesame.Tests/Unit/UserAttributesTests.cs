using Sesame.Cognito;
using Sesame.Users;

namespace Sesame.Tests.Unit;

public sealed class UserAttributesTests
{
    [Theory]
    [InlineData("+15551234567")]
    [InlineData("+447911123456")]
    [InlineData("+12")]
    [InlineData("+123456789012345")]
    public void IsPhoneNumber_E164_IsTrue(string value)
    {
        Assert.True(UserAttributes.IsPhoneNumber(value));
    }

    [Theory]
    [InlineData("15551234567")]
    [InlineData("+0123")]
    [InlineData("+1 555")]
    [InlineData("+1 5551234567")]
    [InlineData("+1234567890123456")]
    [InlineData("+1-555-123-4567")]
    [InlineData("+1(555)1234567")]
    [InlineData("++15551234567")]
    [InlineData(" +15551234567")]
    [InlineData("+15551234567 ")]
    [InlineData("+1555123456a")]
    [InlineData("+")]
    [InlineData("")]
    [InlineData("jane@example.com")]
    public void IsPhoneNumber_NotE164_IsFalse(string value)
    {
        Assert.False(UserAttributes.IsPhoneNumber(value));
    }

    [Theory]
    [InlineData("+15551234567\n")]
    [InlineData("+1\u0665\u0665\u0665\u0661\u0662\u0663\u0664\u0665\u0666\u0667")]
    [InlineData("+1\uFF15\uFF15\uFF15\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17")]
    public void IsPhoneNumber_TrailingNewlineOrNonAsciiDigits_IsFalse(string value)
    {
        Assert.False(UserAttributes.IsPhoneNumber(value));
    }

    [Theory]
    [InlineData("jane@example.com")]
    [InlineData("Jane.Doe+tag@sub.example.co.uk")]
    [InlineData("a@b.co")]
    public void IsEmail_Address_IsTrue(string value)
    {
        Assert.True(UserAttributes.IsEmail(value));
    }

    [Theory]
    [InlineData("jane")]
    [InlineData("jane@")]
    [InlineData("@example.com")]
    [InlineData("jane@example")]
    [InlineData("ja ne@example.com")]
    [InlineData("jane@exa mple.com")]
    [InlineData("jane@@example.com")]
    [InlineData("a@b@example.com")]
    [InlineData(" jane@example.com")]
    [InlineData("jane@example.com ")]
    [InlineData("")]
    [InlineData("+15551234567")]
    public void IsEmail_NotAnAddress_IsFalse(string value)
    {
        Assert.False(UserAttributes.IsEmail(value));
    }

    [Fact]
    public void IsEmail_Over254Characters_IsFalse()
    {
        var local = new string('a', 64);
        var fits = local + "@" + new string('b', 254 - 64 - 1 - 4) + ".com";
        var tooLong = local + "@" + new string('b', 255 - 64 - 1 - 4) + ".com";

        Assert.Equal(254, fits.Length);
        Assert.True(UserAttributes.IsEmail(fits));
        Assert.False(UserAttributes.IsEmail(tooLong));
    }

    [Fact]
    public void IsEmail_TrailingNewline_IsFalse()
    {
        Assert.False(UserAttributes.IsEmail("jane@example.com\n"));
    }

    [Fact]
    public void FromClient_Null_IsEmpty()
    {
        Assert.Empty(UserAttributes.FromClient(null, "userAttributes"));
    }

    [Fact]
    public void FromClient_StandardAndCustomAttributes_AreAccepted()
    {
        var result = UserAttributes.FromClient(
            [
                new("email", "jane@example.com"),
                new("phone_number", "+15551234567"),
                new("name", "Jane Doe"),
                new("given_name", "Jane"),
                new("locale", "en-GB"),
                new("custom:x", "1"),
                new("custom:plan", string.Empty),
                new("nickname", null),
            ],
            "userAttributes");

        Assert.Equal(8, result.Count);
        Assert.Equal("jane@example.com", result["email"]);
        Assert.Equal("+15551234567", result["phone_number"]);
        Assert.Equal("1", result["custom:x"]);
        Assert.Equal(string.Empty, result["nickname"]);
    }

    [Theory]
    [InlineData("sub", "00000000-0000-4000-8000-000000000000")]
    [InlineData("email_verified", "true")]
    [InlineData("phone_number_verified", "true")]
    public void FromClient_ServerOwnedAttribute_IsNotAuthorized(string name, string value)
    {
        var error = Assert.Throws<CognitoException>(() =>
            UserAttributes.FromClient([new("email", "jane@example.com"), new(name, value)], "userAttributes"));

        Assert.Equal("NotAuthorizedException", error.Type);
        Assert.Equal(400, error.StatusCode);
    }

    [Theory]
    [InlineData("favorite_color")]
    [InlineData("Email")]
    [InlineData("PHONE_NUMBER")]
    [InlineData("custom:")]
    [InlineData("dev:custom:x")]
    public void FromClient_AttributeNotInSchema_IsInvalidParameter(string name)
    {
        var error = Assert.Throws<CognitoException>(() => UserAttributes.FromClient([new(name, "x")], "userAttributes"));

        Assert.Equal("InvalidParameterException", error.Type);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("phone_number", "5551234567")]
    [InlineData("phone_number", "+1 555 123 4567")]
    [InlineData("phone_number", "")]
    [InlineData("email", "jane")]
    [InlineData("email", "jane@example")]
    [InlineData("email", "")]
    public void FromClient_BadPhoneOrEmailFormat_IsInvalidParameter(string name, string value)
    {
        var error = Assert.Throws<CognitoException>(() => UserAttributes.FromClient([new(name, value)], "userAttributes"));

        Assert.Equal("InvalidParameterException", error.Type);
    }

    [Fact]
    public void FromClient_SameAttributeTwice_IsInvalidParameter()
    {
        var error = Assert.Throws<CognitoException>(() =>
            UserAttributes.FromClient([new("name", "Jane"), new("name", "Janet")], "userAttributes"));

        Assert.Equal("InvalidParameterException", error.Type);
        Assert.Contains("name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromClient_OversizedInput_IsInvalidParameter()
    {
        var tooMany = Enumerable.Range(0, 51).Select(i => new AttributeType($"custom:a{i}", "x")).ToList();
        var longName = new AttributeType("custom:" + new string('x', 26), "x");
        var longValue = new AttributeType("name", new string('x', 2049));
        var noName = new AttributeType(null, "x");

        Assert.Equal("InvalidParameterException", Assert.Throws<CognitoException>(() => UserAttributes.FromClient(tooMany, "userAttributes")).Type);
        Assert.Equal("InvalidParameterException", Assert.Throws<CognitoException>(() => UserAttributes.FromClient([longName], "userAttributes")).Type);
        Assert.Equal("InvalidParameterException", Assert.Throws<CognitoException>(() => UserAttributes.FromClient([longValue], "userAttributes")).Type);
        Assert.Equal("InvalidParameterException", Assert.Throws<CognitoException>(() => UserAttributes.FromClient([noName], "userAttributes")).Type);
    }

    [Fact]
    public void FromClient_LimitsExactlyReached_AreAccepted()
    {
        var fifty = Enumerable.Range(0, 50).Select(i => new AttributeType($"custom:a{i}", "x")).ToList();
        var name32 = new AttributeType("custom:" + new string('x', 25), new string('x', 2048));

        Assert.Equal(50, UserAttributes.FromClient(fifty, "userAttributes").Count);
        Assert.Single(UserAttributes.FromClient([name32], "userAttributes"));
    }
}
