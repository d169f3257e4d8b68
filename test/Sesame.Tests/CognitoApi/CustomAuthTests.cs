using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

public sealed class CustomAuthTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private Task<CognitoResponse> StartAsync(string login) =>
        _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = login } });

    private Task<CognitoResponse> AnswerAsync(JsonNode challenge, string answer, string? username = null, string? clientId = null) =>
        _app.CallAsync("RespondToAuthChallenge", new
        {
            ClientId = clientId ?? SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = username ?? challenge["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = answer },
        });

    private static string Wrong(string code) => code == "000000" ? "111111" : "000000";

    [Fact]
    public async Task InitiateAuth_KnownPhone_ChallengeWithCanonicalUsernameAndMaskedDestination()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);

        var response = await StartAsync(phone);

        response.AssertOk();
        Assert.Equal("CUSTOM_CHALLENGE", response.Json["ChallengeName"]!.GetValue<string>());
        var parameters = response.Json["ChallengeParameters"]!;
        Assert.True(Guid.TryParse(parameters["USERNAME"]!.GetValue<string>(), out _));
        Assert.Equal("SMS", parameters["CODE_DELIVERY_DELIVERY_MEDIUM"]!.GetValue<string>());
        Assert.Equal("+*******" + phone[^4..], parameters["CODE_DELIVERY_DESTINATION"]!.GetValue<string>());
        Assert.Equal(3, parameters.AsObject().Count);
        var message = await _app.MessageAsync(phone, 2);
        Assert.Contains("sign-in code", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_RightCode_Tokens()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var code = await _app.CodeAsync(phone, 2);

        var response = await AnswerAsync(challenge, code);

        response.AssertOk();
        var result = response.Json["AuthenticationResult"]!;
        Assert.Equal("Bearer", result["TokenType"]!.GetValue<string>());
        Assert.Equal(3600, result["ExpiresIn"]!.GetValue<int>());
        Assert.NotNull(result["RefreshToken"]);
        Assert.Empty(response.Json["ChallengeParameters"]!.AsObject());
        Assert.Null(response.Json["Session"]);
    }

    [Fact]
    public async Task SignIn_ByEmailAlias_CodeByEmail()
    {
        var phone = SesameApp.NewPhone();
        var email = SesameApp.NewEmail();
        await _app.CreateConfirmedUserAsync(phone, ("email", email));

        var challenge = (await StartAsync(email.ToUpperInvariant())).Json;

        Assert.Equal("EMAIL", challenge["ChallengeParameters"]!["CODE_DELIVERY_DELIVERY_MEDIUM"]!.GetValue<string>());
        var code = await _app.CodeAsync(email);
        (await AnswerAsync(challenge, code)).AssertOk();
    }

    [Fact]
    public async Task SignIn_AnswerWithTypedAliasAsUsername_Accepted()
    {
        // amazon-cognito-identity-js answers with the username it was given, not ChallengeParameters.USERNAME.
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        (await AnswerAsync(challenge, await _app.CodeAsync(phone, 2), username: phone)).AssertOk();
    }

    [Fact]
    public async Task SignIn_ByCanonicalUsername_Works()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var username = (await StartAsync(phone)).Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>();
        var challenge = (await StartAsync(username)).Json;
        Assert.Equal("SMS", challenge["ChallengeParameters"]!["CODE_DELIVERY_DELIVERY_MEDIUM"]!.GetValue<string>());
        (await AnswerAsync(challenge, await _app.CodeAsync(phone, 3))).AssertOk();
    }

    [Fact]
    public async Task SignIn_WrongThenRight_NewSessionSameCode()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var code = await _app.CodeAsync(phone, 2);
        var before = await _app.QueuedMessagesAsync(phone);

        var retry = await AnswerAsync(challenge, Wrong(code));

        retry.AssertOk();
        Assert.Equal("CUSTOM_CHALLENGE", retry.Json["ChallengeName"]!.GetValue<string>());
        Assert.NotEqual(challenge["Session"]!.GetValue<string>(), retry.Json["Session"]!.GetValue<string>());
        Assert.Equal((2L, before), (before, await _app.QueuedMessagesAsync(phone))); // confirmation and code; no second code
        (await AnswerAsync(retry.Json, code)).AssertOk();
    }

    [Fact]
    public async Task SignIn_ThreeWrongAnswers_NotAuthorizedAndRightCodeUseless()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var code = await _app.CodeAsync(phone, 2);

        var second = await AnswerAsync(challenge, Wrong(code));
        var third = await AnswerAsync(second.Json, Wrong(code));
        var last = await AnswerAsync(third.Json, Wrong(code));

        last.AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await AnswerAsync(third.Json, code)).AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task RespondToAuthChallenge_ReplayedSession_InvalidSession()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var code = await _app.CodeAsync(phone, 2);
        (await AnswerAsync(challenge, code)).AssertOk();

        (await AnswerAsync(challenge, code)).AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task RespondToAuthChallenge_TamperedSession_InvalidSession()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var session = challenge["Session"]!.GetValue<string>();
        var tampered = (session[0] == 'A' ? "B" : "A") + session[1..];
        challenge["Session"] = tampered;

        (await AnswerAsync(challenge, await _app.CodeAsync(phone, 2))).AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task RespondToAuthChallenge_SessionTooShort_InvalidParameter()
    {
        var challenge = new JsonObject { ["Session"] = "short", ["ChallengeParameters"] = new JsonObject { ["USERNAME"] = "x" } };
        (await AnswerAsync(challenge, "123456")).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task RespondToAuthChallenge_OtherUsersSession_Refused()
    {
        var alice = SesameApp.NewPhone();
        var bob = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(alice);
        await _app.CreateConfirmedUserAsync(bob);
        var aliceChallenge = (await StartAsync(alice)).Json;
        var bobChallenge = (await StartAsync(bob)).Json;
        var bobCode = await _app.CodeAsync(bob, 2);

        // Bob's code, Bob's name, Alice's session.
        var response = await AnswerAsync(aliceChallenge, bobCode, username: bobChallenge["ChallengeParameters"]!["USERNAME"]!.GetValue<string>());
        response.AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task RespondToAuthChallenge_CodeFromAnotherSignIn_Wrong()
    {
        var alice = SesameApp.NewPhone();
        var bob = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(alice);
        await _app.CreateConfirmedUserAsync(bob);
        var aliceChallenge = (await StartAsync(alice)).Json;
        _ = (await StartAsync(bob)).Json;
        var aliceCode = await _app.CodeAsync(alice, 2);
        var bobCode = await _app.CodeAsync(bob, 2);
        if (aliceCode == bobCode)
        {
            return;
        }

        var response = await AnswerAsync(aliceChallenge, bobCode);
        response.AssertOk();
        Assert.Equal("CUSTOM_CHALLENGE", response.Json["ChallengeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task RespondToAuthChallenge_SessionOfAnotherClient_InvalidSession()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:secondclient0000000000000:Name"] = "second",
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var challenge = (await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } })).Json;
        var code = await app.CodeAsync(phone, 2);
        var response = await app.CallAsync("RespondToAuthChallenge", new
        {
            ClientId = "secondclient0000000000000",
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = phone, ANSWER = code },
        });
        response.AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task SignIn_CodeExpired_NotAuthorized()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var code = await _app.CodeAsync(phone, 2);
        var retry = await AnswerAsync(challenge, Wrong(code));
        _app.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));

        // The session of the retry is still valid if the pool allowed longer sessions; here both lapse together.
        var response = await AnswerAsync(retry.Json, code);
        Assert.Equal("NotAuthorizedException", response.ErrorType);
    }

    [Fact]
    public async Task SignIn_CodeExpiredWithLongSessions_NotAuthorizedIncorrect()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:sesamedevclient0000000000:AuthSessionValidity"] = "00:15:00",
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var challenge = (await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } })).Json;
        var code = await app.CodeAsync(phone, 2);
        app.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));

        var response = await app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = phone, ANSWER = code },
        });

        // The code's own 3-minute lifetime ends the sign-in even though the session would have lasted.
        response.AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task SignIn_JustBeforeExpiry_Tokens()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var code = await _app.CodeAsync(phone, 2);
        _app.Clock.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        (await AnswerAsync(challenge, code)).AssertOk();
    }

    [Fact]
    public async Task RespondToAuthChallenge_SessionExpired_SessionIsExpiredMessage()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var code = await _app.CodeAsync(phone, 2);
        _app.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));

        (await AnswerAsync(challenge, code)).AssertError("NotAuthorizedException", "Invalid session for the user, session is expired.");
    }

    [Fact]
    public async Task InitiateAuth_UnknownPhone_SameShapeAndNothingSent()
    {
        var known = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(known);
        var unknown = SesameApp.NewPhone();

        var real = await StartAsync(known);
        var before = await _app.QueuedMessagesAsync(unknown);
        var fake = await StartAsync(unknown);

        fake.AssertOk();
        Assert.Equal(real.Status, fake.Status);
        Assert.Equal(real.Headers.Keys.Order(), fake.Headers.Keys.Order());
        var fakeParameters = fake.Json["ChallengeParameters"]!.AsObject();
        Assert.Equal(real.Json["ChallengeParameters"]!.AsObject().Select(p => p.Key).Order(), fakeParameters.Select(p => p.Key).Order());
        Assert.Equal("+*******" + unknown[^4..], fakeParameters["CODE_DELIVERY_DESTINATION"]!.GetValue<string>());
        Assert.True(Guid.TryParse(fakeParameters["USERNAME"]!.GetValue<string>(), out _));
        Assert.Equal(real.Json["Session"]!.GetValue<string>().Length, fake.Json["Session"]!.GetValue<string>().Length);

        // Stable: asking again gives the same stand-in username.
        Assert.Equal(fakeParameters["USERNAME"]!.GetValue<string>(),
            (await StartAsync(unknown)).Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>());
        Assert.Equal(before, await _app.QueuedMessagesAsync(unknown));
    }

    [Fact]
    public async Task SignIn_UnknownPhone_EveryAnswerWrongThenNotAuthorized()
    {
        var unknown = SesameApp.NewPhone();
        var challenge = (await StartAsync(unknown)).Json;
        var second = await AnswerAsync(challenge, "123456");
        second.AssertOk();
        var third = await AnswerAsync(second.Json, "654321");
        third.AssertOk();
        (await AnswerAsync(third.Json, "000000")).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task InitiateAuth_UnknownUserWithLegacyErrors_UserNotFound()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:PreventUserExistenceErrors"] = "false",
        });
        var response = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = SesameApp.NewPhone() } });
        response.AssertError("UserNotFoundException", "User does not exist.");
    }

    [Fact]
    public async Task InitiateAuth_UnconfirmedUser_UserNotConfirmed()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        (await StartAsync(phone)).AssertError("UserNotConfirmedException", "User is not confirmed.");
    }

    [Fact]
    public async Task InitiateAuth_ClientWithoutCustomAuth_InvalidParameter()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:refreshonlyclient00000000:ExplicitAuthFlows:0"] = "ALLOW_REFRESH_TOKEN_AUTH",
        });
        var response = await app.CallAsync("InitiateAuth", new
        {
            ClientId = "refreshonlyclient00000000",
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = SesameApp.NewPhone() },
        });
        response.AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task RespondToAuthChallenge_MissingAnswer_InvalidParameterAndSessionKept()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var challenge = (await StartAsync(phone)).Json;
        var response = await _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = phone },
        });
        response.AssertError("InvalidParameterException", "Missing required parameter ANSWER");
        (await AnswerAsync(challenge, await _app.CodeAsync(phone, 2))).AssertOk();
    }

    [Fact]
    public async Task RespondToAuthChallenge_TwoConcurrentRightAnswers_ExactlyOneTokenSet()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        for (var round = 0; round < 10; round++)
        {
            var challenge = (await StartAsync(phone)).Json;
            var code = await _app.CodeAsync(phone, round + 2);
            using var start = new ManualResetEventSlim();
            var answers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await AnswerAsync(challenge, code);
            })).ToArray();
            start.Set();
            var results = await Task.WhenAll(answers);

            Assert.Single(results, r => r.Status == 200);
            Assert.All(results.Where(r => r.Status != 200), r => r.AssertError("NotAuthorizedException", "Invalid session for the user."));
        }
    }
}
