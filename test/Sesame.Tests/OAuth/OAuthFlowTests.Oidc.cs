using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.OAuth;

/// <summary>OpenID Connect's max_age and ui_locales, the page session ended on the server, and accounts that need a next step.</summary>
public sealed partial class OAuthFlowTests
{
    private const string SessionCookie = "sesame-session";

    private static string CookieValue(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    /// <summary>The page's phone step posted, then the code step; returns the response to the code.</summary>
    private async Task<HttpResponseMessage> AnswerOnPageAsync(HttpClient browser, string login, string authorizeUrl, string? codeFor = null)
    {
        var page = await browser.GetAsync((await browser.GetAsync(authorizeUrl)).Headers.Location);
        var before = _app.Outbox.For(codeFor ?? login).Count;
        var sent = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(await page.Content.ReadAsStringAsync()), ["action"] = "start", ["login"] = login });
        var codePage = await sent.Content.ReadAsStringAsync();
        Assert.Contains("autocomplete=\"one-time-code\"", codePage, StringComparison.Ordinal);
        var code = await _app.CodeAsync(codeFor ?? login, before + 1);
        return await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(codePage), ["action"] = "answer", ["code"] = code });
    }

    [Fact]
    public async Task Authorize_MaxAge_SessionOlderThanItSignsInAgainAndTheIdTokenHasAuthTime()
    {
        using var browser = Browser();
        var signedInAt = _app.Clock.GetUtcNow().ToUnixTimeSeconds();
        await SignInThroughPageAsync(browser, SesameApp.NewPhone(), Pkce().Challenge);
        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        var (verifier, challenge) = Pkce();

        var recent = await browser.GetAsync(AuthorizeUrl(challenge, "&max_age=300"));
        var tooOld = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge, "&max_age=60"));
        var malformed = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge, "&max_age=-1"));

        var code = QueryHelpers.ParseQuery(recent.Headers.Location!.Query)["code"].ToString();
        var id = JwtPayload((await RedeemAsync(browser, code, verifier))["id_token"]!.GetValue<string>());
        Assert.Equal(signedInAt, id["auth_time"]!.GetValue<long>());
        Assert.StartsWith("/login?", tooOld.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith(Callback + "?error=invalid_request", malformed.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("&ui_locales=de+fr-CA+en", "fr")]
    [InlineData("&ui_locales=fr&lang=en", "en")]
    [InlineData("&ui_locales=de", "en")]
    public async Task Page_UiLocales_FirstSupportedUnlessLangSaysOtherwise(string extra, string expected)
    {
        using var browser = Browser();
        var authorize = await browser.GetAsync(AuthorizeUrl(Pkce().Challenge, extra));

        var html = await (await browser.GetAsync(authorize.Headers.Location)).Content.ReadAsStringAsync();

        Assert.Contains($"<html lang=\"{expected}\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_EndsThePageSessionOnTheServer_AKeptCookieAsksForTheCodeAgain()
    {
        using var browser = Browser();
        var answered = await AnswerOnPageAsync(browser, SesameApp.NewPhone(), AuthorizeUrl(Pkce().Challenge));
        var kept = CookieValue(answered, SessionCookie);
        using var replayer = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        async Task<string> AuthorizeWithKeptCookieAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AuthorizeUrl(Pkce().Challenge));
            request.Headers.Add("Cookie", $"{SessionCookie}={kept}");
            return (await replayer.SendAsync(request)).Headers.Location!.ToString();
        }

        var before = await AuthorizeWithKeptCookieAsync();
        await browser.GetAsync($"/logout?client_id={SesameApp.ClientId}&logout_uri={Uri.EscapeDataString("http://localhost:3000/")}");
        var after = await AuthorizeWithKeptCookieAsync();

        Assert.StartsWith(Callback + "?code=", before, StringComparison.Ordinal);
        Assert.StartsWith("/login?", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_TemporaryPassword_CodeThenChooseAPasswordThenSignedIn()
    {
        var phone = SesameApp.NewPhone();
        (await _app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = phone, TemporaryPassword = "Temporary-123", MessageAction = "SUPPRESS",
            UserAttributes = new[] { new { Name = "phone_number", Value = phone }, new { Name = "phone_number_verified", Value = "true" } },
        })).AssertOk();
        using var browser = Browser();

        var answered = await AnswerOnPageAsync(browser, phone, AuthorizeUrl(Pkce().Challenge));
        var passwordPage = await answered.Content.ReadAsStringAsync();
        var tooShort = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(passwordPage), ["action"] = "password", ["password"] = "short" });
        var tooShortPage = await tooShort.Content.ReadAsStringAsync();
        var saved = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(tooShortPage), ["action"] = "password", ["password"] = "A-new-password-42" });

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("<label for=\"password\">New password</label>", passwordPage, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"new-password\"", passwordPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("Use at least 8 characters", tooShortPage, StringComparison.Ordinal);
        Assert.StartsWith(Callback + "?code=", saved.Headers.Location!.ToString(), StringComparison.Ordinal);
        var user = await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = phone });
        Assert.Equal("CONFIRMED", user.Json["UserStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Page_UnconfirmedUserWhereSignUpIsClosed_ConfirmationCodeThenSignedIn()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-unconfirmed-" + Guid.NewGuid().ToString("N"));
        var phone = SesameApp.NewPhone();
        try
        {
            using (var open = new SesameApp(dataDir: dataDir))
            {
                (await open.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();
            }

            using var closed = new SesameApp(new() { [$"Sesame:UserPools:{SesameApp.PoolId}:AllowAdminCreateUserOnly"] = "true" }, dataDir: dataDir);
            using var browser = closed.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            var page = await browser.GetAsync((await browser.GetAsync(AuthorizeUrl(Pkce().Challenge))).Headers.Location);
            var before = closed.Outbox.For(phone).Count;
            var sent = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(await page.Content.ReadAsStringAsync()), ["action"] = "start", ["login"] = phone });
            var codePage = await sent.Content.ReadAsStringAsync();
            var code = await closed.CodeAsync(phone, before + 1);
            var answered = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(codePage), ["action"] = "answer", ["code"] = code });

            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.StartsWith(Callback + "?code=", answered.Headers.Location!.ToString(), StringComparison.Ordinal);
            var user = await closed.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = phone });
            Assert.Equal("CONFIRMED", user.Json["UserStatus"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Logout_PostLogoutRedirectWithIdTokenHintOnly_ClientFromTheHintAndStateBack()
    {
        using var browser = Browser();
        var (verifier, challenge) = Pkce();
        var callback = await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge);
        var idToken = (await RedeemAsync(browser, callback["code"], verifier))["id_token"]!.GetValue<string>();

        var registered = await browser.GetAsync(
            $"/logout?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString("http://localhost:3000/signed-out")}&state=s1");
        var unregistered = await browser.GetAsync(
            $"/logout?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}");

        Assert.Equal("http://localhost:3000/signed-out?state=s1", registered.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.StatusCode);
        Assert.Null(unregistered.Headers.Location);
    }
}
