using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

public sealed class RefreshTokenRotationTests : IDisposable
{
    private const string Client = "us-east-1_SesameDev:Clients:sesamedevclient0000000000";

    private readonly SesameApp _app = new(new Dictionary<string, string?>
    {
        [$"Sesame:UserPools:{Client}:RefreshTokenRotation:Feature"] = "ENABLED",
        [$"Sesame:UserPools:{Client}:RefreshTokenRotation:RetryGracePeriodSeconds"] = "10",
    });

    public void Dispose() => _app.Dispose();

    private async Task<System.Text.Json.Nodes.JsonNode> SignedInAsync()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        return await _app.SignInAsync(phone);
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_RotationOff_NewIdAndAccessTokensOnly()
    {
        using var app = new SesameApp();
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        var refreshed = await app.GetTokensAsync(tokens.Refresh());

        refreshed.AssertOk();
        var result = refreshed.Json["AuthenticationResult"]!;
        Assert.Null(result["RefreshToken"]);
        Assert.NotEqual(tokens.Access(), result.Access());
        Assert.Equal("Bearer", result["TokenType"]!.GetValue<string>());
        (await app.GetUserAsync(result.Access())).AssertOk();
        // Without rotation the same refresh token keeps working.
        (await app.GetTokensAsync(tokens.Refresh())).AssertOk();
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_RotationOn_NewRefreshTokenThatWorks()
    {
        var tokens = await SignedInAsync();

        var first = await _app.GetTokensAsync(tokens.Refresh());

        first.AssertOk();
        var rt2 = first.Json["AuthenticationResult"]!.Refresh();
        Assert.NotEqual(tokens.Refresh(), rt2);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", rt2);
        var second = await _app.GetTokensAsync(rt2);
        second.AssertOk();
        Assert.NotEqual(rt2, second.Json["AuthenticationResult"]!.Refresh());
        (await _app.GetUserAsync(second.Json["AuthenticationResult"]!.Access())).AssertOk();
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_RetryWithinGracePeriod_SameSuccessor()
    {
        var tokens = await SignedInAsync();
        var rt2 = (await _app.GetTokensAsync(tokens.Refresh())).Json["AuthenticationResult"]!.Refresh();
        _app.Clock.Advance(TimeSpan.FromSeconds(10));

        var retry = await _app.GetTokensAsync(tokens.Refresh());

        retry.AssertOk();
        Assert.Equal(rt2, retry.Json["AuthenticationResult"]!.Refresh());
        (await _app.GetTokensAsync(rt2)).AssertOk();
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_ReuseAfterGracePeriod_RevokesWholeFamily()
    {
        var tokens = await SignedInAsync();
        var rotated = (await _app.GetTokensAsync(tokens.Refresh())).Json["AuthenticationResult"]!;
        _app.Clock.Advance(TimeSpan.FromSeconds(11));

        (await _app.GetTokensAsync(tokens.Refresh())).AssertError("RefreshTokenReuseException");

        // The successor, the original sign-in's access token and the rotated access token all die with the family.
        (await _app.GetTokensAsync(rotated.Refresh())).AssertError("NotAuthorizedException", "Refresh Token has been revoked");
        (await _app.GetUserAsync(rotated.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.GetUserAsync(tokens.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_OldTokenAfterSuccessorRotated_ReuseEvenWithinGrace()
    {
        var tokens = await SignedInAsync();
        var rt2 = (await _app.GetTokensAsync(tokens.Refresh())).Json["AuthenticationResult"]!.Refresh();
        (await _app.GetTokensAsync(rt2)).AssertOk();

        // RT1 inside its grace period, but the client has already moved past RT2: not a lost-answer retry.
        (await _app.GetTokensAsync(tokens.Refresh())).AssertError("RefreshTokenReuseException");
        (await _app.GetUserAsync(tokens.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_GraceZero_ImmediateReuseRevokesFamily()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            [$"Sesame:UserPools:{Client}:RefreshTokenRotation:Feature"] = "ENABLED",
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);
        var rt2 = (await app.GetTokensAsync(tokens.Refresh())).Json["AuthenticationResult"]!.Refresh();

        (await app.GetTokensAsync(tokens.Refresh())).AssertError("RefreshTokenReuseException");
        (await app.GetTokensAsync(rt2)).AssertError("NotAuthorizedException", "Refresh Token has been revoked");
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_TwentyConcurrentWithOneToken_AtMostOneLiveSuccessor()
    {
        var tokens = await SignedInAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _app.GetTokensAsync(tokens.Refresh())));

        var successors = answers.Where(a => a.Status == 200).Select(a => a.Json["AuthenticationResult"]!.Refresh()).Distinct().ToList();
        Assert.Single(successors);
        Assert.All(answers.Where(a => a.Status != 200), a => Assert.Equal("NotAuthorizedException", a.ErrorType));
        (await _app.GetTokensAsync(successors[0])).AssertOk();
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_Successor_KeepsAbsoluteExpiryOfSignIn()
    {
        var tokens = await SignedInAsync();
        _app.Clock.Advance(TimeSpan.FromDays(29));
        var rt2 = (await _app.GetTokensAsync(tokens.Refresh())).Json["AuthenticationResult"]!.Refresh();
        _app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        (await _app.GetTokensAsync(rt2)).AssertError("NotAuthorizedException", "Refresh Token has expired");
    }

    [Fact]
    public async Task RotatedOutToken_RotationSwitchedOffLater_DeadAfterGrace()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-rotation-" + Guid.NewGuid().ToString("N"));
        try
        {
            string rt1, rt2;
            using (var rotating = new SesameApp(new Dictionary<string, string?>
            {
                [$"Sesame:UserPools:{Client}:RefreshTokenRotation:Feature"] = "ENABLED",
                [$"Sesame:UserPools:{Client}:RefreshTokenRotation:RetryGracePeriodSeconds"] = "10",
            }, dataDir: dataDir))
            {
                var phone = SesameApp.NewPhone();
                await rotating.CreateConfirmedUserAsync(phone);
                rt1 = (await rotating.SignInAsync(phone)).Refresh();
                rt2 = (await rotating.GetTokensAsync(rt1)).Json["AuthenticationResult"]!.Refresh();
            }

            using var plain = new SesameApp(dataDir: dataDir);
            plain.Clock.Advance(TimeSpan.FromSeconds(11));
            (await plain.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "REFRESH_TOKEN_AUTH", AuthParameters = new { REFRESH_TOKEN = rt1 } }))
                .AssertError("NotAuthorizedException", "Refresh Token has expired");
            (await plain.GetTokensAsync(rt2)).AssertOk();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task InitiateAuthRefreshTokenAuth_RotationOn_Refused()
    {
        var tokens = await SignedInAsync();

        var response = await _app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "REFRESH_TOKEN_AUTH",
            AuthParameters = new { REFRESH_TOKEN = tokens.Refresh() },
        });

        response.AssertError("NotAuthorizedException");
        Assert.Contains("GetTokensFromRefreshToken", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_UnknownOrForeignToken_InvalidRefreshToken()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:secondclient0000000000000:Name"] = "second",
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);

        (await app.GetTokensAsync("bm90LWEtdG9rZW4")).AssertError("NotAuthorizedException", "Invalid Refresh Token");
        (await app.GetTokensAsync(tokens.Refresh(), "secondclient0000000000000")).AssertError("NotAuthorizedException", "Invalid Refresh Token");
        (await app.GetTokensAsync(tokens.Refresh(), "nosuchclient0000000000000")).AssertError("ResourceNotFoundException");
        (await app.CallAsync("GetTokensFromRefreshToken", new { SesameApp.ClientId })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task GetTokensFromRefreshToken_ConfidentialClient_RequiresClientSecret()
    {
        const string secret = "a-client-secret-of-some-length";
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            [$"Sesame:UserPools:{Client}:Secret"] = secret,
        });
        var phone = SesameApp.NewPhone();
        var sub = await CreateWithSecretAsync(app, phone, secret);
        Assert.NotEmpty(sub);
        var refresh = await SignInWithSecretAsync(app, phone, secret);

        (await app.GetTokensAsync(refresh)).AssertError("NotAuthorizedException");
        (await app.CallAsync("GetTokensFromRefreshToken", new { SesameApp.ClientId, RefreshToken = refresh, ClientSecret = "wrong" }))
            .AssertError("NotAuthorizedException");
        (await app.CallAsync("GetTokensFromRefreshToken", new { SesameApp.ClientId, RefreshToken = refresh, ClientSecret = secret })).AssertOk();
    }

    private static string SecretHash(string secret, string username) =>
        Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(username + SesameApp.ClientId)));

    private static async Task<string> CreateWithSecretAsync(SesameApp app, string phone, string secret)
    {
        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, SecretHash = SecretHash(secret, phone) });
        signUp.AssertOk();
        var code = await app.CodeAsync(phone);
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = code, SecretHash = SecretHash(secret, phone) })).AssertOk();
        return signUp.Json["UserSub"]!.GetValue<string>();
    }

    private static async Task<string> SignInWithSecretAsync(SesameApp app, string phone, string secret)
    {
        var start = await app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new Dictionary<string, string> { ["USERNAME"] = phone, ["SECRET_HASH"] = SecretHash(secret, phone) },
        });
        start.AssertOk();
        var username = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>();
        var answer = await app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new Dictionary<string, string>
            {
                ["USERNAME"] = username, ["ANSWER"] = await app.CodeAsync(phone, 2), ["SECRET_HASH"] = SecretHash(secret, username),
            },
        });
        answer.AssertOk();
        return answer.Json["AuthenticationResult"]!.Refresh();
    }
}
