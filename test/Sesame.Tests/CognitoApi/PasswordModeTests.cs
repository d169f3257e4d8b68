using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>
/// The pool's <c>PasswordMode</c>: in a passwordless pool (<c>None</c>) the password a tutorial invents at sign-up is
/// dropped, and no password flow can stand in for the code.
/// </summary>
public sealed class PasswordModeTests
{
    private const string Mode = $"Sesame:UserPools:{SesameApp.PoolId}:PasswordMode";
    private const string Invented = "mysupersecurepassword";

    private static Task<CognitoResponse> PasswordAuthAsync(SesameApp app, string login) =>
        app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = login, PASSWORD = Invented } });

    private static Dictionary<string, string?> PasswordClient(string mode) => new()
    {
        [Mode] = mode,
        [$"Sesame:UserPools:{SesameApp.PoolId}:Clients:{SesameApp.ClientId}:ExplicitAuthFlows:0"] = "ALLOW_CUSTOM_AUTH",
        [$"Sesame:UserPools:{SesameApp.PoolId}:Clients:{SesameApp.ClientId}:ExplicitAuthFlows:1"] = "ALLOW_USER_PASSWORD_AUTH",
        [$"Sesame:UserPools:{SesameApp.PoolId}:Clients:{SesameApp.ClientId}:ExplicitAuthFlows:2"] = "ALLOW_USER_SRP_AUTH",
    };

    [Fact]
    public async Task None_AdministratorsPasswords_RefusedNothingWritten_PasswordlessAdminCreateUserWorks()
    {
        using var app = new SesameApp(PasswordClient("None"));
        var phone = SesameApp.NewPhone();
        const string Refused = "Passwords are not enabled for this user pool (PasswordMode None).";

        (await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = SesameApp.PoolId, Username = phone, TemporaryPassword = "Temporary-1", MessageAction = "SUPPRESS" }))
            .AssertError("InvalidParameterException", Refused);
        (await app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = phone })).AssertError("UserNotFoundException");

        // Without a password the administrator's user is created, and signs in by code.
        (await app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId,
            Username = phone,
            MessageAction = "SUPPRESS",
            UserAttributes = new[] { new { Name = "phone_number", Value = phone }, new { Name = "phone_number_verified", Value = "true" } },
        })).AssertOk();
        (await app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = phone, Password = "Permanent-1", Permanent = true }))
            .AssertError("InvalidParameterException", Refused);
        Assert.Equal("CONFIRMED", (await app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = phone })).Json["UserStatus"]!.GetValue<string>());
        await app.SignInAsync(phone);
    }

    [Fact]
    public async Task None_SignUpWithAnInventedPassword_PasswordNotStoredAndPasswordFlowsRefused()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var phone = SesameApp.NewPhone();
            using (var app = new SesameApp(PasswordClient("None"), dataDir: dataDir))
            {
                (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password = Invented })).AssertOk();
                (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await app.CodeAsync(phone) })).AssertOk();

                (await PasswordAuthAsync(app, phone)).AssertError("NotAuthorizedException", "Password sign-in is not enabled for this user pool.");
                (await app.CallAsync("InitiateAuth", new
                {
                    SesameApp.ClientId,
                    AuthFlow = "USER_SRP_AUTH",
                    AuthParameters = new { USERNAME = phone, SRP_A = new SrpClient().AHex },
                })).AssertError("NotAuthorizedException", "Password sign-in is not enabled for this user pool.");
                // Amplify's CUSTOM_WITH_SRP: the built-in Define asks for the password first, which this pool has none of.
                (await app.CallAsync("InitiateAuth", new
                {
                    SesameApp.ClientId,
                    AuthFlow = "CUSTOM_AUTH",
                    AuthParameters = new { USERNAME = phone, SRP_A = new SrpClient().AHex, CHALLENGE_NAME = "SRP_A" },
                })).AssertError("NotAuthorizedException", "Password sign-in is not enabled for this user pool.");
                // The code still signs in.
                await app.SignInAsync(phone);
            }

            // Not stored: the same database in a pool with passwords knows no password for the user.
            using (var app = new SesameApp(PasswordClient("Optional"), dataDir: dataDir))
            {
                (await PasswordAuthAsync(app, phone)).AssertError("NotAuthorizedException", "Incorrect username or password.");
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Optional_SignUpWithAPassword_PasswordSignsIn()
    {
        using var app = new SesameApp(PasswordClient("Optional"));
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password = Invented })).AssertOk();
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await app.CodeAsync(phone) })).AssertOk();

        (await PasswordAuthAsync(app, phone)).AssertOk();
    }

    [Fact]
    public async Task Required_SignUpWithoutAPassword_Refused()
    {
        using var app = new SesameApp(new() { [Mode] = "Required" });
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertError("InvalidParameterException");
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password = Invented })).AssertOk();
    }
}
