using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>USER_AUTH's password first factors, PASSWORD and PASSWORD_SRP, preferred or chosen at SELECT_CHALLENGE.</summary>
public sealed class UserAuthPasswordTests : IDisposable
{
    private const string Password = "user auth password 1";

    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<string> UserWithPasswordAsync(SesameApp? app = null)
    {
        app ??= _app;
        var email = SesameApp.NewEmail();
        (await app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = email, MessageAction = "SUPPRESS",
            UserAttributes = new[] { new { Name = "email", Value = email }, new { Name = "email_verified", Value = "true" } },
        })).AssertOk();
        (await app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email, Password, Permanent = true })).AssertOk();
        return email;
    }

    private static Task<CognitoResponse> StartAsync(SesameApp app, object parameters) =>
        app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = parameters });

    private Task<CognitoResponse> RespondAsync(string challengeName, JsonNode challenge, Dictionary<string, string> responses) =>
        _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId, ChallengeName = challengeName, Session = challenge["Session"]!.GetValue<string>(), ChallengeResponses = responses,
        });

    private async Task<CognitoResponse> AnswerSrpAsync(SrpClient srp, JsonNode challenge, string password)
    {
        var parameters = challenge["ChallengeParameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        return await RespondAsync("PASSWORD_VERIFIER", challenge, srp.Answer(SesameApp.PoolId, password, parameters, _app.Clock.GetUtcNow()));
    }

    private static List<string> Available(CognitoResponse response) =>
        [.. response.Json["AvailableChallenges"]!.AsArray().Select(c => c!.GetValue<string>())];

    [Fact]
    public async Task PreferredPassword_RightThenWrong_TokensThenIncorrect()
    {
        var email = await UserWithPasswordAsync();

        var done = await StartAsync(_app, new { USERNAME = email, PREFERRED_CHALLENGE = "PASSWORD", PASSWORD = Password });

        done.AssertOk();
        Assert.NotNull(done.Json["AuthenticationResult"]!["IdToken"]);
        (await StartAsync(_app, new { USERNAME = email, PREFERRED_CHALLENGE = "PASSWORD", PASSWORD = "not the password" }))
            .AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await StartAsync(_app, new { USERNAME = email, PREFERRED_CHALLENGE = "PASSWORD" }))
            .AssertError("InvalidParameterException", "Missing required parameter PASSWORD");
    }

    [Fact]
    public async Task PreferredPasswordSrp_PasswordVerifierThenTokens()
    {
        var email = await UserWithPasswordAsync();
        var srp = new SrpClient();

        var challenge = await StartAsync(_app, new { USERNAME = email, PREFERRED_CHALLENGE = "PASSWORD_SRP", SRP_A = srp.AHex });

        challenge.AssertOk();
        Assert.Equal("PASSWORD_VERIFIER", challenge.Json["ChallengeName"]!.GetValue<string>());
        var done = await AnswerSrpAsync(srp, challenge.Json, Password);
        done.AssertOk();
        Assert.NotNull(done.Json["AuthenticationResult"]!["AccessToken"]);
    }

    [Fact]
    public async Task SelectChallenge_PasswordFactorsOnlyForUsersWithOne_ChosenPasswordAndSrpSignIn()
    {
        var email = await UserWithPasswordAsync();
        var passwordless = SesameApp.NewEmail();
        await _app.CreateConfirmedUserAsync(passwordless);

        var withPassword = await StartAsync(_app, new { USERNAME = email });
        var without = await StartAsync(_app, new { USERNAME = passwordless });

        Assert.Equal(["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"], Available(withPassword));
        Assert.Equal(["EMAIL_OTP"], Available(without));
        var done = await RespondAsync("SELECT_CHALLENGE", withPassword.Json, new() { ["USERNAME"] = email, ["ANSWER"] = "PASSWORD", ["PASSWORD"] = Password });
        done.AssertOk();
        Assert.NotNull(done.Json["AuthenticationResult"]);

        var srp = new SrpClient();
        var select = await StartAsync(_app, new { USERNAME = email });
        var verifier = await RespondAsync("SELECT_CHALLENGE", select.Json, new() { ["USERNAME"] = email, ["ANSWER"] = "PASSWORD_SRP", ["SRP_A"] = srp.AHex });
        Assert.Equal("PASSWORD_VERIFIER", verifier.Json["ChallengeName"]!.GetValue<string>());
        (await AnswerSrpAsync(srp, verifier.Json, Password)).AssertOk();
        (await RespondAsync("SELECT_CHALLENGE", without.Json, new() { ["USERNAME"] = passwordless, ["ANSWER"] = "PASSWORD", ["PASSWORD"] = Password }))
            .AssertError("InvalidParameterException", "The challenge PASSWORD is not available for this user.");
    }

    [Fact]
    public async Task UnknownUser_OffersPasswordFactors_AndPasswordIsIncorrect()
    {
        var email = SesameApp.NewEmail();

        var select = await StartAsync(_app, new { USERNAME = email });

        Assert.Equal(["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"], Available(select));
        (await StartAsync(_app, new { USERNAME = email, PREFERRED_CHALLENGE = "PASSWORD", PASSWORD = Password }))
            .AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task PasswordModeNone_NoPasswordFactors_PreferredPasswordFallsBackToSelectChallenge()
    {
        using var app = new SesameApp(new() { [$"Sesame:UserPools:{SesameApp.PoolId}:PasswordMode"] = "None" });
        var email = SesameApp.NewEmail();
        await app.CreateConfirmedUserAsync(email);

        var select = await StartAsync(app, new { USERNAME = email, PREFERRED_CHALLENGE = "PASSWORD", PASSWORD = Password });

        select.AssertOk();
        Assert.Equal("SELECT_CHALLENGE", select.Json["ChallengeName"]!.GetValue<string>());
        Assert.Equal(["EMAIL_OTP"], Available(select));
    }

    [Fact]
    public async Task PreferredPassword_AccountAttemptLimit_RefusedBeforeHashing()
    {
        // One limit set by the test (the others keep their defaults): two password attempts per account per day.
        using var app = new SesameApp(new() { [$"Sesame:UserPools:{SesameApp.PoolId}:Limits:PasswordAttemptsPerAccountPerDay"] = "2" });
        var email = await UserWithPasswordAsync(app);

        for (var i = 0; i < 2; i++)
        {
            (await StartAsync(app, new { USERNAME = email, PREFERRED_CHALLENGE = "PASSWORD", PASSWORD = "wrong " + i }))
                .AssertError("NotAuthorizedException", "Incorrect username or password.");
        }

        var refused = await StartAsync(app, new { USERNAME = email, PREFERRED_CHALLENGE = "PASSWORD", PASSWORD = Password });
        refused.AssertError("TooManyRequestsException");
        Assert.True(refused.Headers.ContainsKey("retry-after"));
    }
}
