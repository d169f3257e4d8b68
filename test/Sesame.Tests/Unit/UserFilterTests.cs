using Sesame.Cognito;
using Sesame.CognitoApi;
using Sesame.Storage;

namespace Sesame.Tests.Unit;

public sealed class UserFilterTests
{
    [Theory]
    [InlineData("email = \"jo@example.com\"", "email", false, "jo@example.com")]
    [InlineData("\"email\"^=\"jo\"", "email", true, "jo")]
    [InlineData("  phone_number ^= \"+1555\"  ", "phone_number", true, "+1555")]
    [InlineData("name = \"Jo \\\"JJ\\\" Doe\"", "name", false, "Jo \"JJ\" Doe")]
    [InlineData("given_name=\"back\\\\slash\"", "given_name", false, "back\\slash")]
    [InlineData("cognito:user_status = \"confirmed\"", "cognito:user_status", false, "confirmed")]
    [InlineData("\"status\" = \"Disabled\"", "status", false, "Disabled")]
    [InlineData("sub ^= \"\"", "sub", true, "")]
    [InlineData("username = \"a=b ^= c\"", "username", false, "a=b ^= c")]
    public void Parse_CognitoSyntax_Condition(string filter, string attribute, bool prefix, string value)
    {
        Assert.Equal(new UserCondition(attribute, prefix, value), UserFilter.Parse(filter));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_Empty_NoCondition(string? filter)
    {
        Assert.Null(UserFilter.Parse(filter));
    }

    [Theory]
    [InlineData("email")]
    [InlineData("email = jo")]
    [InlineData("email != \"jo\"")]
    [InlineData("email = \"jo")]
    [InlineData("email = \"jo\" and name = \"x\"")]
    [InlineData("= \"jo\"")]
    public void Parse_Malformed_InvalidParameterException(string filter)
    {
        var error = Assert.Throws<CognitoException>(() => UserFilter.Parse(filter));
        Assert.Equal("InvalidParameterException", error.Type);
    }

    [Theory]
    [InlineData("custom:team = \"x\"")]
    [InlineData("locale = \"en\"")]
    [InlineData("Email = \"jo\"")]
    public void Parse_UnsearchableAttribute_InvalidParameterException(string filter)
    {
        var error = Assert.Throws<CognitoException>(() => UserFilter.Parse(filter));
        Assert.Equal("InvalidParameterException", error.Type);
        Assert.StartsWith("Invalid search attribute", error.Message, StringComparison.Ordinal);
    }
}
