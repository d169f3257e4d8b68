using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Tests.TestSupport;
using Sesame.Triggers;

namespace Sesame.Tests.CognitoApi;

/// <summary>
/// ForgotPassword / ConfirmForgotPassword, ChangePassword and AdminResetUserPassword over HTTP: Cognito's shapes and
/// errors, the triggers they run, and the limits a password answer passes.
/// </summary>
public sealed class PasswordRecoveryTests : IDisposable
{
    private const string Old = "old password 1234";
    private const string New = "new password 5678";

    private readonly ConcurrentQueue<TriggerEvent> _events = new();
    private readonly SesameApp _app;

    public PasswordRecoveryTests()
    {
        _app = new SesameApp(services: services =>
        {
            services.AddSingleton<ITrigger<CustomMessageEvent>>(new Recording<CustomMessageEvent>(_events));
            services.AddSingleton<ITrigger<PostConfirmationEvent>>(new Recording<PostConfirmationEvent>(_events));
        });
    }

    public void Dispose() => _app.Dispose();

    private sealed class Recording<TEvent>(ConcurrentQueue<TriggerEvent> events) : ITrigger<TEvent>
        where TEvent : TriggerEvent
    {
        public ValueTask HandleAsync(TEvent triggerEvent, CancellationToken cancellationToken)
        {
            events.Enqueue(triggerEvent);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A confirmed user with a verified email and a password, signed up as an app does.</summary>
    private async Task<string> UserWithPasswordAsync()
    {
        var email = SesameApp.NewEmail();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = email, Password = Old })).AssertOk();
        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = email, ConfirmationCode = await _app.CodeAsync(email) })).AssertOk();
        return email;
    }

    private Task<CognitoResponse> PasswordAuthAsync(string login, string password) =>
        _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = login, PASSWORD = password } });

    private Task<CognitoResponse> ForgotAsync(string login) =>
        _app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = login, ClientMetadata = new { app = "tests" } });

    private Task<CognitoResponse> ConfirmAsync(string login, string code, string password) =>
        _app.CallAsync("ConfirmForgotPassword", new { SesameApp.ClientId, Username = login, ConfirmationCode = code, Password = password });

    private async Task<string> StatusAsync(string login) =>
        (await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = login })).Json["UserStatus"]!.GetValue<string>();

    [Fact]
    public async Task ForgotPassword_KnownUser_CodeToVerifiedEmail_ConfirmSetsPasswordAndEndsSignIns()
    {
        var email = await UserWithPasswordAsync();
        var tokens = (await PasswordAuthAsync(email, Old)).Json["AuthenticationResult"]!;

        var forgot = await ForgotAsync(email);

        forgot.AssertOk();
        var delivery = forgot.Json["CodeDeliveryDetails"]!;
        Assert.Equal(("EMAIL", "email"), (delivery["DeliveryMedium"]!.GetValue<string>(), delivery["AttributeName"]!.GetValue<string>()));
        Assert.DoesNotContain(email, delivery["Destination"]!.GetValue<string>(), StringComparison.Ordinal);
        var code = await _app.CodeAsync(email, 2);
        var message = _events.OfType<CustomMessageEvent>().Single(e => e.TriggerSource == "CustomMessage_ForgotPassword");
        Assert.Equal("tests", message.Request.ClientMetadata!["app"]);

        (await ConfirmAsync(email, code, New)).AssertOk();

        (await PasswordAuthAsync(email, Old)).AssertError("NotAuthorizedException", "Incorrect username or password.");
        Assert.NotNull((await PasswordAuthAsync(email, New)).Json["AuthenticationResult"]);
        // A reset ends every earlier sign-in: its refresh token and the access tokens minted from it.
        (await _app.GetTokensAsync(tokens.Refresh())).AssertError("NotAuthorizedException");
        (await _app.GetUserAsync(tokens.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
        var confirmed = _events.OfType<PostConfirmationEvent>().Last();
        Assert.Equal(("PostConfirmation_ConfirmForgotPassword", SesameApp.ClientId), (confirmed.TriggerSource, confirmed.CallerContext.ClientId));
        (await ConfirmAsync(email, code, "third password 9")).AssertError("ExpiredCodeException", "Invalid code provided, please request a code again.");
    }

    [Fact]
    public async Task ForgotPassword_UnknownUser_SameAnswerShapeNothingSent()
    {
        var email = SesameApp.NewEmail();
        var before = await _app.QueuedMessagesAsync(email);

        var forgot = await ForgotAsync(email);

        forgot.AssertOk();
        var delivery = forgot.Json["CodeDeliveryDetails"]!.AsObject();
        Assert.Equal(["AttributeName", "DeliveryMedium", "Destination"], delivery.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("EMAIL", delivery["DeliveryMedium"]!.GetValue<string>());
        Assert.Equal(before, await _app.QueuedMessagesAsync(email));
        (await ConfirmAsync(email, "123456", New)).AssertError("CodeMismatchException", "Invalid verification code provided, please try again.");
    }

    [Fact]
    public async Task ForgotPassword_NoVerifiedContact_InvalidParameter_AndTemporaryPasswordUser_CannotReset()
    {
        var unverified = SesameApp.NewEmail();
        (await _app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = unverified, MessageAction = "SUPPRESS",
            UserAttributes = new[] { new { Name = "email", Value = unverified } },
        })).AssertOk();
        var invited = SesameApp.NewEmail();
        (await _app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = invited, MessageAction = "SUPPRESS", TemporaryPassword = Old,
            UserAttributes = new[] { new { Name = "email", Value = invited }, new { Name = "email_verified", Value = "true" } },
        })).AssertOk();

        (await ForgotAsync(unverified)).AssertError("InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email or phone_number");
        (await ForgotAsync(invited)).AssertError("NotAuthorizedException", "User password cannot be reset in the current state.");
        (await _app.AdminCallAsync("AdminResetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = invited }))
            .AssertError("NotAuthorizedException", "User password cannot be reset in the current state.");
    }

    [Fact]
    public async Task ConfirmForgotPassword_WrongShortExpired_CognitosErrors_ShortPasswordKeepsTheCode()
    {
        var email = await UserWithPasswordAsync();
        (await ForgotAsync(email)).AssertOk();
        var code = await _app.CodeAsync(email, 2);
        var wrong = code == "000000" ? "111111" : "000000";

        (await ConfirmAsync(email, wrong, New)).AssertError("CodeMismatchException", "Invalid verification code provided, please try again.");
        (await ConfirmAsync(email, code, "short")).AssertError("InvalidPasswordException", "Password did not conform with policy: Password not long enough");
        (await _app.CallAsync("ConfirmForgotPassword", new { SesameApp.ClientId, Username = email, ConfirmationCode = code }))
            .AssertError("InvalidParameterException", "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null");
        _app.Clock.Advance(TimeSpan.FromMinutes(11));
        (await ConfirmAsync(email, code, New)).AssertError("ExpiredCodeException", "Invalid code provided, please request a code again.");
        Assert.NotNull((await PasswordAuthAsync(email, Old)).Json["AuthenticationResult"]);
    }

    [Fact]
    public async Task ConfirmForgotPassword_SixteenConcurrentRightAnswers_ExactlyOneSetsItsPassword()
    {
        var email = await UserWithPasswordAsync();
        (await ForgotAsync(email)).AssertOk();
        var code = await _app.CodeAsync(email, 2);
        var attempt = 0;

        var answers = await Concurrently.RunAsync(16, async () =>
        {
            var password = $"concurrent password {Interlocked.Increment(ref attempt)}";
            return (password, await ConfirmAsync(email, code, password));
        });

        var winner = Assert.Single(answers, a => a.Item2.Status == 200);
        // A loser that arrives after the winner finds no code (ExpiredCodeException); one counted while the code still
        // existed but past its 5 answers is refused in the words of a wrong code (CodeMismatchException). Which one
        // depends on the interleaving, so either is right; what matters is that none of them sets a password.
        Assert.All(answers.Where(a => a.Item2.Status != 200), a => Assert.True(a.Item2.ErrorType is "ExpiredCodeException" or "CodeMismatchException", a.Item2.Body));
        Assert.Equal(15, answers.Count(a => a.Item2.Status == 400));
        Assert.NotNull((await PasswordAuthAsync(email, winner.password)).Json["AuthenticationResult"]);
    }

    [Fact]
    public async Task ForgotPassword_SendLimits_SecondCodeWithinTheIntervalRefused_UnknownUserGetsTheSameAnswer()
    {
        // One limit set by the test, so the others keep their defaults (a 60-second interval per destination and kind).
        using var app = new SesameApp(new() { [$"Sesame:UserPools:{SesameApp.PoolId}:Limits:DestinationPerDay"] = "10" });
        var email = SesameApp.NewEmail();
        (await app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = email, MessageAction = "SUPPRESS",
            UserAttributes = new[] { new { Name = "email", Value = email }, new { Name = "email_verified", Value = "true" } },
        })).AssertOk();
        var unknown = SesameApp.NewEmail();

        foreach (var login in new[] { email, unknown })
        {
            (await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = login })).AssertOk();
        }

        app.Clock.Advance(TimeSpan.FromSeconds(20));
        var known = await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = email });
        var stranger = await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = unknown });
        known.AssertError("LimitExceededException", "Attempt limit exceeded, please try after some time.");
        Assert.Equal("40", known.Headers["retry-after"]);
        // An unknown user at the limit gets exactly what a known one gets (issue 9): status, body and wait.
        Assert.Equal((known.Status, known.Body, known.Headers["retry-after"]), (stranger.Status, stranger.Body, stranger.Headers["retry-after"]));
    }

    [Fact]
    public async Task ChangePassword_RightPrevious_Changes_KeepsRefreshToken_WrongPreviousAndPolicyRefused()
    {
        var email = await UserWithPasswordAsync();
        var tokens = (await PasswordAuthAsync(email, Old)).Json["AuthenticationResult"]!;

        (await _app.CallAsync("ChangePassword", new { AccessToken = tokens.Access(), PreviousPassword = "not it at all", ProposedPassword = New }))
            .AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await _app.CallAsync("ChangePassword", new { AccessToken = tokens.Access(), ProposedPassword = New }))
            .AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await _app.CallAsync("ChangePassword", new { AccessToken = tokens.Access(), PreviousPassword = Old, ProposedPassword = "short" }))
            .AssertError("InvalidPasswordException", "Password did not conform with policy: Password not long enough");
        (await _app.CallAsync("ChangePassword", new { AccessToken = tokens.Access(), PreviousPassword = Old, ProposedPassword = New })).AssertOk();

        (await PasswordAuthAsync(email, Old)).AssertError("NotAuthorizedException", "Incorrect username or password.");
        Assert.NotNull((await PasswordAuthAsync(email, New)).Json["AuthenticationResult"]);
        (await _app.GetTokensAsync(tokens.Refresh())).AssertOk();
    }

    [Fact]
    public async Task ChangePassword_PasswordlessUser_SetsOneWithoutPrevious()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var tokens = await _app.SignInAsync(phone);

        (await _app.CallAsync("ChangePassword", new { AccessToken = tokens.Access(), ProposedPassword = New })).AssertOk();

        Assert.NotNull((await PasswordAuthAsync(phone, New)).Json["AuthenticationResult"]);
    }

    [Fact]
    public async Task ChangePassword_RepeatedWrongPrevious_LockedOut_EvenTheRightOneRefused()
    {
        var email = await UserWithPasswordAsync();
        var tokens = (await PasswordAuthAsync(email, Old)).Json["AuthenticationResult"]!;
        for (var i = 0; i < PasswordLockoutFreeFailures; i++)
        {
            (await _app.CallAsync("ChangePassword", new { AccessToken = tokens.Access(), PreviousPassword = "wrong guess " + i, ProposedPassword = New }))
                .AssertError("NotAuthorizedException", "Incorrect username or password.");
        }

        // Cognito's lockout, shared with sign-in: counted before the hash is computed.
        (await _app.CallAsync("ChangePassword", new { AccessToken = tokens.Access(), PreviousPassword = Old, ProposedPassword = New }))
            .AssertError("NotAuthorizedException", "Password attempts exceeded");
        (await PasswordAuthAsync(email, Old)).AssertError("NotAuthorizedException", "Password attempts exceeded");
    }

    private const int PasswordLockoutFreeFailures = 5;

    [Fact]
    public async Task AdminResetUserPassword_ResetRequired_SignInAnswersPasswordResetRequired_UntilConfirmForgotPassword()
    {
        var email = await UserWithPasswordAsync();
        var tokens = (await PasswordAuthAsync(email, Old)).Json["AuthenticationResult"]!;

        (await _app.AdminCallAsync("AdminResetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email })).AssertOk();

        Assert.Equal("RESET_REQUIRED", await StatusAsync(email));
        var code = await _app.CodeAsync(email, 2);
        (await PasswordAuthAsync(email, Old)).AssertError("PasswordResetRequiredException", "Password reset required for the user");
        (await PasswordAuthAsync(email, "a wrong password")).AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await _app.GetTokensAsync(tokens.Refresh())).AssertError("NotAuthorizedException");
        Assert.Equal("CLIENT_ID_NOT_APPLICABLE", _events.OfType<CustomMessageEvent>().Last(e => e.TriggerSource == "CustomMessage_ForgotPassword").CallerContext.ClientId);

        (await ConfirmAsync(email, code, New)).AssertOk();

        Assert.Equal("CONFIRMED", await StatusAsync(email));
        Assert.NotNull((await PasswordAuthAsync(email, New)).Json["AuthenticationResult"]);
    }

    [Fact]
    public async Task PasswordModeNone_ForgotAndChangeRefused_AdminResetInvalidParameter()
    {
        using var app = new SesameApp(new() { [$"Sesame:UserPools:{SesameApp.PoolId}:PasswordMode"] = "None" });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);

        (await app.CallAsync("ForgotPassword", new { SesameApp.ClientId, Username = phone }))
            .AssertError("NotAuthorizedException", "Password sign-in is not enabled for this user pool.");
        (await app.CallAsync("ChangePassword", new { AccessToken = tokens.Access(), ProposedPassword = New }))
            .AssertError("NotAuthorizedException", "Password sign-in is not enabled for this user pool.");
        (await app.AdminCallAsync("AdminResetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = phone }))
            .AssertError("InvalidParameterException", "Passwords are not enabled for this user pool (PasswordMode None).");
    }

    [Fact]
    public async Task AdminConfirmSignUp_Unconfirmed_ConfirmedWithoutVerifying_PostConfirmation_ThenRefused()
    {
        var email = SesameApp.NewEmail();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = email })).AssertOk();

        (await _app.AdminCallAsync("AdminConfirmSignUp", new { UserPoolId = SesameApp.PoolId, Username = email, ClientMetadata = new { by = "admin" } })).AssertOk();

        var user = await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = email });
        Assert.Equal("CONFIRMED", user.Json["UserStatus"]!.GetValue<string>());
        Assert.DoesNotContain(user.Json["UserAttributes"]!.AsArray(), a => a!["Name"]!.GetValue<string>() == "email_verified" && a["Value"]!.GetValue<string>() == "true");
        var confirmed = _events.OfType<PostConfirmationEvent>().Single();
        Assert.Equal(("PostConfirmation_ConfirmSignUp", "CLIENT_ID_NOT_APPLICABLE", "admin"),
            (confirmed.TriggerSource, confirmed.CallerContext.ClientId, confirmed.Request.ClientMetadata!["by"]));
        (await _app.AdminCallAsync("AdminConfirmSignUp", new { UserPoolId = SesameApp.PoolId, Username = email }))
            .AssertError("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED");
        (await _app.AdminCallAsync("AdminConfirmSignUp", new { UserPoolId = SesameApp.PoolId, Username = SesameApp.NewEmail() }))
            .AssertError("UserNotFoundException", "User does not exist.");
    }

    [Fact]
    public async Task DeleteUserAttributes_PlainAndAlias_Deleted_LastUsernameAttributeAndSubRefused()
    {
        var phone = SesameApp.NewPhone();
        var email = SesameApp.NewEmail();
        await _app.CreateConfirmedUserAsync(phone, ("name", "Ada"), ("email", email));
        var tokens = await _app.SignInAsync(phone);

        (await _app.CallAsync("DeleteUserAttributes", new { AccessToken = tokens.Access(), UserAttributeNames = new List<string> { "name", "email", "nickname" } })).AssertOk();

        var attributes = (await _app.GetUserAsync(tokens.Access())).Attributes();
        Assert.False(attributes.ContainsKey("name") || attributes.ContainsKey("email") || attributes.ContainsKey("email_verified"));
        (await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = email })).AssertError("UserNotFoundException");
        (await _app.CallAsync("DeleteUserAttributes", new { AccessToken = tokens.Access(), UserAttributeNames = new List<string> { "phone_number" } }))
            .AssertError("InvalidParameterException", "Cannot delete phone_number: it is the username of the user in this user pool.");
        (await _app.AdminCallAsync("AdminDeleteUserAttributes", new { UserPoolId = SesameApp.PoolId, Username = phone, UserAttributeNames = new List<string> { "sub" } }))
            .AssertError("InvalidParameterException", "Cannot modify the non-mutable attribute sub");
        (await _app.CallAsync("DeleteUserAttributes", new { AccessToken = tokens.Access() }))
            .AssertError("InvalidParameterException", "1 validation error detected: Value null at 'userAttributeNames' failed to satisfy constraint: Member must not be null");
        Assert.Equal(phone, (await _app.GetUserAsync(tokens.Access())).Attributes()["phone_number"]);
    }

    [Fact]
    public async Task AdminDeleteUserAttributes_PhoneOfUserWithEmail_Deleted_PhoneNoLongerSignsIn()
    {
        var phone = SesameApp.NewPhone();
        var email = SesameApp.NewEmail();
        await _app.CreateConfirmedUserAsync(phone, ("email", email));

        (await _app.AdminCallAsync("AdminDeleteUserAttributes", new { UserPoolId = SesameApp.PoolId, Username = phone, UserAttributeNames = new List<string> { "phone_number" } })).AssertOk();

        var user = await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = email });
        var names = user.Json["UserAttributes"]!.AsArray().Select(a => a!["Name"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("phone_number", names);
        Assert.DoesNotContain("phone_number_verified", names);
        (await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = phone })).AssertError("UserNotFoundException");
    }
}
