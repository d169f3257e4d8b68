using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>Temporary passwords (AdminCreateUser, AdminSetUserPassword) and the NEW_PASSWORD_REQUIRED challenge that ends them.</summary>
public sealed class NewPasswordRequiredTests : IDisposable
{
    private const string Temporary = "temporary-pass-1";
    private const string Chosen = "chosen by the user 7";

    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<string> CreateWithTemporaryAsync()
    {
        var email = SesameApp.NewEmail();
        (await _app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = email, TemporaryPassword = Temporary, MessageAction = "SUPPRESS",
            UserAttributes = new[] { new { Name = "email", Value = email }, new { Name = "given_name", Value = "Ada" } },
        })).AssertOk();
        return email;
    }

    private Task<CognitoResponse> PasswordAuthAsync(string login, string password) =>
        _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = login, PASSWORD = password } });

    private Task<CognitoResponse> NewPasswordAsync(JsonNode challenge, string password) =>
        _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "NEW_PASSWORD_REQUIRED",
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = challenge["ChallengeParameters"]!["USER_ID_FOR_SRP"]!.GetValue<string>(), NEW_PASSWORD = password },
        });

    private async Task<string> StatusAsync(string login)
    {
        var user = await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = login });
        return user.Json["UserStatus"]!.GetValue<string>();
    }

    [Fact]
    public async Task TemporaryPassword_SignIn_NewPasswordRequiredWithCognitosParameters()
    {
        var email = await CreateWithTemporaryAsync();

        var start = await PasswordAuthAsync(email, Temporary);

        start.AssertOk();
        Assert.Equal("NEW_PASSWORD_REQUIRED", start.Json["ChallengeName"]!.GetValue<string>());
        Assert.Null(start.Json["AuthenticationResult"]);
        var parameters = start.Json["ChallengeParameters"]!;
        Assert.Equal("[]", parameters["requiredAttributes"]!.GetValue<string>());
        var attributes = JsonNode.Parse(parameters["userAttributes"]!.GetValue<string>())!;
        Assert.Equal(("Ada", email), (attributes["given_name"]!.GetValue<string>(), attributes["email"]!.GetValue<string>()));
        Assert.Null(attributes["email_verified"]);
        Assert.False(string.IsNullOrEmpty(parameters["USER_ID_FOR_SRP"]!.GetValue<string>()));
    }

    [Fact]
    public async Task NewPassword_TooShortThenGood_RefusedThenTokensAndConfirmed()
    {
        var email = await CreateWithTemporaryAsync();
        var start = await PasswordAuthAsync(email, Temporary);

        (await NewPasswordAsync(start.Json, "short")).AssertError("InvalidPasswordException", "Password did not conform with policy: Password not long enough");
        var done = await NewPasswordAsync(start.Json, Chosen);

        done.AssertOk();
        Assert.NotNull(done.Json["AuthenticationResult"]!["IdToken"]);
        Assert.Equal("CONFIRMED", await StatusAsync(email));
        (await NewPasswordAsync(start.Json, Chosen)).AssertError("NotAuthorizedException", "Invalid session for the user.");
        (await PasswordAuthAsync(email, Temporary)).AssertError("NotAuthorizedException", "Incorrect username or password.");
        Assert.NotNull((await PasswordAuthAsync(email, Chosen)).Json["AuthenticationResult"]);
    }

    [Fact]
    public async Task NewPassword_AfterSrpSignIn_SrpVerifierReplacedToo()
    {
        var email = await CreateWithTemporaryAsync();
        var srp = new SrpClient();
        var start = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_SRP_AUTH", AuthParameters = new { USERNAME = email, SRP_A = srp.AHex } });
        var parameters = start.Json["ChallengeParameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var verified = await _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId, ChallengeName = "PASSWORD_VERIFIER", Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = srp.Answer(SesameApp.PoolId, Temporary, parameters, _app.Clock.GetUtcNow()),
        });
        Assert.Equal("NEW_PASSWORD_REQUIRED", verified.Json["ChallengeName"]!.GetValue<string>());

        (await NewPasswordAsync(verified.Json, Chosen)).AssertOk();

        var again = new SrpClient();
        var second = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_SRP_AUTH", AuthParameters = new { USERNAME = email, SRP_A = again.AHex } });
        var secondParameters = second.Json["ChallengeParameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var tokens = await _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId, ChallengeName = "PASSWORD_VERIFIER", Session = second.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = again.Answer(SesameApp.PoolId, Chosen, secondParameters, _app.Clock.GetUtcNow()),
        });
        Assert.NotNull(tokens.Json["AuthenticationResult"]);
    }

    [Fact]
    public async Task AdminSetUserPassword_TemporaryThenPermanent_StatusFollows()
    {
        var email = await CreateWithTemporaryAsync();

        (await _app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email, Password = Chosen, Permanent = true })).AssertOk();
        Assert.Equal("CONFIRMED", await StatusAsync(email));
        Assert.NotNull((await PasswordAuthAsync(email, Chosen)).Json["AuthenticationResult"]);

        (await _app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email, Password = Temporary })).AssertOk();
        Assert.Equal("FORCE_CHANGE_PASSWORD", await StatusAsync(email));
        Assert.Equal("NEW_PASSWORD_REQUIRED", (await PasswordAuthAsync(email, Temporary)).Json["ChallengeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminSetUserPassword_ShortOrUnknownUser_CognitosErrorsAndThePasswordNeverEchoed()
    {
        var email = await CreateWithTemporaryAsync();

        var refused = await _app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email, Password = "tiny", Permanent = true });

        refused.AssertError("InvalidPasswordException");
        Assert.DoesNotContain("tiny", refused.Body, StringComparison.Ordinal);
        (await _app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = "nobody@example.com", Password = Chosen }))
            .AssertError("UserNotFoundException");
        (await _app.CallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email, Password = Chosen }))
            .AssertError("MissingAuthenticationTokenException");
    }
}
