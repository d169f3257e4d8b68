using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

public sealed class SignUpTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task SignUp_PhoneWithoutPassword_UnconfirmedAndCodeSentBySms()
    {
        var phone = SesameApp.NewPhone();
        var response = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone });

        response.AssertOk();
        Assert.False(response.Json["UserConfirmed"]!.GetValue<bool>());
        Assert.True(Guid.TryParse(response.Json["UserSub"]!.GetValue<string>(), out _));
        var details = response.Json["CodeDeliveryDetails"]!;
        Assert.Equal("SMS", details["DeliveryMedium"]!.GetValue<string>());
        Assert.Equal("phone_number", details["AttributeName"]!.GetValue<string>());
        Assert.Equal("+*******" + phone[^4..], details["Destination"]!.GetValue<string>());

        var message = await _app.MessageAsync(phone);
        Assert.Equal("SMS", message.Channel);
        Assert.Matches("^[0-9]{6}$", message.Code);
        Assert.Contains(message.Code!, message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignUp_Email_CodeSentByEmail()
    {
        var email = SesameApp.NewEmail();
        var response = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = email });
        response.AssertOk();
        Assert.Equal("EMAIL", response.Json["CodeDeliveryDetails"]!["DeliveryMedium"]!.GetValue<string>());
        Assert.Equal("EMAIL", (await _app.MessageAsync(email)).Channel);
    }

    [Fact]
    public async Task SignUp_UsernameNeitherPhoneNorEmail_InvalidParameter()
    {
        var response = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = "jane" });
        response.AssertError("InvalidParameterException", "Username should be either an email or a phone number.");
    }

    [Fact]
    public async Task SignUp_ShortPassword_InvalidPasswordException()
    {
        var response = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone(), Password = "short" });
        response.AssertError("InvalidPasswordException");
    }

    [Fact]
    public async Task SignUp_WritesVerifiedFlag_NotAuthorized()
    {
        var response = await _app.CallAsync("SignUp", new
        {
            SesameApp.ClientId,
            Username = SesameApp.NewPhone(),
            UserAttributes = new[] { new { Name = "phone_number_verified", Value = "true" } },
        });
        response.AssertError("NotAuthorizedException");
    }

    [Fact]
    public async Task SignUp_UnknownAttribute_InvalidParameter()
    {
        var response = await _app.CallAsync("SignUp", new
        {
            SesameApp.ClientId,
            Username = SesameApp.NewPhone(),
            UserAttributes = new[] { new { Name = "shoe_size", Value = "44" } },
        });
        response.AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task SignUp_ConfirmedPhoneTaken_UsernameExists()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var response = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone });
        response.AssertError("UsernameExistsException", "An account with the given phone_number already exists.");
    }

    [Fact]
    public async Task SignUp_PhoneHeldByUnconfirmedAccount_ReplacesIt()
    {
        var phone = SesameApp.NewPhone();
        var first = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone });
        first.AssertOk();
        var firstCode = await _app.CodeAsync(phone);

        var second = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone });
        second.AssertOk();
        Assert.NotEqual(first.Json["UserSub"]!.GetValue<string>(), second.Json["UserSub"]!.GetValue<string>());
        var secondCode = await _app.CodeAsync(phone, 2);

        // The abandoned account and its code are gone; the new one confirms and signs in.
        if (firstCode != secondCode)
        {
            (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = firstCode }))
                .AssertError("CodeMismatchException");
        }

        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = secondCode })).AssertOk();
        var tokens = await _app.SignInAsync(phone);
        Assert.NotNull(tokens["IdToken"]);
    }

    [Fact]
    public async Task SignUp_EmailHeldByUnconfirmedPhoneAccount_ReplacesIt()
    {
        var email = SesameApp.NewEmail();
        var phone1 = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new
        {
            SesameApp.ClientId,
            Username = phone1,
            UserAttributes = new[] { new { Name = "email", Value = email } },
        })).AssertOk();

        var second = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = email.ToUpperInvariant() });
        second.AssertOk();

        // The first account is gone with its phone number: re-sending to it pretends and queues nothing.
        var before = await _app.QueuedMessagesAsync(phone1);
        (await _app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone1 })).AssertOk();
        Assert.Equal((1L, before), (before, await _app.QueuedMessagesAsync(phone1)));
    }

    [Fact]
    public async Task ConfirmSignUp_RightCode_ReturnsSessionAndVerifiesPhone()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var code = await _app.CodeAsync(phone);

        var response = await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = code });

        response.AssertOk();
        var session = response.Json["Session"]!.GetValue<string>();
        Assert.InRange(session.Length, 20, 2048);
        var tokens = await _app.SignInAsync(phone);
        var user = await _app.CallAsync("GetUser", new { AccessToken = tokens["AccessToken"]!.GetValue<string>() });
        Assert.Contains(user.Json["UserAttributes"]!.AsArray(),
            a => a!["Name"]!.GetValue<string>() == "phone_number_verified" && a["Value"]!.GetValue<string>() == "true");
    }

    [Fact]
    public async Task ConfirmSignUp_WrongCode_CodeMismatch()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var code = await _app.CodeAsync(phone);
        var wrong = code == "000000" ? "111111" : "000000";

        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = wrong }))
            .AssertError("CodeMismatchException", "Invalid verification code provided, please try again.");
        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = code })).AssertOk();
    }

    [Fact]
    public async Task ConfirmSignUp_AfterAttemptCap_RightCodeRefused()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var code = await _app.CodeAsync(phone);
        var wrong = code == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++)
        {
            (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = wrong }))
                .AssertError("CodeMismatchException");
        }

        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = code }))
            .AssertError("CodeMismatchException");

        // A new code starts afresh.
        (await _app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var fresh = await _app.CodeAsync(phone, 2);
        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = fresh })).AssertOk();
    }

    [Fact]
    public async Task ConfirmSignUp_ExpiredCode_ExpiredCodeException()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var code = await _app.CodeAsync(phone);
        _app.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = code }))
            .AssertError("ExpiredCodeException", "Invalid code provided, please request a code again.");
    }

    [Fact]
    public async Task ConfirmSignUp_JustBeforeExpiry_Confirms()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var code = await _app.CodeAsync(phone);
        _app.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = code })).AssertOk();
    }

    [Fact]
    public async Task ConfirmSignUp_AlreadyConfirmed_NotAuthorized()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = "123456" }))
            .AssertError("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED");
    }

    [Fact]
    public async Task ConfirmSignUp_UnknownUser_LooksLikeWrongCode()
    {
        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone(), ConfirmationCode = "123456" }))
            .AssertError("CodeMismatchException");
    }

    [Fact]
    public async Task ConfirmSignUp_CodeForAnotherUser_Refused()
    {
        var alice = SesameApp.NewPhone();
        var bob = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = alice })).AssertOk();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = bob })).AssertOk();
        var aliceCode = await _app.CodeAsync(alice);
        var bobCode = await _app.CodeAsync(bob);
        if (aliceCode != bobCode)
        {
            (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = bob, ConfirmationCode = aliceCode }))
                .AssertError("CodeMismatchException");
        }
    }

    [Fact]
    public async Task ResendConfirmationCode_NewCodeReplacesOld()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var first = await _app.CodeAsync(phone);
        var resend = await _app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone });
        resend.AssertOk();
        Assert.Equal("SMS", resend.Json["CodeDeliveryDetails"]!["DeliveryMedium"]!.GetValue<string>());
        var second = await _app.CodeAsync(phone, 2);
        if (first != second)
        {
            (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = first }))
                .AssertError("CodeMismatchException");
        }

        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = second })).AssertOk();
    }

    [Fact]
    public async Task ResendConfirmationCode_UnknownUser_PretendsAndSendsNothing()
    {
        var phone = SesameApp.NewPhone();
        var response = await _app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone });
        response.AssertOk();
        Assert.Equal("+*******" + phone[^4..], response.Json["CodeDeliveryDetails"]!["Destination"]!.GetValue<string>());
        Assert.Equal(0, await _app.QueuedMessagesAsync(phone));
    }

    [Fact]
    public async Task ResendConfirmationCode_Confirmed_InvalidParameter()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        (await _app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone }))
            .AssertError("InvalidParameterException", "User is already confirmed.");
    }

    [Fact]
    public async Task InitiateAuthUserAuth_WithConfirmSignUpSession_TokensWithoutSecondCode()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var confirm = await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await _app.CodeAsync(phone) });
        var session = confirm.Json["Session"]!.GetValue<string>();
        var before = await _app.QueuedMessagesAsync(phone);

        var signIn = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = new { USERNAME = phone }, Session = session });

        signIn.AssertOk();
        Assert.NotNull(signIn.Json["AuthenticationResult"]!["IdToken"]);
        Assert.Equal((1L, before), (before, await _app.QueuedMessagesAsync(phone))); // the sign-up's code only
        (await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = new { USERNAME = phone }, Session = session }))
            .AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task InitiateAuthUserAuth_ConfirmSessionOfAnotherUser_Refused()
    {
        var alice = SesameApp.NewPhone();
        var bob = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(bob);
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = alice })).AssertOk();
        var confirm = await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = alice, ConfirmationCode = await _app.CodeAsync(alice) });

        var signIn = await _app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "USER_AUTH",
            AuthParameters = new { USERNAME = bob },
            Session = confirm.Json["Session"]!.GetValue<string>(),
        });
        signIn.AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task InitiateAuthUserAuth_ConfirmSessionExpired_SessionIsExpired()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var confirm = await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await _app.CodeAsync(phone) });
        _app.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        (await _app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "USER_AUTH",
            AuthParameters = new { USERNAME = phone },
            Session = confirm.Json["Session"]!.GetValue<string>(),
        })).AssertError("NotAuthorizedException", "Invalid session for the user, session is expired.");
    }
}
