using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

public sealed class UserAuthTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private Task<CognitoResponse> StartAsync(string login, string? preferred = null) =>
        _app.CallAsync("InitiateAuth", preferred is null
            ? new { SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = (object)new { USERNAME = login } }
            : new { SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = (object)new { USERNAME = login, PREFERRED_CHALLENGE = preferred } });

    private Task<CognitoResponse> RespondAsync(string challengeName, JsonNode challenge, Dictionary<string, string> responses) =>
        _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = challengeName,
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = responses,
        });

    private static string Wrong(string code) => code == "000000" ? "111111" : "000000";

    [Fact]
    public async Task UserAuth_PreferredSmsOtp_CodeBySmsThenTokens()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);

        var start = await StartAsync(phone, "SMS_OTP");

        start.AssertOk();
        Assert.Equal("SMS_OTP", start.Json["ChallengeName"]!.GetValue<string>());
        Assert.Equal("SMS", start.Json["ChallengeParameters"]!["CODE_DELIVERY_DELIVERY_MEDIUM"]!.GetValue<string>());
        Assert.Equal("+*******" + phone[^4..], start.Json["ChallengeParameters"]!["CODE_DELIVERY_DESTINATION"]!.GetValue<string>());
        var code = await _app.CodeAsync(phone, 2);
        var done = await RespondAsync("SMS_OTP", start.Json, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = code });
        done.AssertOk();
        Assert.NotNull(done.Json["AuthenticationResult"]!["AccessToken"]);
    }

    [Fact]
    public async Task UserAuth_NoPreference_SelectChallengeThenEmailOtp()
    {
        var email = SesameApp.NewEmail();
        await _app.CreateConfirmedUserAsync(email);

        var select = await StartAsync(email);

        select.AssertOk();
        Assert.Equal("SELECT_CHALLENGE", select.Json["ChallengeName"]!.GetValue<string>());
        Assert.Equal(["EMAIL_OTP"], select.Json["AvailableChallenges"]!.AsArray().Select(c => c!.GetValue<string>()));
        var challenge = await RespondAsync("SELECT_CHALLENGE", select.Json, new() { ["USERNAME"] = email, ["ANSWER"] = "EMAIL_OTP" });
        challenge.AssertOk();
        Assert.Equal("EMAIL_OTP", challenge.Json["ChallengeName"]!.GetValue<string>());
        var code = await _app.CodeAsync(email, 2);
        (await RespondAsync("EMAIL_OTP", challenge.Json, new() { ["USERNAME"] = email, ["EMAIL_OTP_CODE"] = code })).AssertOk();
    }

    [Fact]
    public async Task UserAuth_WrongCode_CodeMismatchAndSameSessionStillWorks()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var start = (await StartAsync(phone, "SMS_OTP")).Json;
        var code = await _app.CodeAsync(phone, 2);

        (await RespondAsync("SMS_OTP", start, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = Wrong(code) }))
            .AssertError("CodeMismatchException", "Invalid code or auth state for the user.");
        (await RespondAsync("SMS_OTP", start, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = code })).AssertOk();
        (await RespondAsync("SMS_OTP", start, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = code }))
            .AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task UserAuth_ThirdWrongCode_NotAuthorizedAndRightCodeUseless()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var start = (await StartAsync(phone, "SMS_OTP")).Json;
        var code = await _app.CodeAsync(phone, 2);
        for (var i = 0; i < 2; i++)
        {
            (await RespondAsync("SMS_OTP", start, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = Wrong(code) })).AssertError("CodeMismatchException");
        }

        (await RespondAsync("SMS_OTP", start, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = Wrong(code) }))
            .AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await RespondAsync("SMS_OTP", start, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = code }))
            .AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task UserAuth_ConcurrentGuesses_NeverMoreThanTheCapEvaluated()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var start = (await StartAsync(phone, "SMS_OTP")).Json;
        var code = await _app.CodeAsync(phone, 2);
        using var gate = new ManualResetEventSlim();
        var guesses = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            gate.Wait();
            return await RespondAsync("SMS_OTP", start, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = Wrong(code) });
        })).ToArray();
        gate.Set();
        var results = await Task.WhenAll(guesses);

        Assert.Equal(2, results.Count(r => r.ErrorType == "CodeMismatchException"));
        Assert.Single(results, r => r.Message == "Incorrect username or password.");
        (await RespondAsync("SMS_OTP", start, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = code })).AssertError("NotAuthorizedException");
    }

    [Fact]
    public async Task UserAuth_CodeExpiredWithinLongSession_NotSignedIn()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:sesamedevclient0000000000:AuthSessionValidity"] = "00:15:00",
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var start = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = new { USERNAME = phone, PREFERRED_CHALLENGE = "SMS_OTP" } });
        var code = await app.CodeAsync(phone, 2);
        app.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        var answer = await app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "SMS_OTP",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = phone, SMS_OTP_CODE = code },
        });
        answer.AssertError("CodeMismatchException");
    }

    [Fact]
    public async Task UserAuth_PreferredFactorUserLacks_SelectChallenge()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var start = await StartAsync(phone, "EMAIL_OTP");
        start.AssertOk();
        Assert.Equal("SELECT_CHALLENGE", start.Json["ChallengeName"]!.GetValue<string>());
        Assert.Equal(["SMS_OTP"], start.Json["AvailableChallenges"]!.AsArray().Select(c => c!.GetValue<string>()));
        (await RespondAsync("SELECT_CHALLENGE", start.Json, new() { ["USERNAME"] = phone, ["ANSWER"] = "EMAIL_OTP" }))
            .AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task UserAuth_UnknownPhone_LooksLikeKnownAndNothingSent()
    {
        var known = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(known);
        var unknown = SesameApp.NewPhone();

        var real = await StartAsync(known, "SMS_OTP");
        var before = await _app.QueuedMessagesAsync(unknown);
        var fake = await StartAsync(unknown, "SMS_OTP");

        fake.AssertOk();
        Assert.Equal(real.Json["ChallengeName"]!.GetValue<string>(), fake.Json["ChallengeName"]!.GetValue<string>());
        Assert.Equal(real.Json["ChallengeParameters"]!.AsObject().Select(p => p.Key).Order(),
            fake.Json["ChallengeParameters"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal("+*******" + unknown[^4..], fake.Json["ChallengeParameters"]!["CODE_DELIVERY_DESTINATION"]!.GetValue<string>());
        (await RespondAsync("SMS_OTP", fake.Json, new() { ["USERNAME"] = unknown, ["SMS_OTP_CODE"] = "123456" })).AssertError("CodeMismatchException");
        Assert.Equal(before, await _app.QueuedMessagesAsync(unknown));
    }

    [Fact]
    public async Task UserAuth_UnknownPreferredChallenge_InvalidParameter()
    {
        (await StartAsync(SesameApp.NewPhone(), "CARRIER_PIGEON")).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task UserAuth_UnconfirmedUser_UserNotConfirmed()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        (await StartAsync(phone, "SMS_OTP")).AssertError("UserNotConfirmedException");
    }

    [Fact]
    public async Task UserAuth_CustomChallengeSessionAsSmsOtp_Refused()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var custom = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });
        var code = await _app.CodeAsync(phone, 2);
        (await RespondAsync("SMS_OTP", custom.Json, new() { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = code }))
            .AssertError("NotAuthorizedException", "Invalid session for the user.");
    }
}
