using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>
/// A pool's full <c>PasswordPolicy</c> (length, uppercase, lowercase, numbers, Cognito's symbols) in every operation that
/// sets a password, with Cognito's <c>InvalidPasswordException</c> messages; shown by DescribeUserPool and settable
/// through CreateUserPool / UpdateUserPool.
/// </summary>
public sealed class PasswordPolicyTests
{
    private const string Pool = $"Sesame:UserPools:{SesameApp.PoolId}";

    private static Dictionary<string, string?> StrictPolicy() => new()
    {
        [$"{Pool}:PasswordMinimumLength"] = "10",
        [$"{Pool}:PasswordRequireUppercase"] = "true",
        [$"{Pool}:PasswordRequireLowercase"] = "true",
        [$"{Pool}:PasswordRequireNumbers"] = "true",
        [$"{Pool}:PasswordRequireSymbols"] = "true",
    };

    [Theory]
    [InlineData("Sh0rt!", "Password not long enough")]
    [InlineData("lowercase-only-1", "Password must have uppercase characters")]
    [InlineData("UPPERCASE-ONLY-1", "Password must have lowercase characters")]
    [InlineData("No-Digits-Here", "Password must have numeric characters")]
    [InlineData("NoSymbols12345", "Password must have symbol characters")]
    [InlineData(" NoSymbols12345 ", "Password must have symbol characters")]
    public async Task SignUpAndAdminSetUserPassword_PasswordBreaksARule_InvalidPasswordExceptionNamingIt(string password, string rule)
    {
        using var app = new SesameApp(StrictPolicy());
        var message = $"Password did not conform with policy: {rule}";
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password = password })).AssertError("InvalidPasswordException", message);
        Assert.Empty(app.Outbox.For(phone));
        (await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = SesameApp.PoolId, Username = phone, TemporaryPassword = password, MessageAction = "SUPPRESS" }))
            .AssertError("InvalidPasswordException", message);

        (await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = SesameApp.PoolId, Username = phone, MessageAction = "SUPPRESS" })).AssertOk();
        (await app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = phone, Password = password, Permanent = true }))
            .AssertError("InvalidPasswordException", message);
    }

    [Theory]
    [InlineData("Good-Pass-12")]
    [InlineData("Space in 12AB")]
    [InlineData("Caret^12abcd")]
    public async Task SignUp_PasswordMeetsEveryRule_Accepted(string password)
    {
        using var app = new SesameApp(StrictPolicy());
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone(), Password = password })).AssertOk();
    }

    [Fact]
    public async Task CreateAndUpdateUserPool_PasswordPolicy_DescribedAndEnforced()
    {
        using var app = new SesameApp();
        var created = await app.AdminCallAsync("CreateUserPool", new
        {
            PoolName = "policy",
            Policies = new { PasswordPolicy = new { MinimumLength = 12, RequireUppercase = true, RequireLowercase = false, RequireNumbers = true, RequireSymbols = false } },
        });
        created.AssertOk();
        var id = created.Json["UserPool"]!["Id"]!.GetValue<string>();
        var policy = created.Json["UserPool"]!["Policies"]!["PasswordPolicy"]!;
        Assert.Equal(12, policy["MinimumLength"]!.GetValue<int>());
        Assert.True(policy["RequireUppercase"]!.GetValue<bool>());
        Assert.False(policy["RequireLowercase"]!.GetValue<bool>());
        Assert.True(policy["RequireNumbers"]!.GetValue<bool>());
        Assert.False(policy["RequireSymbols"]!.GetValue<bool>());

        (await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = id, Username = "ann", MessageAction = "SUPPRESS", UserAttributes = new[] { new { Name = "email", Value = SesameApp.NewEmail() } } }))
            .AssertOk();
        (await app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = id, Username = "ann", Password = "ALLUPPERCASE", Permanent = true }))
            .AssertError("InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters");

        (await app.AdminCallAsync("UpdateUserPool", new { UserPoolId = id, Policies = new { PasswordPolicy = new { MinimumLength = 8, RequireSymbols = true } } })).AssertOk();
        var described = (await app.AdminCallAsync("DescribeUserPool", new { UserPoolId = id })).Json["UserPool"]!["Policies"]!["PasswordPolicy"]!;
        Assert.False(described["RequireUppercase"]!.GetValue<bool>());
        Assert.True(described["RequireSymbols"]!.GetValue<bool>());
        (await app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = id, Username = "ann", Password = "ALLUPPERCASE", Permanent = true }))
            .AssertError("InvalidPasswordException", "Password did not conform with policy: Password must have symbol characters");
        (await app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = id, Username = "ann", Password = "all-lower", Permanent = true })).AssertOk();
    }
}
