using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>
/// The PasswordPolicy settings that depend on a user's past, over HTTP: <c>TemporaryPasswordValidityDays</c> (an expired
/// temporary password signs nobody in until AdminCreateUser <c>MessageAction: RESEND</c> hands out a fresh one),
/// <c>PasswordHistorySize</c> in every operation that sets a password, and NEW_PASSWORD_REQUIRED's
/// <c>requiredAttributes</c> / <c>userAttributes.*</c>, written with the new password or not at all.
/// </summary>
public sealed class PasswordLifecycleTests
{
    private const string Pool = $"Sesame:UserPools:{SesameApp.PoolId}";
    private const string Temporary = "temporary-pass-1";
    private const string Chosen = "chosen by the user 7";
    private const string HistoryMessage = "Password has previously been used: the user pool's password history policy refuses it.";
    private static readonly string[] EmailOnly = ["EMAIL"];
    private const string ExpiredMessage = "Temporary password has expired and must be reset by an administrator.";

    private static Task<CognitoResponse> PasswordAuthAsync(SesameApp app, string login, string password) =>
        app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = login, PASSWORD = password } });

    private static Task<CognitoResponse> NewPasswordAsync(SesameApp app, JsonNode challenge, string password, params (string Name, string Value)[] attributes)
    {
        var responses = new Dictionary<string, string>
        {
            ["USERNAME"] = challenge["ChallengeParameters"]!["USER_ID_FOR_SRP"]!.GetValue<string>(),
            ["NEW_PASSWORD"] = password,
        };
        foreach (var (name, value) in attributes)
        {
            responses["userAttributes." + name] = value;
        }

        return app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId, ChallengeName = "NEW_PASSWORD_REQUIRED", Session = challenge["Session"]!.GetValue<string>(), ChallengeResponses = responses,
        });
    }

    private static Task<CognitoResponse> CreateInvitedAsync(SesameApp app, string email, string? temporary = Temporary, string action = "SUPPRESS") =>
        app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = email, TemporaryPassword = temporary, MessageAction = action,
            DesiredDeliveryMediums = EmailOnly,
            UserAttributes = new[] { new { Name = "email", Value = email }, new { Name = "email_verified", Value = "true" } },
        });

    private static async Task<CognitoResponse> AdminGetUserAsync(SesameApp app, string login) =>
        await app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = login });

    private static async Task<string> StatusAsync(SesameApp app, string login) =>
        (await AdminGetUserAsync(app, login)).Json["UserStatus"]!.GetValue<string>();

    private static async Task<string> ConfirmedUserAsync(SesameApp app, string password)
    {
        var email = SesameApp.NewEmail();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = email, Password = password })).AssertOk();
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = email, ConfirmationCode = await app.CodeAsync(email) })).AssertOk();
        return email;
    }

    private static void AssertSignsIn(CognitoResponse response)
    {
        response.AssertOk();
        Assert.NotNull(response.Json["AuthenticationResult"]?["IdToken"]);
    }

    private static void AssertNewPasswordRequired(CognitoResponse response)
    {
        response.AssertOk();
        Assert.Equal("NEW_PASSWORD_REQUIRED", response.Json["ChallengeName"]?.GetValue<string>());
    }

    private static SesameApp HistoryApp() => new(new() { [$"{Pool}:PasswordHistorySize"] = "3" });

    [Fact]
    public async Task TemporaryPassword_OlderThanValidityDays_NotAuthorizedInEveryFlow_OpenChallengeRefused_NothingWritten()
    {
        using var app = new SesameApp(new() { [$"{Pool}:PasswordTemporaryValidityDays"] = "1" });
        var email = SesameApp.NewEmail();
        (await CreateInvitedAsync(app, email)).AssertOk();

        app.Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        var open = await PasswordAuthAsync(app, email, Temporary);
        AssertNewPasswordRequired(open);
        app.Clock.Advance(TimeSpan.FromMinutes(2));

        // The challenge was opened in time, but answered after the temporary password expired.
        (await NewPasswordAsync(app, open.Json, Chosen)).AssertError("NotAuthorizedException", ExpiredMessage);
        (await PasswordAuthAsync(app, email, Temporary)).AssertError("NotAuthorizedException", ExpiredMessage);
        // A wrong password still learns nothing about the account.
        (await PasswordAuthAsync(app, email, "not the temporary 1")).AssertError("NotAuthorizedException", "Incorrect username or password.");
        var srp = new SrpClient();
        var start = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_SRP_AUTH", AuthParameters = new { USERNAME = email, SRP_A = srp.AHex } });
        var parameters = start.Json["ChallengeParameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        (await app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId, ChallengeName = "PASSWORD_VERIFIER", Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = srp.Answer(SesameApp.PoolId, Temporary, parameters, app.Clock.GetUtcNow()),
        })).AssertError("NotAuthorizedException", ExpiredMessage);

        Assert.Equal("FORCE_CHANGE_PASSWORD", await StatusAsync(app, email));
        (await PasswordAuthAsync(app, email, Chosen)).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task TemporaryPassword_ValidityDaysZero_MeansCognitosDefaultOfSevenDays_NotExpiredAtOnce()
    {
        // Cognito's PasswordPolicyType: "A value of 0 is treated as null" (the default, 7 days).
        using var app = new SesameApp(new() { [$"{Pool}:PasswordTemporaryValidityDays"] = "0" });
        var email = SesameApp.NewEmail();
        (await CreateInvitedAsync(app, email)).AssertOk();

        AssertNewPasswordRequired(await PasswordAuthAsync(app, email, Temporary));
        app.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        AssertNewPasswordRequired(await PasswordAuthAsync(app, email, Temporary));
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        (await PasswordAuthAsync(app, email, Temporary)).AssertError("NotAuthorizedException", ExpiredMessage);
    }

    [Fact]
    public async Task Resend_ExpiredTemporaryPassword_FreshOneSentAndValidAgain_OldOneDead()
    {
        using var app = new SesameApp(new() { [$"{Pool}:PasswordTemporaryValidityDays"] = "1" });
        var email = SesameApp.NewEmail();
        (await CreateInvitedAsync(app, email)).AssertOk();
        app.Clock.Advance(TimeSpan.FromDays(2));
        (await PasswordAuthAsync(app, email, Temporary)).AssertError("NotAuthorizedException", ExpiredMessage);

        // The admin's own temporary password, then one Sesame generates: each arrives in the invitation.
        var given = await CreateInvitedAsync(app, email, "fresh-temporary-2", "RESEND");
        given.AssertOk();
        Assert.Equal("FORCE_CHANGE_PASSWORD", given.Json["User"]!["UserStatus"]!.GetValue<string>());
        Assert.Equal("fresh-temporary-2", (await app.MessageAsync(email)).Code);
        (await PasswordAuthAsync(app, email, Temporary)).AssertError("NotAuthorizedException", "Incorrect username or password.");
        AssertNewPasswordRequired(await PasswordAuthAsync(app, email, "fresh-temporary-2"));

        app.Clock.Advance(TimeSpan.FromDays(2));
        (await CreateInvitedAsync(app, email, temporary: null, "RESEND")).AssertOk();
        var generated = (await app.MessageAsync(email, 2)).Code!;
        Assert.True(generated.Length >= 12, "a generated temporary password has at least 12 characters");
        Assert.Contains(generated, c => char.IsUpper(c));
        Assert.Contains(generated, c => char.IsLower(c));
        Assert.Contains(generated, c => char.IsDigit(c));
        (await PasswordAuthAsync(app, email, "fresh-temporary-2")).AssertError("NotAuthorizedException", "Incorrect username or password.");
        var challenge = await PasswordAuthAsync(app, email, generated);
        AssertNewPasswordRequired(challenge);
        AssertSignsIn(await NewPasswordAsync(app, challenge.Json, Chosen));
        Assert.Equal("CONFIRMED", await StatusAsync(app, email));
    }

    [Fact]
    public async Task Resend_ConfirmedUser_UnsupportedUserStateException_NothingSentNorChanged()
    {
        using var app = new SesameApp();
        var email = SesameApp.NewEmail();
        (await CreateInvitedAsync(app, email)).AssertOk();
        AssertSignsIn(await NewPasswordAsync(app, (await PasswordAuthAsync(app, email, Temporary)).Json, Chosen));
        var before = await app.QueuedMessagesAsync(email);

        var refused = await CreateInvitedAsync(app, email, "fresh-temporary-2", "RESEND");
        refused.AssertError("UnsupportedUserStateException");
        Assert.StartsWith("Resend not possible.", refused.Message, StringComparison.Ordinal);

        Assert.Equal(before, await app.QueuedMessagesAsync(email));
        AssertSignsIn(await PasswordAuthAsync(app, email, Chosen));
        (await PasswordAuthAsync(app, email, "fresh-temporary-2")).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task ChangePassword_ReusesOneOfTheLastHistorySize_Refused_OldPasswordStillWorks_OlderOneAllowed()
    {
        using var app = HistoryApp();
        string[] passwords = ["password number 1", "password number 2", "password number 3", "password number 4"];
        var email = await ConfirmedUserAsync(app, passwords[0]);
        var access = (await PasswordAuthAsync(app, email, passwords[0])).Json["AuthenticationResult"]!.Access();
        // The clock does not move: every change falls in the same millisecond, and the history still keeps the newest.
        Task<CognitoResponse> ChangeAsync(string from, string to) =>
            app.CallAsync("ChangePassword", new { AccessToken = access, PreviousPassword = from, ProposedPassword = to });

        (await ChangeAsync(passwords[0], passwords[0])).AssertError("PasswordHistoryPolicyViolationException", HistoryMessage);
        (await ChangeAsync(passwords[0], passwords[1])).AssertOk();
        (await ChangeAsync(passwords[1], passwords[0])).AssertError("PasswordHistoryPolicyViolationException", HistoryMessage);
        AssertSignsIn(await PasswordAuthAsync(app, email, passwords[1]));
        (await PasswordAuthAsync(app, email, passwords[0])).AssertError("NotAuthorizedException", "Incorrect username or password.");

        (await ChangeAsync(passwords[1], passwords[2])).AssertOk();
        (await ChangeAsync(passwords[2], passwords[3])).AssertOk();
        // Size 3: the current password and the two before it. The first has left the history.
        (await ChangeAsync(passwords[3], passwords[1])).AssertError("PasswordHistoryPolicyViolationException", HistoryMessage);
        (await ChangeAsync(passwords[3], passwords[0])).AssertOk();
        AssertSignsIn(await PasswordAuthAsync(app, email, passwords[0]));
    }

    [Fact]
    public async Task ChangePassword_NoHistorySize_SamePasswordAgainAccepted()
    {
        using var app = new SesameApp();
        var email = await ConfirmedUserAsync(app, "password number 1");
        var access = (await PasswordAuthAsync(app, email, "password number 1")).Json["AuthenticationResult"]!.Access();

        (await app.CallAsync("ChangePassword", new { AccessToken = access, PreviousPassword = "password number 1", ProposedPassword = "password number 1" }))
            .AssertOk();
    }

    [Fact]
    public async Task ConfirmForgotPassword_ReusedPassword_Refused_OldPasswordStillWorks_SameCodeTakesAnother()
    {
        using var app = HistoryApp();
        var email = await ConfirmedUserAsync(app, "password number 1");
        (await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = email })).AssertOk();
        var code = await app.CodeAsync(email, 2);
        Task<CognitoResponse> ConfirmAsync(string password) =>
            app.CallAsync("ConfirmForgotPassword", new { SesameApp.ClientId, Username = email, ConfirmationCode = code, Password = password });

        (await ConfirmAsync("password number 1")).AssertError("PasswordHistoryPolicyViolationException", HistoryMessage);
        AssertSignsIn(await PasswordAuthAsync(app, email, "password number 1"));

        (await ConfirmAsync("password number 2")).AssertOk();
        AssertSignsIn(await PasswordAuthAsync(app, email, "password number 2"));
        (await ConfirmAsync("password number 3")).AssertError("ExpiredCodeException");
    }

    [Fact]
    public async Task ConfirmForgotPassword_WrongCodeWithReusedPassword_CodeMismatchNotHistory()
    {
        using var app = HistoryApp();
        var email = await ConfirmedUserAsync(app, "password number 1");
        (await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = email })).AssertOk();
        var code = await app.CodeAsync(email, 2);
        var wrong = code == "000000" ? "111111" : "000000";

        // Before the code is proven, the answer must not tell whether a password was once the user's.
        (await app.CallAsync("ConfirmForgotPassword", new { SesameApp.ClientId, Username = email, ConfirmationCode = wrong, Password = "password number 1" }))
            .AssertError("CodeMismatchException");
    }

    [Fact]
    public async Task AdminSetUserPassword_PermanentReuse_Refused_TemporaryReuseAllowed()
    {
        using var app = HistoryApp();
        var email = await ConfirmedUserAsync(app, "password number 1");
        Task<CognitoResponse> SetAsync(string password, bool permanent) =>
            app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email, Password = password, Permanent = permanent });

        (await SetAsync("password number 1", permanent: true)).AssertError("PasswordHistoryPolicyViolationException", HistoryMessage);
        Assert.Equal("CONFIRMED", await StatusAsync(app, email));
        AssertSignsIn(await PasswordAuthAsync(app, email, "password number 1"));

        (await SetAsync("password number 1", permanent: false)).AssertOk();
        Assert.Equal("FORCE_CHANGE_PASSWORD", await StatusAsync(app, email));
    }

    [Fact]
    public async Task NewPasswordRequired_ReusedPassword_Refused_StillForceChange_SessionTakesAnother()
    {
        using var app = HistoryApp();
        var email = await ConfirmedUserAsync(app, "password number 1");
        (await app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email, Password = Temporary, Permanent = false }))
            .AssertOk();
        var challenge = await PasswordAuthAsync(app, email, Temporary);
        AssertNewPasswordRequired(challenge);

        (await NewPasswordAsync(app, challenge.Json, "password number 1")).AssertError("PasswordHistoryPolicyViolationException", HistoryMessage);
        (await NewPasswordAsync(app, challenge.Json, Temporary)).AssertError("PasswordHistoryPolicyViolationException", HistoryMessage);
        Assert.Equal("FORCE_CHANGE_PASSWORD", await StatusAsync(app, email));
        AssertNewPasswordRequired(await PasswordAuthAsync(app, email, Temporary));

        AssertSignsIn(await NewPasswordAsync(app, challenge.Json, Chosen));
        Assert.Equal("CONFIRMED", await StatusAsync(app, email));
    }

    [Fact]
    public async Task NewPasswordRequired_RequiredAttribute_RefusedAnswersWriteNothing_ThenWrittenWithThePassword()
    {
        using var app = new SesameApp(new() { [$"{Pool}:Schema:0:Name"] = "given_name", [$"{Pool}:Schema:0:Required"] = "true" });
        var email = SesameApp.NewEmail();
        (await CreateInvitedAsync(app, email)).AssertOk();
        var challenge = await PasswordAuthAsync(app, email, Temporary);
        AssertNewPasswordRequired(challenge);
        Assert.Equal("[\"userAttributes.given_name\"]", challenge.Json["ChallengeParameters"]!["requiredAttributes"]!.GetValue<string>());

        (await NewPasswordAsync(app, challenge.Json, Chosen)).AssertError("InvalidParameterException", "Invalid attributes given, given_name is missing");
        (await NewPasswordAsync(app, challenge.Json, Chosen, ("given_name", ""))).AssertError("InvalidParameterException", "Invalid attributes given, given_name is missing");
        (await NewPasswordAsync(app, challenge.Json, "short", ("given_name", "Ada"))).AssertError("InvalidPasswordException");
        (await NewPasswordAsync(app, challenge.Json, Chosen, ("given_name", "Ada"), ("email", "other@example.com")))
            .AssertError("NotAuthorizedException", "Cannot modify an already provided email");

        var untouched = await AdminGetUserAsync(app, email);
        Assert.Equal("FORCE_CHANGE_PASSWORD", untouched.Json["UserStatus"]!.GetValue<string>());
        Assert.False(untouched.Attributes().ContainsKey("given_name"));
        Assert.Equal(email, untouched.Attributes()["email"]);
        (await PasswordAuthAsync(app, email, Chosen)).AssertError("NotAuthorizedException", "Incorrect username or password.");

        var done = await NewPasswordAsync(app, challenge.Json, Chosen, ("given_name", "Ada"), ("family_name", "Lovelace"));

        AssertSignsIn(done);
        var idToken = done.Json["AuthenticationResult"]!["IdToken"]!.GetValue<string>();
        var claims = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(idToken.Split('.')[1]))!;
        Assert.Equal("Ada", claims["given_name"]!.GetValue<string>());
        var written = await AdminGetUserAsync(app, email);
        Assert.Equal("CONFIRMED", written.Json["UserStatus"]!.GetValue<string>());
        Assert.Equal(("Ada", "Lovelace"), (written.Attributes()["given_name"], written.Attributes()["family_name"]));
        Assert.Equal("true", written.Attributes()["email_verified"]);
    }

    [Fact]
    public async Task NewPasswordRequired_MoreThanFiveAnswers_SessionEnds_NothingWritten()
    {
        using var app = new SesameApp();
        var email = SesameApp.NewEmail();
        (await CreateInvitedAsync(app, email)).AssertOk();
        var challenge = await PasswordAuthAsync(app, email, Temporary);

        for (var i = 0; i < 5; i++)
        {
            (await NewPasswordAsync(app, challenge.Json, "short")).AssertError("InvalidPasswordException");
        }

        (await NewPasswordAsync(app, challenge.Json, Chosen)).AssertError("NotAuthorizedException", "Invalid session for the user.");
        Assert.Equal("FORCE_CHANGE_PASSWORD", await StatusAsync(app, email));
        AssertNewPasswordRequired(await PasswordAuthAsync(app, email, Temporary));
    }
}
