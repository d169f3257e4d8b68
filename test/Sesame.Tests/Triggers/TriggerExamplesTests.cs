using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Tests.Triggers.Examples;
using Sesame.Triggers;

namespace Sesame.Tests.Triggers;

/// <summary>A C# trigger that records what it was given and does what the test says.</summary>
internal sealed class RecordingTrigger<TEvent>(Action<TEvent>? act = null) : ITrigger<TEvent> where TEvent : TriggerEvent
{
    public ConcurrentQueue<TEvent> Events { get; } = new();

    public ValueTask HandleAsync(TEvent triggerEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(triggerEvent);
        act?.Invoke(triggerEvent);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The examples of docs/triggers.md, and the sign-up and token triggers, in C#.</summary>
public sealed class TriggerExamplesTests
{
    private const string TestNumber = "+10000000000";

    private static JsonNode Claims(string jwt) =>
        JsonNode.Parse(Convert.FromBase64String(Pad(jwt.Split('.')[1].Replace('-', '+').Replace('_', '/'))))!;

    private static string Pad(string s) => s + new string('=', (4 - (s.Length % 4)) % 4);

    private static Task<CognitoResponse> StartAsync(SesameApp app, string login) =>
        app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = login } });

    private static Task<CognitoResponse> AnswerAsync(SesameApp app, JsonNode challenge, string answer) =>
        app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = challenge["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = answer },
        });

    [Fact]
    public async Task Seed000_AutoConfirmAndTestNumber_SignUpAndSignInWithNothingSent()
    {
        using var app = new SesameApp(
            new() { [$"Sesame:UserPools:{SesameApp.PoolId}:OneTimeCode:TestNumbers:{TestNumber}"] = "111111" },
            services => services.AddSingleton<ITrigger<PreSignUpEvent>, AutoConfirmPreSignUp>());

        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = TestNumber });

        signUp.AssertOk();
        Assert.True(signUp.Json["UserConfirmed"]!.GetValue<bool>());
        Assert.Null(signUp.Json["CodeDeliveryDetails"]);
        var challenge = await StartAsync(app, TestNumber);
        challenge.AssertOk();
        var wrong = await AnswerAsync(app, challenge.Json, "222222");
        wrong.AssertOk();
        var signedIn = await AnswerAsync(app, wrong.Json, "111111");
        signedIn.AssertOk();
        var claims = Claims(signedIn.Json["AuthenticationResult"]!["IdToken"]!.GetValue<string>());
        Assert.True(claims["phone_number_verified"]!.GetValue<bool>());
        Assert.Equal(0, await app.QueuedMessagesAsync(TestNumber)); // neither sign-up nor sign-in sent anything
    }

    [Fact]
    public async Task TestNumber_OtherNumbers_StillGetTheirCodeByMessage()
    {
        using var app = new SesameApp(new() { [$"Sesame:UserPools:{SesameApp.PoolId}:OneTimeCode:TestNumbers:{TestNumber}"] = "111111" });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        var challenge = await StartAsync(app, phone);

        var message = await app.MessageAsync(phone, 2);
        Assert.Contains("sign-in code", message.Body, StringComparison.Ordinal);
        (await AnswerAsync(app, challenge.Json, message.Code!)).AssertOk();
    }

    [Fact]
    public async Task EmailThenSms_TwoCustomChallenges_SessionHistoryDrivesEachStep()
    {
        using var app = new SesameApp(services: services => services
            .AddSingleton<ITrigger<DefineAuthChallengeEvent>, EmailThenSmsDefine>()
            .AddSingleton<ITrigger<CreateAuthChallengeEvent>, EmailThenSmsCreate>()
            .AddSingleton<ITrigger<VerifyAuthChallengeResponseEvent>, EmailThenSmsVerify>());
        var phone = SesameApp.NewPhone();
        var email = SesameApp.NewEmail();
        await app.CreateConfirmedUserAsync(phone, ("email", email));

        var first = await StartAsync(app, phone);
        first.AssertOk();
        Assert.Equal("EMAIL_CODE", first.Json["ChallengeParameters"]!["step"]!.GetValue<string>());
        var second = await AnswerAsync(app, first.Json, await app.CodeAsync(email));
        second.AssertOk();
        Assert.Equal("SMS_CODE", second.Json["ChallengeParameters"]!["step"]!.GetValue<string>());
        var signedIn = await AnswerAsync(app, second.Json, await app.CodeAsync(phone, 2));

        signedIn.AssertOk();
        Assert.NotNull(signedIn.Json["AuthenticationResult"]!["IdToken"]);
    }

    [Fact]
    public async Task EmailThenSms_WrongSmsCode_NotAuthorized()
    {
        using var app = new SesameApp(services: services => services
            .AddSingleton<ITrigger<DefineAuthChallengeEvent>, EmailThenSmsDefine>()
            .AddSingleton<ITrigger<CreateAuthChallengeEvent>, EmailThenSmsCreate>()
            .AddSingleton<ITrigger<VerifyAuthChallengeResponseEvent>, EmailThenSmsVerify>());
        var phone = SesameApp.NewPhone();
        var email = SesameApp.NewEmail();
        await app.CreateConfirmedUserAsync(phone, ("email", email));
        var first = await StartAsync(app, phone);
        var second = await AnswerAsync(app, first.Json, await app.CodeAsync(email));
        var smsCode = await app.CodeAsync(phone, 2);

        var response = await AnswerAsync(app, second.Json, smsCode == "000000" ? "000001" : "000000");

        response.AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task BuiltIn_CustomAuthStartingWithSrpA_AsksForThePasswordFirst()
    {
        // Amplify's CUSTOM_WITH_SRP always answers a PASSWORD_VERIFIER after SRP_A, so the built-in Define asks for one.
        using var app = new SesameApp();
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var before = await app.QueuedMessagesAsync(phone);

        var challenge = await app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = phone, SRP_A = "abcdef", CHALLENGE_NAME = "SRP_A" },
        });

        challenge.AssertOk();
        Assert.Equal("PASSWORD_VERIFIER", challenge.Json["ChallengeName"]!.GetValue<string>());
        Assert.NotNull(challenge.Json["ChallengeParameters"]!["USER_ID_FOR_SRP"]);
        Assert.NotNull(challenge.Json["ChallengeParameters"]!["SRP_B"]);
        Assert.Equal((1L, before), (before, await app.QueuedMessagesAsync(phone))); // the confirmation, and no code before the password
    }

    [Fact]
    public async Task InitiateAuth_SrpAStartWithoutSrpA_InvalidParameter()
    {
        using var app = new SesameApp();

        var response = await app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = SesameApp.NewPhone(), CHALLENGE_NAME = "SRP_A" },
        });

        response.AssertError("InvalidParameterException", "Missing required parameter SRP_A");
    }

    [Fact]
    public async Task PreSignUp_Throws_SignUpRefusedAndNoUserCreated()
    {
        var preSignUp = new RecordingTrigger<PreSignUpEvent>(_ => throw new InvalidOperationException("Phone numbers from this country are not accepted"));
        using var app = new SesameApp(services: services => services.AddSingleton<ITrigger<PreSignUpEvent>>(preSignUp));
        var phone = SesameApp.NewPhone();

        var signUp = await app.CallAsync("SignUp", new
        {
            SesameApp.ClientId,
            Username = phone,
            ValidationData = new[] { new { Name = "captcha", Value = "ok" } },
            ClientMetadata = new { source = "test" },
        });

        signUp.AssertError("UserLambdaValidationException", "PreSignUp failed with error Phone numbers from this country are not accepted.");
        var seen = Assert.Single(preSignUp.Events);
        Assert.Equal("PreSignUp_SignUp", seen.TriggerSource);
        Assert.Equal(phone, seen.Request.UserAttributes["phone_number"]);
        Assert.Equal("ok", seen.Request.ValidationData!["captcha"]);
        Assert.Equal("test", seen.Request.ClientMetadata!["source"]);
        Assert.Null(await app.Services.GetRequiredService<IUserStore>().FindAsync(SesameApp.PoolId, phone, CancellationToken.None));
        Assert.Equal(0, await app.QueuedMessagesAsync(phone));
    }

    [Fact]
    public async Task PreSignUp_AutoVerifyEmailWithoutEmail_InvalidLambdaResponse()
    {
        using var app = new SesameApp(services: services =>
            services.AddSingleton<ITrigger<PreSignUpEvent>>(new RecordingTrigger<PreSignUpEvent>(e => e.Response.AutoVerifyEmail = true)));

        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone() });

        signUp.AssertError("InvalidLambdaResponseException");
    }

    [Fact]
    public async Task PostConfirmation_AfterConfirmSignUp_SeesConfirmedUser()
    {
        var postConfirmation = new RecordingTrigger<PostConfirmationEvent>();
        using var app = new SesameApp(services: services => services.AddSingleton<ITrigger<PostConfirmationEvent>>(postConfirmation));

        await app.CreateConfirmedUserAsync(SesameApp.NewPhone());

        var seen = Assert.Single(postConfirmation.Events);
        Assert.Equal("PostConfirmation_ConfirmSignUp", seen.TriggerSource);
        Assert.Equal("CONFIRMED", seen.Request.UserAttributes["cognito:user_status"]);
        Assert.Equal("true", seen.Request.UserAttributes["phone_number_verified"]);
    }

    [Fact]
    public async Task PostConfirmation_Throws_ErrorButUserStaysConfirmed()
    {
        using var app = new SesameApp(services: services =>
            services.AddSingleton<ITrigger<PostConfirmationEvent>>(new RecordingTrigger<PostConfirmationEvent>(_ => throw new InvalidOperationException("CRM down"))));
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();

        var confirm = await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await app.CodeAsync(phone) });

        confirm.AssertError("UserLambdaValidationException", "PostConfirmation failed with error CRM down.");
        var user = await app.Services.GetRequiredService<IUserStore>().FindAsync(SesameApp.PoolId, phone, CancellationToken.None);
        Assert.True(user!.IsConfirmed);
    }

    [Fact]
    public async Task PostConfirmation_AutoConfirmedBySignUp_RunsAtSignUp()
    {
        var postConfirmation = new RecordingTrigger<PostConfirmationEvent>();
        using var app = new SesameApp(services: services => services
            .AddSingleton<ITrigger<PreSignUpEvent>, AutoConfirmPreSignUp>()
            .AddSingleton<ITrigger<PostConfirmationEvent>>(postConfirmation));

        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone() })).AssertOk();

        Assert.Single(postConfirmation.Events);
    }

    [Fact]
    public async Task PreTokenGeneration_ClaimsAddedAndSuppressed_OnSignInAndRefreshReservedUntouched()
    {
        var seen = new RecordingTrigger<PreTokenGenerationEvent>();
        using var app = new SesameApp(services: services => services
            .AddSingleton<ITrigger<PreTokenGenerationEvent>>(seen)
            .AddSingleton<ITrigger<PreTokenGenerationEvent>, TenantClaims>());
        var phone = SesameApp.NewPhone();
        var sub = await app.CreateConfirmedUserAsync(phone);

        var tokens = await app.SignInAsync(phone);
        var refreshed = await app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "REFRESH_TOKEN_AUTH",
            AuthParameters = new { REFRESH_TOKEN = tokens["RefreshToken"]!.GetValue<string>() },
        });

        refreshed.AssertOk();
        foreach (var idToken in new[] { tokens["IdToken"]!, refreshed.Json["AuthenticationResult"]!["IdToken"]! })
        {
            var claims = Claims(idToken.GetValue<string>());
            Assert.Equal("acme", claims["tenant"]!.GetValue<string>());
            Assert.Null(claims["phone_number"]);
            Assert.Equal(sub, claims["sub"]!.GetValue<string>());
        }

        var access = Claims(tokens["AccessToken"]!.GetValue<string>());
        Assert.Null(access["tenant"]); // version 1 changes the ID token only
    }

    [Fact]
    public async Task PreTokenGeneration_TriggerSources_AuthenticationThenRefreshTokens()
    {
        var seen = new RecordingTrigger<PreTokenGenerationEvent>();
        using var app = new SesameApp(services: services => services.AddSingleton<ITrigger<PreTokenGenerationEvent>>(seen));
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);

        (await app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "REFRESH_TOKEN_AUTH",
            AuthParameters = new { REFRESH_TOKEN = tokens["RefreshToken"]!.GetValue<string>() },
        })).AssertOk();

        Assert.Equal(["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"], seen.Events.Select(e => e.TriggerSource));
    }

    [Fact]
    public async Task PerPool_BuiltInSetting_WinsOverAnAppWideCSharpTrigger()
    {
        var broken = new RecordingTrigger<DefineAuthChallengeEvent>(_ => throw new InvalidOperationException("should not run"));
        using var app = new SesameApp(
            new() { [$"Sesame:UserPools:{SesameApp.PoolId}:Triggers:DefineAuthChallenge:BuiltIn"] = "true" },
            services => services.AddSingleton<ITrigger<DefineAuthChallengeEvent>>(broken));
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        await app.SignInAsync(phone);

        Assert.Empty(broken.Events);
    }

    [Fact]
    public async Task PerPool_CSharpTriggerForThePool_WinsOverTheAppWideOne()
    {
        var appWide = new RecordingTrigger<PreSignUpEvent>();
        using var app = new SesameApp(services: services =>
        {
            services.AddSingleton<ITrigger<PreSignUpEvent>>(appWide);
            // As docs/triggers.md shows it: builder.AddTrigger<TEvent, TTrigger>(userPoolId).
            new SesameBuilder(services).AddTrigger<PreSignUpEvent, AutoConfirmPreSignUp>(SesameApp.PoolId);
        });

        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone() });

        Assert.True(signUp.Json["UserConfirmed"]!.GetValue<bool>());
        Assert.Empty(appWide.Events);
    }

    [Fact]
    public async Task HttpPreSignUp_AutoConfirmOverHttp_UserConfirmed()
    {
        await using var hooks = await HookServer.StartAsync((_, e) =>
        {
            e["response"]!["autoConfirmUser"] = true;
            e["response"]!["autoVerifyPhone"] = true;
            return Task.FromResult((200, e.ToJsonString()));
        });
        using var app = new SesameApp(hooks.Settings("PreSignUp"));

        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone() });

        signUp.AssertOk();
        Assert.True(signUp.Json["UserConfirmed"]!.GetValue<bool>());
        Assert.Equal("PreSignUp_SignUp", hooks.For("PreSignUp").Single().Json["triggerSource"]!.GetValue<string>());
    }

    [Fact]
    public async Task HttpCustomMessage_RewritesTheSmsOverHttp_CodeFilledInByTheServer()
    {
        await using var hooks = await HookServer.StartAsync((_, e) =>
        {
            e["response"]!["smsMessage"] = "Welcome! Your code is " + e["request"]!["codeParameter"]!.GetValue<string>();
            return Task.FromResult((200, e.ToJsonString()));
        });
        using var app = new SesameApp(hooks.Settings("CustomMessage"));
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();

        var message = await app.MessageAsync(phone);
        Assert.Equal("Welcome! Your code is " + message.Code, message.Body);
        Assert.Equal("{####}", hooks.For("CustomMessage").Single().Json["request"]!["codeParameter"]!.GetValue<string>());
    }

    [Fact]
    public async Task PreSignUp_AdminCreateUser_RunsWithItsSourceAndMayRefuse()
    {
        var preSignUp = new RecordingTrigger<PreSignUpEvent>(e =>
        {
            e.Response.AutoConfirmUser = true; // ignored for AdminCreateUser
            if (e.Request.UserAttributes.GetValueOrDefault("phone_number") == "+15550009999")
            {
                throw new InvalidOperationException("Blocked number");
            }
        });
        using var app = new SesameApp(services: services => services.AddSingleton<ITrigger<PreSignUpEvent>>(preSignUp));

        (await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = SesameApp.PoolId, Username = SesameApp.NewPhone(), MessageAction = "SUPPRESS" })).AssertOk();
        var refused = await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = SesameApp.PoolId, Username = "+15550009999", MessageAction = "SUPPRESS" });

        refused.AssertError("UserLambdaValidationException", "PreSignUp failed with error Blocked number.");
        Assert.Equal(2, preSignUp.Events.Count); // once per AdminCreateUser, so the next line checks both
        Assert.All(preSignUp.Events, e => Assert.Equal(("PreSignUp_AdminCreateUser", "CLIENT_ID_NOT_APPLICABLE"), (e.TriggerSource, e.CallerContext.ClientId)));
        Assert.Null(await app.Services.GetRequiredService<IUserStore>().FindAsync(SesameApp.PoolId, "+15550009999", CancellationToken.None));
    }
}
