using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.OAuth;

/// <summary>The code flow as a browser and a relying party drive it over HTTP: the page, the code, the token endpoint.</summary>
public sealed partial class OAuthFlowTests : IDisposable
{
    private const string Callback = "http://localhost:3000/callback";
    private static readonly string[] ClientCredentials = ["client_credentials"];
    private static readonly string[] ApiScopes = ["api/read", "api/write"];

    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private HttpClient Browser() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    internal static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string AuthorizeUrl(string challenge, string? extra = null, string clientId = SesameApp.ClientId) =>
        $"/oauth2/authorize?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString(Callback)}&scope=openid+email+phone+aws.cognito.signin.user.admin"
        + $"&state=xyz&nonce=n123&code_challenge={challenge}&code_challenge_method=S256{extra}";

    private static string Csrf(string html) => CsrfPattern().Match(html).Groups[1].Value;

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> form, AuthenticationHeaderValue? auth = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = auth;
        return await client.SendAsync(request);
    }

    /// <summary>Authorize → page → phone → code from the outbox → the client's callback; returns the callback's query.</summary>
    private async Task<Dictionary<string, string>> SignInThroughPageAsync(HttpClient browser, string phone, string challenge)
    {
        var authorize = await browser.GetAsync(AuthorizeUrl(challenge));
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var page = await browser.GetAsync(authorize.Headers.Location);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var before = _app.Outbox.For(phone).Count;
        var sent = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(html), ["action"] = "start", ["login"] = phone });
        var codePage = await sent.Content.ReadAsStringAsync();
        Assert.Contains("autocomplete=\"one-time-code\"", codePage, StringComparison.Ordinal);
        var code = await _app.CodeAsync(phone, before + 1);

        var answered = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(codePage), ["action"] = "answer", ["code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        var location = answered.Headers.Location!.ToString();
        Assert.StartsWith(Callback + "?", location, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    private async Task<JsonNode> RedeemAsync(HttpClient client, string code, string verifier, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await PostFormAsync(client, "/oauth2/token", new()
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = SesameApp.ClientId,
            ["code"] = code,
            ["redirect_uri"] = Callback,
            ["code_verifier"] = verifier,
        });
        Assert.Equal(expected, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task CodeFlow_NewPhoneNumber_SignedUpWithOneSmsThenTokensWithNonceAndScopes()
    {
        using var browser = Browser();
        var phone = SesameApp.NewPhone();
        var (verifier, challenge) = Pkce();

        var callback = await SignInThroughPageAsync(browser, phone, challenge);
        var tokens = await RedeemAsync(browser, callback["code"], verifier);

        Assert.Equal("xyz", callback["state"]);
        Assert.Single(_app.Outbox.For(phone));
        var id = JwtPayload(tokens["id_token"]!.GetValue<string>());
        Assert.Equal("n123", id["nonce"]!.GetValue<string>());
        Assert.Equal(phone, id["phone_number"]!.GetValue<string>());
        var access = JwtPayload(tokens["access_token"]!.GetValue<string>());
        Assert.Equal("openid email phone aws.cognito.signin.user.admin", access["scope"]!.GetValue<string>());
        Assert.NotNull(tokens["refresh_token"]);
        Assert.Equal("Bearer", tokens["token_type"]!.GetValue<string>());

        // The access token carries aws.cognito.signin.user.admin: the Cognito API accepts it.
        (await _app.CallAsync("GetUser", new { AccessToken = tokens["access_token"]!.GetValue<string>() })).AssertOk();
    }

    [Fact]
    public async Task CodeFlow_KnownUser_SignInCodeAndUserInfoWithinScopes()
    {
        var phone = SesameApp.NewPhone();
        var sub = await _app.CreateConfirmedUserAsync(phone, ("given_name", "Ada"));
        using var browser = Browser();
        var (verifier, challenge) = Pkce();

        var callback = await SignInThroughPageAsync(browser, phone, challenge);
        var tokens = await RedeemAsync(browser, callback["code"], verifier);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth2/userInfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens["access_token"]!.GetValue<string>());
        var info = JsonNode.Parse(await (await browser.SendAsync(request)).Content.ReadAsStringAsync())!;

        Assert.Equal(sub, info["sub"]!.GetValue<string>());
        Assert.Equal(phone, info["phone_number"]!.GetValue<string>());
        Assert.Null(info["given_name"]);
        Assert.Equal(2, _app.Outbox.For(phone).Count);
    }

    [Fact]
    public async Task TokenEndpoint_ReplayedCode_InvalidGrantAndTheFirstTokensRevoked()
    {
        using var browser = Browser();
        var (verifier, challenge) = Pkce();
        var callback = await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge);
        var tokens = await RedeemAsync(browser, callback["code"], verifier);

        var replay = await RedeemAsync(browser, callback["code"], verifier, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_grant", replay["error"]!.GetValue<string>());
        (await _app.CallAsync("GetUser", new { AccessToken = tokens["access_token"]!.GetValue<string>() })).AssertError("NotAuthorizedException");
        var refreshed = await PostFormAsync(browser, "/oauth2/token", new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = SesameApp.ClientId,
            ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_WrongVerifier_InvalidGrant()
    {
        using var browser = Browser();
        var (_, challenge) = Pkce();
        var callback = await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge);

        var result = await RedeemAsync(browser, callback["code"], Pkce().Verifier, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_grant", result["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TokenEndpoint_FormPastMaxRequestBodyBytes_InvalidRequestUnread(bool withLength)
    {
        // Kestrel alone would take a 30 MB form, and the form reader would keep each value (up to 4 MB) as a string:
        // a form is held to Sesame:MaxRequestBodyBytes (64 KiB) like a Cognito request. The refresh token is one the
        // server would accept, so without the limit this request succeeds.
        using var browser = Browser();
        var (verifier, challenge) = Pkce();
        var callback = await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge);
        var tokens = await RedeemAsync(browser, callback["code"], verifier);
        var form = "grant_type=refresh_token&client_id=" + SesameApp.ClientId + "&refresh_token="
            + Uri.EscapeDataString(tokens["refresh_token"]!.GetValue<string>()) + "&padding=" + new string('a', 65 * 1024);
        var bytes = Encoding.ASCII.GetBytes(form);
        HttpContent content = withLength ? new ByteArrayContent(bytes) : new StreamContent(new UnseekableStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        Assert.Equal(withLength, content.Headers.ContentLength is not null);

        using var response = await browser.PostAsync("/oauth2/token", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        var small = await PostFormAsync(browser, "/oauth2/token", new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = SesameApp.ClientId,
            ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>(),
        });
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    /// <summary>A body of unknown length (sent chunked): the limit must hold while reading, not only by Content-Length.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task TokenEndpoint_CodeAfterFiveMinutes_InvalidGrant()
    {
        using var browser = Browser();
        var (verifier, challenge) = Pkce();
        var callback = await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge);
        _app.Clock.Advance(TimeSpan.FromMinutes(5));

        var result = await RedeemAsync(browser, callback["code"], verifier, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_grant", result["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenEndpoint_Refresh_KeepsTheGrantedScopes()
    {
        using var browser = Browser();
        var (verifier, challenge) = Pkce();
        var callback = await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge);
        var tokens = await RedeemAsync(browser, callback["code"], verifier);

        var response = await PostFormAsync(browser, "/oauth2/token", new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = SesameApp.ClientId,
            ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>(),
        });
        var refreshed = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("openid email phone aws.cognito.signin.user.admin", JwtPayload(refreshed["access_token"]!.GetValue<string>())["scope"]!.GetValue<string>());
        Assert.NotNull(refreshed["id_token"]);
    }

    [Fact]
    public async Task Revoke_RefreshToken_RefreshThenRefused()
    {
        using var browser = Browser();
        var (verifier, challenge) = Pkce();
        var callback = await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge);
        var tokens = await RedeemAsync(browser, callback["code"], verifier);
        var refreshToken = tokens["refresh_token"]!.GetValue<string>();

        var revoked = await PostFormAsync(browser, "/oauth2/revoke", new() { ["client_id"] = SesameApp.ClientId, ["token"] = refreshToken });
        var refreshed = await PostFormAsync(browser, "/oauth2/token", new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = SesameApp.ClientId,
            ["refresh_token"] = refreshToken,
        });

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        Assert.Equal("invalid_grant", JsonNode.Parse(await refreshed.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Authorize_SignedInBrowser_CodeAtOnceUnlessPromptLogin()
    {
        using var browser = Browser();
        await SignInThroughPageAsync(browser, SesameApp.NewPhone(), Pkce().Challenge);

        var again = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge));
        var forced = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge, "&prompt=login"));

        Assert.StartsWith(Callback + "?code=", again.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("/login?", forced.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_PromptNoneWithoutSession_LoginRequiredAtTheCallback()
    {
        using var browser = Browser();

        var response = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge, "&prompt=none"));

        Assert.StartsWith(Callback + "?error=login_required", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("state=xyz", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallbackx")]
    [InlineData("redirect_uri=http%3A%2F%2Fevil.example%2Fcallback")]
    public async Task Authorize_UnregisteredRedirectUri_ErrorPageAndNoRedirect(string redirect)
    {
        using var browser = Browser();

        var response = await browser.GetAsync($"/oauth2/authorize?response_type=code&client_id={SesameApp.ClientId}&{redirect}&code_challenge={Pkce().Challenge}&code_challenge_method=S256");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("redirect_mismatch", html, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("&code_challenge_method=plain&code_challenge=abc", "invalid_request")]
    [InlineData("", "invalid_request")]
    public async Task Authorize_PublicClientWithoutS256_InvalidRequest(string pkce, string error)
    {
        using var browser = Browser();

        var response = await browser.GetAsync($"/oauth2/authorize?response_type=code&client_id={SesameApp.ClientId}&redirect_uri={Uri.EscapeDataString(Callback)}&state=s{pkce}");

        Assert.StartsWith($"{Callback}?error={error}", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("&response_type=token", "unsupported_response_type")]
    [InlineData("&scope=openid+admin", "invalid_scope")]
    [InlineData("&identity_provider=Google", "invalid_request")]
    public async Task Authorize_WhatIsNotServed_RefusedClearlyAtTheCallback(string extra, string error)
    {
        using var browser = Browser();
        var query = AuthorizeUrl(Pkce().Challenge).Replace("response_type=code&", extra.StartsWith("&response_type", StringComparison.Ordinal) ? "" : "response_type=code&", StringComparison.Ordinal);
        if (extra.StartsWith("&scope", StringComparison.Ordinal))
        {
            query = query.Replace("&scope=openid+email+phone+aws.cognito.signin.user.admin", "", StringComparison.Ordinal);
        }

        var response = await browser.GetAsync(query + extra);

        Assert.StartsWith($"{Callback}?error={error}", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPost_WithoutTheCsrfToken_Forbidden()
    {
        using var browser = Browser();
        var authorize = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge));
        await browser.GetAsync(authorize.Headers.Location);
        var phone = SesameApp.NewPhone();

        var response = await PostFormAsync(browser, "/login", new() { ["csrf"] = "forged", ["action"] = "start", ["login"] = phone });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_app.Outbox.For(phone));
    }

    [Fact]
    public async Task Page_Headers_FramingForbiddenCookiesHttpOnlyLax()
    {
        using var browser = Browser();
        var authorize = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge));

        var page = await browser.GetAsync(authorize.Headers.Location);

        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self' http://localhost:3000", csp, StringComparison.Ordinal);
        var cookie = page.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("code=", page.RequestMessage!.RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_AcceptLanguageFrench_FrenchLabels()
    {
        using var browser = Browser();
        var authorize = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge));
        using var request = new HttpRequestMessage(HttpMethod.Get, authorize.Headers.Location);
        request.Headers.AcceptLanguage.ParseAdd("fr-FR,fr;q=0.9,en;q=0.5");

        var html = await (await browser.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Contains("<html lang=\"fr\">", html, StringComparison.Ordinal);
        Assert.Contains("Numéro de téléphone", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_RegisteredLogoutUri_SessionEndedAndRedirected()
    {
        using var browser = Browser();
        await SignInThroughPageAsync(browser, SesameApp.NewPhone(), Pkce().Challenge);

        var logout = await browser.GetAsync($"/logout?client_id={SesameApp.ClientId}&logout_uri={Uri.EscapeDataString("http://localhost:3000/")}");
        var authorize = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge));

        Assert.Equal("http://localhost:3000/", logout.Headers.Location!.ToString());
        Assert.StartsWith("/login?", authorize.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_UnregisteredLogoutUri_ErrorPage()
    {
        using var browser = Browser();

        var logout = await browser.GetAsync($"/logout?client_id={SesameApp.ClientId}&logout_uri={Uri.EscapeDataString("https://evil.example/")}");

        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Null(logout.Headers.Location);
    }

    [Fact]
    public async Task Discovery_ListsTheEndpointsThatExistAndOnlyTheCodeResponseType()
    {
        using var client = _app.CreateClient();

        var discovery = JsonNode.Parse(await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/openid-configuration"))!;

        Assert.Equal(["code"], discovery["response_types_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "revocation_endpoint", "end_session_endpoint" })
        {
            var path = new Uri(discovery[endpoint]!.GetValue<string>()).AbsolutePath;
            var response = await client.SendAsync(new HttpRequestMessage(endpoint is "authorization_endpoint" or "end_session_endpoint" or "userinfo_endpoint" ? HttpMethod.Get : HttpMethod.Post, path));
            Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Page_CodeAfterItsLifetime_ExpiredErrorThenResendSendsANewCode()
    {
        using var browser = Browser();
        var phone = SesameApp.NewPhone();
        var authorize = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge));
        var html = await (await browser.GetAsync(authorize.Headers.Location)).Content.ReadAsStringAsync();
        var codePage = await (await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(html), ["action"] = "start", ["login"] = phone })).Content.ReadAsStringAsync();
        var code = await _app.CodeAsync(phone);
        _app.Clock.Advance(TimeSpan.FromMinutes(11));

        var expired = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(codePage), ["action"] = "answer", ["code"] = code });
        var expiredHtml = await expired.Content.ReadAsStringAsync();
        var resent = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(expiredHtml), ["action"] = "resend" });
        var resentHtml = await resent.Content.ReadAsStringAsync();
        var newCode = await _app.CodeAsync(phone, 2);
        var answered = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(resentHtml), ["action"] = "answer", ["code"] = newCode });

        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Contains("This code has expired", expiredHtml, StringComparison.Ordinal);
        Assert.Contains("We sent a new code", resentHtml, StringComparison.Ordinal);
        Assert.StartsWith(Callback + "?code=", answered.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WrongCodes_AttemptsCountDownToNone()
    {
        using var browser = Browser();
        var phone = SesameApp.NewPhone();
        var authorize = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge));
        var html = await (await browser.GetAsync(authorize.Headers.Location)).Content.ReadAsStringAsync();
        html = await (await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(html), ["action"] = "start", ["login"] = phone })).Content.ReadAsStringAsync();
        var code = await _app.CodeAsync(phone);
        var wrong = code == "000000" ? "111111" : "000000";

        var messages = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            html = await (await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(html), ["action"] = "answer", ["code"] = wrong })).Content.ReadAsStringAsync();
            messages.Add(html);
        }

        var right = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(html), ["action"] = "answer", ["code"] = code });

        Assert.Contains("Attempts left: 4", messages[0], StringComparison.Ordinal);
        Assert.Contains("Too many wrong codes", messages[4], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_ClientCredentialsWithBasicAuth_AccessTokenWithTheClientsScopes()
    {
        var created = await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "m2m",
            GenerateSecret = true,
            AllowedOAuthFlowsUserPoolClient = true,
            AllowedOAuthFlows = ClientCredentials,
            AllowedOAuthScopes = ApiScopes,
        });
        created.AssertOk();
        var clientId = created.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();
        var secret = created.Json["UserPoolClient"]!["ClientSecret"]!.GetValue<string>();
        using var client = _app.CreateClient();
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));

        var granted = await PostFormAsync(client, "/oauth2/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "api/read" }, basic);
        var wrongSecret = await PostFormAsync(client, "/oauth2/token", new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = "not-the-secret",
        });

        var tokens = JsonNode.Parse(await granted.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var access = JwtPayload(tokens["access_token"]!.GetValue<string>());
        Assert.Equal(clientId, access["sub"]!.GetValue<string>());
        Assert.Equal("api/read", access["scope"]!.GetValue<string>());
        Assert.Null(tokens["id_token"]);
        Assert.Null(tokens["refresh_token"]);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal("invalid_client", JsonNode.Parse(await wrongSecret.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    internal static JsonNode JwtPayload(string jwt) => JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]))!;

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfPattern();
}
