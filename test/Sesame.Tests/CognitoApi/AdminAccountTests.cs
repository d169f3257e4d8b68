using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

public sealed class AdminAccountTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<(string Phone, System.Text.Json.Nodes.JsonNode Tokens)> SignedInAsync(params (string Name, string Value)[] attributes)
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone, attributes);
        return (phone, await _app.SignInAsync(phone));
    }

    private static object User(string username) => new { UserPoolId = SesameApp.PoolId, Username = username };

    [Fact]
    public async Task AdminOperations_Unsigned_Refused()
    {
        var (phone, tokens) = await SignedInAsync();
        foreach (var operation in new[] { "AdminDisableUser", "AdminEnableUser", "AdminDeleteUser", "AdminUserGlobalSignOut" })
        {
            (await _app.CallAsync(operation, User(phone))).AssertError("MissingAuthenticationTokenException");
        }

        (await _app.CallAsync("AdminUpdateUserAttributes", new { UserPoolId = SesameApp.PoolId, Username = phone, UserAttributes = new[] { new { Name = "name", Value = "x" } } }))
            .AssertError("MissingAuthenticationTokenException");
        (await _app.GetUserAsync(tokens.Access())).AssertOk();
    }

    [Fact]
    public async Task AdminDisableUser_TokensRevoked_SignInAndRefreshSayDisabled_EnableRestoresSignIn()
    {
        var (phone, tokens) = await SignedInAsync();

        var response = await _app.AdminCallAsync("AdminDisableUser", User(phone));

        response.AssertOk();
        Assert.Equal("{}", response.Body);
        (await _app.GetUserAsync(tokens.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.GetTokensAsync(tokens.Refresh())).AssertError("NotAuthorizedException", "User is disabled.");
        (await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } }))
            .AssertError("NotAuthorizedException", "User is disabled.");

        (await _app.AdminCallAsync("AdminEnableUser", User(phone))).AssertOk();

        (await _app.GetUserAsync((await _app.SignInAsync(phone)).Access())).AssertOk();
        // Tokens revoked by the disabling stay revoked.
        (await _app.GetTokensAsync(tokens.Refresh())).AssertError("NotAuthorizedException", "Refresh Token has been revoked");
    }

    [Fact]
    public async Task AdminDisableUser_DuringSignIn_RightCodeStillRefused()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var start = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });
        start.AssertOk();
        var code = await _app.CodeAsync(phone, 2);

        (await _app.AdminCallAsync("AdminDisableUser", User(phone))).AssertOk();

        (await _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = code },
        })).AssertError("NotAuthorizedException", "User is disabled.");
    }

    [Fact]
    public async Task AdminUserGlobalSignOut_ByInternalUsername_TokensRefused()
    {
        var (_, tokens) = await SignedInAsync();

        (await _app.AdminCallAsync("AdminUserGlobalSignOut", User(tokens.Username()))).AssertOk();

        (await _app.GetUserAsync(tokens.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.GetTokensAsync(tokens.Refresh())).AssertError("NotAuthorizedException", "Refresh Token has been revoked");
    }

    [Fact]
    public async Task AdminDeleteUser_UserGone_SecondDeleteUserNotFound()
    {
        var (phone, tokens) = await SignedInAsync();

        (await _app.AdminCallAsync("AdminDeleteUser", User(phone))).AssertOk();

        (await _app.GetUserAsync(tokens.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.AdminCallAsync("AdminDeleteUser", User(phone))).AssertError("UserNotFoundException", "User does not exist.");
        (await _app.AdminCallAsync("AdminDisableUser", new { UserPoolId = "us-east-1_Nope", Username = phone }))
            .AssertError("ResourceNotFoundException", "User pool us-east-1_Nope does not exist.");
        (await _app.AdminCallAsync("AdminDisableUser", new { UserPoolId = "nounderscore", Username = phone })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task AdminUpdateUserAttributes_EmailWithVerifiedTrue_NoCodeSent()
    {
        var (phone, tokens) = await SignedInAsync();
        var email = SesameApp.NewEmail();
        var before = await _app.QueuedMessagesAsync(email);

        (await _app.AdminCallAsync("AdminUpdateUserAttributes", new
        {
            UserPoolId = SesameApp.PoolId,
            Username = phone,
            UserAttributes = new[] { new { Name = "email", Value = email }, new { Name = "email_verified", Value = "true" }, new { Name = "name", Value = "Ann" } },
        })).AssertOk();

        var attributes = (await _app.GetUserAsync(tokens.Access())).Attributes();
        Assert.Equal(email, attributes["email"]);
        Assert.Equal("true", attributes["email_verified"]);
        Assert.Equal("Ann", attributes["name"]);
        Assert.Equal(before, await _app.QueuedMessagesAsync(email));
        // The new address is an alias at once.
        (await _app.GetUserAsync((await _app.SignInAsync(email)).Access())).AssertOk();
    }

    [Fact]
    public async Task AdminUpdateUserAttributes_EmailWithoutFlag_UnverifiedAndCodeSent()
    {
        var (phone, tokens) = await SignedInAsync();
        var email = SesameApp.NewEmail();

        (await _app.AdminCallAsync("AdminUpdateUserAttributes", new
        {
            UserPoolId = SesameApp.PoolId,
            Username = phone,
            UserAttributes = new[] { new { Name = "email", Value = email } },
        })).AssertOk();

        var attributes = (await _app.GetUserAsync(tokens.Access())).Attributes();
        Assert.Equal(email, attributes["email"]);
        Assert.Equal("false", attributes["email_verified"]);
        var code = await _app.CodeAsync(email);
        (await _app.CallAsync("VerifyUserAttribute", new { AccessToken = tokens.Access(), AttributeName = "email", Code = code })).AssertOk();
        Assert.Equal("true", (await _app.GetUserAsync(tokens.Access())).Attributes()["email_verified"]);
    }

    [Fact]
    public async Task AdminUpdateUserAttributes_PhoneOfAnotherConfirmedUser_AliasExists_NothingChanged()
    {
        var (otherPhone, _) = await SignedInAsync();
        var (phone, tokens) = await SignedInAsync(("name", "Bo"));

        (await _app.AdminCallAsync("AdminUpdateUserAttributes", new
        {
            UserPoolId = SesameApp.PoolId,
            Username = phone,
            UserAttributes = new[] { new { Name = "phone_number", Value = otherPhone }, new { Name = "name", Value = "Changed" } },
        })).AssertError("AliasExistsException");

        var attributes = (await _app.GetUserAsync(tokens.Access())).Attributes();
        Assert.Equal(phone, attributes["phone_number"]);
        Assert.Equal("Bo", attributes["name"]);
        (await _app.AdminCallAsync("AdminUpdateUserAttributes", new
        {
            UserPoolId = SesameApp.PoolId,
            Username = phone,
            UserAttributes = new[] { new { Name = "email_verified", Value = "maybe" } },
        })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task SignUp_ReplacingAnAbandonedSignUp_RemovesItsPendingAttributeCodes()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        (await _app.AdminCallAsync("AdminUpdateUserAttributes", new
        {
            UserPoolId = SesameApp.PoolId,
            Username = phone,
            UserAttributes = new[] { new { Name = "email", Value = SesameApp.NewEmail() } },
        })).AssertOk();
        Assert.Equal(1, PendingAttributeCodes());

        // A new sign-up of the same number replaces the abandoned account, and nothing of it stays behind.
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();

        Assert.Equal(0, PendingAttributeCodes());
    }

    private long PendingAttributeCodes()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_app.DataDir, "sesame.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM one_time_codes WHERE purpose LIKE 'verify:%'";
        return (long)command.ExecuteScalar()!;
    }
}
