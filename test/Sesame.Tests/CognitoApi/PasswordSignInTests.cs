using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

// USER_PASSWORD_AUTH checks a PBKDF2 hash (~0.3 s each): these tests keep the number of password checks small.
public sealed class PasswordSignInTests : IDisposable
{
    private const string Password = "correct horse 42";

    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<string> SignUpAsync(string phone, string? password = Password, bool confirm = true)
    {
        var before = _app.Outbox.For(phone).Count;
        var signUp = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password = password });
        signUp.AssertOk();
        if (confirm)
        {
            var code = await _app.CodeAsync(phone, before + 1);
            (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = code })).AssertOk();
        }

        return signUp.Json["UserSub"]!.GetValue<string>();
    }

    private Task<CognitoResponse> PasswordAuthAsync(string login, string password) =>
        _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = login, PASSWORD = password } });

    private Task<CognitoResponse> StartSrpAsync(string login, SrpClient client) =>
        _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_SRP_AUTH", AuthParameters = new { USERNAME = login, SRP_A = client.AHex } });

    private Task<CognitoResponse> VerifyAsync(JsonNode challenge, Dictionary<string, string> responses) =>
        _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "PASSWORD_VERIFIER",
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = responses,
        });

    private static Dictionary<string, string> Parameters(JsonNode challenge) =>
        challenge["ChallengeParameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    private async Task<CognitoResponse> SrpSignInAsync(string login, string password, Action<Dictionary<string, string>>? tamper = null)
    {
        var client = new SrpClient();
        var start = await StartSrpAsync(login, client);
        start.AssertOk();
        var answer = client.Answer(SesameApp.PoolId, password, Parameters(start.Json), _app.Clock.GetUtcNow());
        tamper?.Invoke(answer);
        return await VerifyAsync(start.Json, answer);
    }

    [Fact]
    public async Task UserPasswordAuth_RightPassword_TokensForThatUser()
    {
        var phone = SesameApp.NewPhone();
        var sub = await SignUpAsync(phone);

        var response = await PasswordAuthAsync(phone, Password);

        response.AssertOk();
        var idToken = response.Json["AuthenticationResult"]!["IdToken"]!.GetValue<string>();
        var claims = JsonNode.Parse(Convert.FromBase64String(Pad(idToken.Split('.')[1])))!;
        Assert.Equal(sub, claims["sub"]!.GetValue<string>());
        Assert.Null(response.Json["ChallengeName"]);
    }

    [Fact]
    public async Task UserPasswordAuth_UserWithAnOldPbkdf2Hash_SignsInAndTheHashBecomesArgon2id()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        var users = _app.Services.GetRequiredService<Sesame.Storage.IUserStore>();
        var user = (await users.FindAsync(SesameApp.PoolId, phone, CancellationToken.None))!;
        // As a release before Argon2id stored it.
        using var pbkdf2 = new Sesame.SignIn.Passwords.PasswordHasher(Microsoft.Extensions.Options.Options.Create(new Sesame.Configuration.SesameOptions
        {
            Passwords = { Algorithm = "Pbkdf2", Pbkdf2Iterations = SesameApp.TestPbkdf2Iterations },
        }));
        var old = pbkdf2.Hash(Password);
        Assert.True(await _app.Services.GetRequiredService<Sesame.Storage.IPasswordStore>()
            .UpgradePasswordHashAsync(SesameApp.PoolId, Sesame.Users.Logins.UsernameKey(user.Username), user.PasswordHash!, old, CancellationToken.None));

        (await PasswordAuthAsync(phone, "wrong password")).AssertError("NotAuthorizedException");
        Assert.Equal(old, (await users.FindAsync(SesameApp.PoolId, phone, CancellationToken.None))!.PasswordHash);
        (await PasswordAuthAsync(phone, Password)).AssertOk();

        var upgraded = (await users.FindAsync(SesameApp.PoolId, phone, CancellationToken.None))!.PasswordHash!;
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", upgraded, StringComparison.Ordinal);
        (await PasswordAuthAsync(phone, Password)).AssertOk();
        (await PasswordAuthAsync(phone, "wrong password")).AssertError("NotAuthorizedException");
        Assert.Equal(upgraded, (await users.FindAsync(SesameApp.PoolId, phone, CancellationToken.None))!.PasswordHash);
        (await SrpSignInAsync(phone, Password)).AssertOk();
    }

    [Fact]
    public async Task UserPasswordAuth_WrongPasswordUnknownUserOrNoPassword_SameNotAuthorized()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        var passwordless = SesameApp.NewPhone();
        await SignUpAsync(passwordless, password: null);

        (await PasswordAuthAsync(phone, Password + "x")).AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await PasswordAuthAsync(SesameApp.NewPhone(), Password)).AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await PasswordAuthAsync(passwordless, Password)).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task UserPasswordAuth_Unconfirmed_NotConfirmedOnlyWithTheRightPassword()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone, confirm: false);

        (await PasswordAuthAsync(phone, "wrong password")).AssertError("NotAuthorizedException", "Incorrect username or password.");
        (await PasswordAuthAsync(phone, Password)).AssertError("UserNotConfirmedException", "User is not confirmed.");
    }

    [Fact]
    public async Task UserPasswordAuth_FiveFailures_LockedEvenForTheRightPasswordUntilTheLockoutEnds()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        for (var i = 0; i < 5; i++)
        {
            (await PasswordAuthAsync(phone, "wrong password")).AssertError("NotAuthorizedException", "Incorrect username or password.");
        }

        (await PasswordAuthAsync(phone, Password)).AssertError("NotAuthorizedException", "Password attempts exceeded");
        _app.Clock.Advance(TimeSpan.FromSeconds(1.5));
        (await PasswordAuthAsync(phone, Password)).AssertOk();
    }

    [Fact]
    public async Task UserPasswordAuth_ClientWithoutTheFlow_InvalidParameter()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:sesamedevclient0000000000:ExplicitAuthFlows:0"] = "ALLOW_CUSTOM_AUTH",
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:sesamedevclient0000000000:ExplicitAuthFlows:1"] = "ALLOW_REFRESH_TOKEN_AUTH",
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:sesamedevclient0000000000:ExplicitAuthFlows:2"] = "ALLOW_REFRESH_TOKEN_AUTH",
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:sesamedevclient0000000000:ExplicitAuthFlows:3"] = "ALLOW_REFRESH_TOKEN_AUTH",
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:sesamedevclient0000000000:ExplicitAuthFlows:4"] = "ALLOW_REFRESH_TOKEN_AUTH",
        });
        var response = await app.CallAsync("InitiateAuth",
            new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = SesameApp.NewPhone(), PASSWORD = Password } });
        response.AssertError("InvalidParameterException");
        var srp = await app.CallAsync("InitiateAuth",
            new { SesameApp.ClientId, AuthFlow = "USER_SRP_AUTH", AuthParameters = new { USERNAME = SesameApp.NewPhone(), SRP_A = new SrpClient().AHex } });
        srp.AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task UserSrpAuth_RightPassword_PasswordVerifierThenTokens()
    {
        var phone = SesameApp.NewPhone();
        var sub = await SignUpAsync(phone);
        var client = new SrpClient();

        var start = await StartSrpAsync(phone, client);

        start.AssertOk();
        Assert.Equal("PASSWORD_VERIFIER", start.Json["ChallengeName"]!.GetValue<string>());
        var parameters = Parameters(start.Json);
        Assert.Equal(["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"], parameters.Keys.Order(StringComparer.Ordinal));
        Assert.True(Guid.TryParse(parameters["USER_ID_FOR_SRP"], out _));
        Assert.Equal(parameters["USERNAME"], parameters["USER_ID_FOR_SRP"]);
        Assert.Matches("^[0-9a-f]+$", parameters["SRP_B"]);
        Assert.Matches("^[0-9a-f]+$", parameters["SALT"]);

        var response = await VerifyAsync(start.Json, client.Answer(SesameApp.PoolId, Password, parameters, _app.Clock.GetUtcNow()));

        response.AssertOk();
        var access = response.Json["AuthenticationResult"]!["AccessToken"]!.GetValue<string>();
        var user = await _app.CallAsync("GetUser", new { AccessToken = access });
        user.AssertOk();
        Assert.Contains(user.Json["UserAttributes"]!.AsArray(), a => a!["Name"]!.GetValue<string>() == "sub" && a["Value"]!.GetValue<string>() == sub);
    }

    [Fact]
    public async Task UserSrpAuth_WrongPassword_IncorrectUsernameOrPassword()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        (await SrpSignInAsync(phone, Password + "!")).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task UserSrpAuth_UnknownUser_StableLookalikeChallengeAndNoWayIn()
    {
        var phone = SesameApp.NewPhone();
        var first = await StartSrpAsync(phone, new SrpClient());
        var second = await StartSrpAsync(phone, new SrpClient());

        first.AssertOk();
        var a = Parameters(first.Json);
        var b = Parameters(second.Json);
        Assert.Equal(["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"], a.Keys.Order(StringComparer.Ordinal));
        Assert.True(Guid.TryParse(a["USER_ID_FOR_SRP"], out _));
        Assert.Equal(a["USER_ID_FOR_SRP"], b["USER_ID_FOR_SRP"]);
        Assert.Equal(a["SALT"], b["SALT"]);
        Assert.NotEqual(a["SRP_B"], b["SRP_B"]);
        (await SrpSignInAsync(phone, Password)).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task UserSrpAuth_PasswordlessUser_NoWayIn()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone, password: null);
        (await SrpSignInAsync(phone, Password)).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task PasswordVerifier_ForeignSecretBlockOrStaleTimestamp_Refused()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        (await SrpSignInAsync(phone, Password, r => r["PASSWORD_CLAIM_SECRET_BLOCK"] = Convert.ToBase64String(new byte[64])))
            .AssertError("NotAuthorizedException", "Incorrect username or password.");

        var client = new SrpClient();
        var start = await StartSrpAsync(phone, client);
        var stale = client.Answer(SesameApp.PoolId, Password, Parameters(start.Json), _app.Clock.GetUtcNow().AddMinutes(-10));
        (await VerifyAsync(start.Json, stale)).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task PasswordVerifier_SessionReplayed_InvalidSession()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        var client = new SrpClient();
        var start = await StartSrpAsync(phone, client);
        var answer = client.Answer(SesameApp.PoolId, Password, Parameters(start.Json), _app.Clock.GetUtcNow());
        (await VerifyAsync(start.Json, answer)).AssertOk();

        (await VerifyAsync(start.Json, answer)).AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task PasswordVerifier_SessionExpired_SessionIsExpired()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        var client = new SrpClient();
        var start = await StartSrpAsync(phone, client);
        _app.Clock.Advance(TimeSpan.FromMinutes(4));
        var answer = client.Answer(SesameApp.PoolId, Password, Parameters(start.Json), _app.Clock.GetUtcNow());
        (await VerifyAsync(start.Json, answer)).AssertError("NotAuthorizedException", "Invalid session for the user, session is expired.");
    }

    [Fact]
    public async Task PasswordVerifier_CustomChallengeSession_InvalidSession()
    {
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        var custom = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });
        custom.AssertOk();
        var responses = new Dictionary<string, string>
        {
            ["USERNAME"] = phone, ["PASSWORD_CLAIM_SECRET_BLOCK"] = "AAAA", ["PASSWORD_CLAIM_SIGNATURE"] = "AAAA",
            ["TIMESTAMP"] = "Sat Nov 21 09:00:00 UTC 2026",
        };
        (await VerifyAsync(custom.Json, responses)).AssertError("NotAuthorizedException", "Invalid session for the user.");
    }

    [Fact]
    public async Task UserSrpAuth_FiveWrongPasswords_PasswordAttemptsExceededForKnownAndUnknownAlike()
    {
        var known = SesameApp.NewPhone();
        await SignUpAsync(known);
        var unknown = SesameApp.NewPhone();
        foreach (var phone in new[] { known, unknown })
        {
            for (var i = 0; i < 5; i++)
            {
                (await SrpSignInAsync(phone, "wrong password")).AssertError("NotAuthorizedException", "Incorrect username or password.");
            }

            (await SrpSignInAsync(phone, Password)).AssertError("NotAuthorizedException", "Password attempts exceeded");
        }

        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        (await SrpSignInAsync(known, Password)).AssertOk();
    }

    [Fact]
    public async Task PasswordVerifier_TenWrongAnswersAtOnce_ExactlyFiveChecked()
    {
        // Attempts are counted before the check, so a burst cannot get more guesses than the lockout allows.
        var phone = SesameApp.NewPhone();
        await SignUpAsync(phone);
        var pending = new List<(JsonNode Start, Dictionary<string, string> Answer)>();
        for (var i = 0; i < 10; i++)
        {
            var client = new SrpClient();
            var start = await StartSrpAsync(phone, client);
            pending.Add((start.Json, client.Answer(SesameApp.PoolId, "wrong password", Parameters(start.Json), _app.Clock.GetUtcNow())));
        }

        var results = await Task.WhenAll(pending.Select(p => VerifyAsync(p.Start, p.Answer)));

        Assert.All(results, r => Assert.Equal("NotAuthorizedException", r.ErrorType));
        Assert.Equal(5, results.Count(r => r.Message == "Incorrect username or password."));
        Assert.Equal(5, results.Count(r => r.Message == "Password attempts exceeded"));
    }

    [Fact]
    public async Task UserSrpAuth_AbandonedSignUpReplacedWithoutPassword_OldPasswordNoLongerWorks()
    {
        // Free-form usernames: a new sign-up of the same name replaces the abandoned one, and its SRP verifier with it.
        using var app = new SesameApp(services: s => s.PostConfigure<Sesame.Configuration.SesameOptions>(o =>
            o.UserPools[SesameApp.PoolId].UsernameAttributes = []));
        var phone = SesameApp.NewPhone();
        var attributes = new[] { new { Name = "phone_number", Value = phone } };
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = "alice", Password, UserAttributes = attributes })).AssertOk();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = "alice", UserAttributes = attributes })).AssertOk();
        var code = await app.CodeAsync(phone, 2);
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = "alice", ConfirmationCode = code })).AssertOk();

        var client = new SrpClient();
        var start = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_SRP_AUTH", AuthParameters = new { USERNAME = "alice", SRP_A = client.AHex } });
        start.AssertOk();
        Assert.Equal("alice", Parameters(start.Json)["USER_ID_FOR_SRP"]);
        var answer = client.Answer(SesameApp.PoolId, Password, Parameters(start.Json), app.Clock.GetUtcNow());
        var response = await app.CallAsync("RespondToAuthChallenge",
            new { SesameApp.ClientId, ChallengeName = "PASSWORD_VERIFIER", Session = start.Json["Session"]!.GetValue<string>(), ChallengeResponses = answer });
        response.AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task PasswordFlows_UnknownUserWithLegacyExistenceErrors_UserNotFound()
    {
        using var app = new SesameApp(new Dictionary<string, string?> { ["Sesame:UserPools:us-east-1_SesameDev:PreventUserExistenceErrors"] = "false" });
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = phone, PASSWORD = Password } }))
            .AssertError("UserNotFoundException", "User does not exist.");
        (await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_SRP_AUTH", AuthParameters = new { USERNAME = phone, SRP_A = new SrpClient().AHex } }))
            .AssertError("UserNotFoundException", "User does not exist.");
    }

    [Fact]
    public async Task UserSrpAuth_SrpAZeroModN_InvalidParameter()
    {
        var response = await _app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "USER_SRP_AUTH",
            AuthParameters = new { USERNAME = SesameApp.NewPhone(), SRP_A = Sesame.SignIn.Passwords.Srp.ToHex(Sesame.SignIn.Passwords.Srp.N) },
        });
        response.AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task SignUp_PoolRequiresPasswords_RefusedWithoutOne()
    {
        using var app = new SesameApp(new Dictionary<string, string?> { ["Sesame:UserPools:us-east-1_SesameDev:PasswordRequired"] = "true" });
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertError("InvalidParameterException");
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password })).AssertOk();
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }
}
