using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

public sealed class TokenTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private static JsonNode Part(string token, int index) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[index]))!;

    private async Task<JsonArray> JwksAsync(SesameApp app)
    {
        using var client = app.CreateClient();
        var text = await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/jwks.json");
        return JsonNode.Parse(text)!["keys"]!.AsArray();
    }

    private static bool VerifiesWith(string token, JsonArray keys)
    {
        var kid = Part(token, 0)["kid"]!.GetValue<string>();
        var jwk = keys.Single(k => k!["kid"]!.GetValue<string>() == kid)!;
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64Url.DecodeFromChars(jwk["n"]!.GetValue<string>()),
            Exponent = Base64Url.DecodeFromChars(jwk["e"]!.GetValue<string>()),
        });
        var parts = token.Split('.');
        return rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    [Fact]
    public async Task Tokens_VerifyAgainstServedJwks_WithCognitoClaims()
    {
        var phone = SesameApp.NewPhone();
        var sub = await _app.CreateConfirmedUserAsync(phone);
        var result = await _app.SignInAsync(phone);
        var keys = await JwksAsync(_app);
        var idToken = result["IdToken"]!.GetValue<string>();
        var accessToken = result["AccessToken"]!.GetValue<string>();

        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Equal("RS256", k!["alg"]!.GetValue<string>()));
        Assert.True(VerifiesWith(idToken, keys));
        Assert.True(VerifiesWith(accessToken, keys));
        Assert.NotEqual(Part(idToken, 0)["kid"]!.GetValue<string>(), Part(accessToken, 0)["kid"]!.GetValue<string>());

        var id = Part(idToken, 1);
        Assert.Equal(sub, id["sub"]!.GetValue<string>());
        Assert.Equal("id", id["token_use"]!.GetValue<string>());
        Assert.Equal(SesameApp.ClientId, id["aud"]!.GetValue<string>());
        Assert.Equal("http://localhost/" + SesameApp.PoolId, id["iss"]!.GetValue<string>());
        Assert.Equal(phone, id["phone_number"]!.GetValue<string>());
        Assert.True(id["phone_number_verified"]!.GetValue<bool>());
        Assert.True(Guid.TryParse(id["cognito:username"]!.GetValue<string>(), out _));
        var now = _app.Clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(now, id["iat"]!.GetValue<long>());
        Assert.Equal(now, id["auth_time"]!.GetValue<long>());
        Assert.Equal(now + 3600, id["exp"]!.GetValue<long>());
        foreach (var claim in new[] { "jti", "origin_jti", "event_id" })
        {
            Assert.True(Guid.TryParse(id[claim]!.GetValue<string>(), out _), claim);
        }

        var access = Part(accessToken, 1);
        Assert.Equal("access", access["token_use"]!.GetValue<string>());
        Assert.Equal(SesameApp.ClientId, access["client_id"]!.GetValue<string>());
        Assert.Equal("aws.cognito.signin.user.admin", access["scope"]!.GetValue<string>());
        Assert.Equal(id["cognito:username"]!.GetValue<string>(), access["username"]!.GetValue<string>());
        Assert.Equal(id["origin_jti"]!.GetValue<string>(), access["origin_jti"]!.GetValue<string>());
        Assert.Null(access["aud"]);
        Assert.Null(access["phone_number"]);
    }

    [Fact]
    public async Task Discovery_NamesIssuerAndJwks()
    {
        using var client = _app.CreateClient();
        var discovery = JsonNode.Parse(await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/openid-configuration"))!;
        Assert.Equal("http://localhost/" + SesameApp.PoolId, discovery["issuer"]!.GetValue<string>());
        Assert.Equal($"http://localhost/{SesameApp.PoolId}/.well-known/jwks.json", discovery["jwks_uri"]!.GetValue<string>());
        using var missing = await client.GetAsync("/us-east-1_Nope/.well-known/jwks.json");
        Assert.Equal(404, (int)missing.StatusCode);
    }

    [Fact]
    public async Task SigningKeys_SurviveRestart()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            JsonArray before;
            using (var first = new SesameApp(dataDir: dataDir))
            {
                before = await JwksAsync(first);
                var keyFile = Path.Combine(dataDir, "master.key");
                Assert.True(File.Exists(keyFile));
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
                }
            }

            using var second = new SesameApp(dataDir: dataDir);
            var after = await JwksAsync(second);
            Assert.Equal(before.Select(k => k!["kid"]!.GetValue<string>()).Order(), after.Select(k => k!["kid"]!.GetValue<string>()).Order());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task RefreshTokenAuth_NewTokensSameSignIn()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var result = await _app.SignInAsync(phone);
        _app.Clock.Advance(TimeSpan.FromMinutes(30));

        foreach (var flow in new[] { "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN" })
        {
            var refreshed = await _app.CallAsync("InitiateAuth", new
            {
                SesameApp.ClientId,
                AuthFlow = flow,
                AuthParameters = new { REFRESH_TOKEN = result["RefreshToken"]!.GetValue<string>() },
            });

            refreshed.AssertOk();
            var tokens = refreshed.Json["AuthenticationResult"]!;
            Assert.Null(tokens["RefreshToken"]);
            var oldAccess = Part(result["AccessToken"]!.GetValue<string>(), 1);
            var newAccess = Part(tokens["AccessToken"]!.GetValue<string>(), 1);
            Assert.Equal(oldAccess["origin_jti"]!.GetValue<string>(), newAccess["origin_jti"]!.GetValue<string>());
            Assert.Equal(oldAccess["auth_time"]!.GetValue<long>(), newAccess["auth_time"]!.GetValue<long>());
            Assert.NotEqual(oldAccess["jti"]!.GetValue<string>(), newAccess["jti"]!.GetValue<string>());
            Assert.True(newAccess["iat"]!.GetValue<long>() > oldAccess["iat"]!.GetValue<long>());
            (await _app.CallAsync("GetUser", new { AccessToken = tokens["AccessToken"]!.GetValue<string>() })).AssertOk();
        }
    }

    [Fact]
    public async Task RefreshTokenAuth_UnknownToken_NotAuthorized()
    {
        var response = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "REFRESH_TOKEN_AUTH", AuthParameters = new { REFRESH_TOKEN = "bm90LWEtdG9rZW4" } });
        response.AssertError("NotAuthorizedException", "Invalid Refresh Token");
    }

    [Fact]
    public async Task RefreshTokenAuth_Expired_NotAuthorized()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var result = await _app.SignInAsync(phone);
        _app.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        var response = await _app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "REFRESH_TOKEN_AUTH",
            AuthParameters = new { REFRESH_TOKEN = result["RefreshToken"]!.GetValue<string>() },
        });
        response.AssertError("NotAuthorizedException", "Refresh Token has expired");
    }

    [Fact]
    public async Task RefreshTokenAuth_OtherClientsToken_NotAuthorized()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:secondclient0000000000000:Name"] = "second",
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var result = await app.SignInAsync(phone);
        var response = await app.CallAsync("InitiateAuth", new
        {
            ClientId = "secondclient0000000000000",
            AuthFlow = "REFRESH_TOKEN_AUTH",
            AuthParameters = new { REFRESH_TOKEN = result["RefreshToken"]!.GetValue<string>() },
        });
        response.AssertError("NotAuthorizedException", "Invalid Refresh Token");
    }

    [Fact]
    public async Task GetUser_ValidToken_UserAndAttributes()
    {
        var phone = SesameApp.NewPhone();
        var email = SesameApp.NewEmail();
        var sub = await _app.CreateConfirmedUserAsync(phone, ("email", email), ("name", "Jane"));
        var result = await _app.SignInAsync(phone);

        var response = await _app.CallAsync("GetUser", new { AccessToken = result["AccessToken"]!.GetValue<string>() });

        response.AssertOk();
        var attributes = response.Json["UserAttributes"]!.AsArray().ToDictionary(a => a!["Name"]!.GetValue<string>(), a => a!["Value"]!.GetValue<string>());
        Assert.Equal(sub, attributes["sub"]);
        Assert.Equal(phone, attributes["phone_number"]);
        Assert.Equal("true", attributes["phone_number_verified"]);
        Assert.Equal(email, attributes["email"]);
        Assert.Equal("false", attributes["email_verified"]);
        Assert.Equal("Jane", attributes["name"]);
        Assert.Equal(Part(result["IdToken"]!.GetValue<string>(), 1)["cognito:username"]!.GetValue<string>(), response.Json["Username"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUser_ExpiredAccessToken_NotAuthorized()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var result = await _app.SignInAsync(phone);
        _app.Clock.Advance(TimeSpan.FromHours(1));
        (await _app.CallAsync("GetUser", new { AccessToken = result["AccessToken"]!.GetValue<string>() }))
            .AssertError("NotAuthorizedException", "Access Token has expired");
    }

    [Fact]
    public async Task GetUser_IdTokenInsteadOfAccessToken_NotAuthorized()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var result = await _app.SignInAsync(phone);
        (await _app.CallAsync("GetUser", new { AccessToken = result["IdToken"]!.GetValue<string>() }))
            .AssertError("NotAuthorizedException", "Invalid Access Token");
    }

    [Fact]
    public async Task GetUser_ForgedToken_NotAuthorized()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var token = (await _app.SignInAsync(phone))["AccessToken"]!.GetValue<string>();
        var parts = token.Split('.');
        var payload = Part(token, 1);
        payload["username"] = "someone-else";
        var forged = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
        var none = Base64Url.EncodeToString("{\"alg\":\"none\"}"u8) + "." + parts[1] + ".";

        (await _app.CallAsync("GetUser", new { AccessToken = forged })).AssertError("NotAuthorizedException", "Invalid Access Token");
        (await _app.CallAsync("GetUser", new { AccessToken = none })).AssertError("NotAuthorizedException");
        (await _app.CallAsync("GetUser", new { AccessToken = "a.b.c" })).AssertError("NotAuthorizedException", "Invalid Access Token");
        (await _app.CallAsync("GetUser", new { AccessToken = "not a token" })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task Tokens_OneSignInStoresNoSecretInTheClear()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var before = _app.Outbox.For(phone).Count;
        var result = await _app.SignInAsync(phone);
        var code = _app.Outbox.For(phone)[before].Code!;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var bytes = Directory.GetFiles(_app.DataDir, "sesame.db*").SelectMany(File.ReadAllBytes).ToArray();
        var text = Encoding.ASCII.GetString(bytes);
        Assert.DoesNotContain(result["RefreshToken"]!.GetValue<string>(), text, StringComparison.Ordinal);
        Assert.DoesNotContain("is your Sesame Dev sign-in code", text, StringComparison.Ordinal);
        Assert.DoesNotContain(phone + ":" + code, text, StringComparison.Ordinal);
    }
}
