using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>What the server says to browsers and proxies, and what it leaves on disk.</summary>
public sealed class HttpHardeningTests
{
    private static HttpRequestMessage CognitoCall(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent($"{{\"ClientId\":\"{SesameApp.ClientId}\",\"Username\":\"nobody\"}}", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AWSCognitoIdentityProviderService.ResendConfirmationCode");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        return request;
    }

    private static string? AllowedOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task Cors_Development_CognitoApiAnyOrigin_DevOutboxNone()
    {
        using var app = new SesameApp();
        using var client = app.CreateClient();

        using var api = await client.SendAsync(CognitoCall("https://any.example"));
        Assert.Equal("*", AllowedOrigin(api));

        using var outbox = new HttpRequestMessage(HttpMethod.Get, "/dev/outbox?to=%2B15550000000");
        outbox.Headers.TryAddWithoutValidation("Origin", "https://any.example");
        using var outboxResponse = await client.SendAsync(outbox);
        Assert.Equal(200, (int)outboxResponse.StatusCode);
        Assert.Null(AllowedOrigin(outboxResponse));

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/dev/outbox?to=x");
        preflight.Headers.TryAddWithoutValidation("Origin", "https://any.example");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "GET");
        using var preflightResponse = await client.SendAsync(preflight);
        Assert.Null(AllowedOrigin(preflightResponse));
    }

    [Fact]
    public async Task Cors_ConfiguredOrigins_OnlyThoseAllowed()
    {
        using var app = new SesameApp(new() { ["Sesame:Cors:AllowedOrigins:0"] = "https://app.example.com" });
        using var client = app.CreateClient();

        using var listed = await client.SendAsync(CognitoCall("https://app.example.com"));
        Assert.Equal("https://app.example.com", AllowedOrigin(listed));

        using var other = await client.SendAsync(CognitoCall("https://evil.example"));
        Assert.Null(AllowedOrigin(other));
    }

    [Fact]
    public async Task Responses_Always_CarrySecurityHeaders()
    {
        using var app = new SesameApp();
        using var client = app.CreateClient();
        foreach (var response in new[] { await client.SendAsync(CognitoCall("https://a.example")), await client.GetAsync("/health") })
        {
            using (response)
            {
                Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
                Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            }
        }
    }

    [Fact]
    public async Task Issuer_PublicOriginConfigured_HostHeaderIgnored()
    {
        using var app = new SesameApp(new() { ["Sesame:PublicOrigin"] = "https://auth.example.com" });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Host = "evil.example";

        var before = app.Outbox.For(phone).Count;
        var start = await app.CallAsync("InitiateAuth", new { ClientId = SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } }, client);
        var code = await app.CodeAsync(phone, before + 1);
        var answer = await app.CallAsync("RespondToAuthChallenge", new
        {
            ClientId = SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = code },
        }, client);

        var idToken = answer.Json["AuthenticationResult"]!["IdToken"]!.GetValue<string>();
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(idToken.Split('.')[1]))!;
        Assert.Equal("https://auth.example.com/" + SesameApp.PoolId, claims["iss"]!.GetValue<string>());
        var discovery = JsonNode.Parse(await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/openid-configuration"))!;
        Assert.Equal("https://auth.example.com/" + SesameApp.PoolId, discovery["issuer"]!.GetValue<string>());
    }

    [Fact]
    public async Task DataDirectory_Created_OwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only.
        }

        using var app = new SesameApp();
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = SesameApp.NewPhone() })).AssertOk();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(app.DataDir));
        foreach (var file in Directory.EnumerateFiles(app.DataDir))
        {
            Assert.True((File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0,
                $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
        }

        Assert.Contains(Directory.EnumerateFiles(app.DataDir), f => f.EndsWith("sesame.db-wal", StringComparison.Ordinal));
    }
}
