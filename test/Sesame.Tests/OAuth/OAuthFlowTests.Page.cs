using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Storage;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.OAuth;

/// <summary>The page's promises that no happy path shows: failures, production cookies, branding, logs, and the code's bindings.</summary>
public sealed partial class OAuthFlowTests
{
    private static readonly string[] TokenNames = ["id_token", "access_token", "refresh_token"];
    private static readonly string[] CodeFlow = ["code"];
    private static readonly string[] OpenIdPhone = ["openid", "phone"];
    private static readonly string[] Callbacks = [Callback];

    [Fact]
    public async Task Page_StoreFailsWhileSigningIn_PlainErrorPageWithoutAStackTrace()
    {
        // In Development ASP.NET Core answers an unhandled exception with its exception page (type, message, stack).
        using var app = new SesameApp(services: services => services.AddSingleton<IOAuthGrantStore, FailingGrantStore>());
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var phone = SesameApp.NewPhone();
        var page = await browser.GetAsync((await browser.GetAsync(AuthorizeUrl(Pkce().Challenge))).Headers.Location);
        var codePage = await (await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(await page.Content.ReadAsStringAsync()), ["action"] = "start", ["login"] = phone }))
            .Content.ReadAsStringAsync();
        var code = await app.CodeAsync(phone);

        var failed = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(codePage), ["action"] = "answer", ["code"] = code });
        var html = await failed.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("text/html", failed.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", failed.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("FailingGrantStore", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_OutsideDevelopment_CookiesSecureHttpOnlyLax()
    {
        const string pool = SesameApp.PoolId;
        using var app = new SesameApp(new()
        {
            ["environment"] = "Production",
            ["Sesame:Passwords:Pbkdf2Iterations"] = "600000",
            ["Sesame:Passwords:Argon2MemoryKiB"] = "19456",
            ["Sesame:Passwords:Argon2Iterations"] = "2",
            ["Sesame:PublicOrigin"] = "https://auth.example.com",
            [$"Sesame:UserPools:{pool}:Clients:webclient:AllowedOAuthFlowsUserPoolClient"] = "true",
            [$"Sesame:UserPools:{pool}:Clients:webclient:AllowedOAuthFlows:0"] = "code",
            [$"Sesame:UserPools:{pool}:Clients:webclient:AllowedOAuthScopes:0"] = "openid",
            [$"Sesame:UserPools:{pool}:Clients:webclient:CallbackURLs:0"] = "https://app.example.com/callback",
        });
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await browser.GetAsync($"/login?response_type=code&client_id=webclient&redirect_uri={Uri.EscapeDataString("https://app.example.com/callback")}"
            + $"&code_challenge={Pkce().Challenge}&code_challenge_method=S256");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookie = page.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("sesame-signin=", cookie, StringComparison.Ordinal);
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Page_ClientBranding_NameLogoAndColourOnThePageAndTheLogoAllowedByTheCsp()
    {
        const string root = $"Sesame:UserPools:{SesameApp.PoolId}:Clients:{SesameApp.ClientId}:Branding";
        using var app = new SesameApp(new()
        {
            [$"{root}:DisplayName"] = "Example <Shop>",
            [$"{root}:LogoUrl"] = "https://cdn.example.com/logo.png",
            [$"{root}:PrimaryColor"] = "#0b5d3b",
        });
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var page = await browser.GetAsync((await browser.GetAsync(AuthorizeUrl(Pkce().Challenge))).Headers.Location);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains("<p class=\"brand\">Example &lt;Shop&gt;</p>", html, StringComparison.Ordinal);
        Assert.Contains("<title>Sign in – Example &lt;Shop&gt;</title>", html, StringComparison.Ordinal);
        Assert.Contains("<img class=\"logo\" src=\"https://cdn.example.com/logo.png\"", html, StringComparison.Ordinal);
        Assert.Contains("--primary:#0b5d3b;", html, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' https://cdn.example.com;", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WholeFlowAtTrace_NoCodeCookieTokenOrPhoneNumberInTheLogsOrInAnyPageUrl()
    {
        var logs = new CollectingLogs();
        using var app = new SesameApp(new() { ["Logging:LogLevel:Default"] = "Trace" }, services => services.AddSingleton<ILoggerProvider>(logs));
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var phone = SesameApp.NewPhone();
        var (verifier, challenge) = Pkce();
        var visited = new List<string>();
        var secrets = new List<string>();

        var authorize = await browser.GetAsync(AuthorizeUrl(challenge));
        visited.Add(authorize.Headers.Location!.ToString());
        var page = await browser.GetAsync(authorize.Headers.Location);
        secrets.Add(CookieValue(page, "sesame-signin"));
        var codePage = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(await page.Content.ReadAsStringAsync()), ["action"] = "start", ["login"] = phone });
        var codeHtml = await codePage.Content.ReadAsStringAsync();
        secrets.Add(CookieValue(codePage, "sesame-signin"));
        var code = await app.CodeAsync(phone);
        secrets.Add(code);
        var wrongCode = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(codeHtml), ["action"] = "answer", ["code"] = code == "000001" ? "000002" : "000001" });
        var answered = await PostFormAsync(browser, "/login", new() { ["csrf"] = Csrf(await wrongCode.Content.ReadAsStringAsync()), ["action"] = "answer", ["code"] = code });
        secrets.Add(CookieValue(answered, "sesame-session"));
        var callback = QueryHelpers.ParseQuery(answered.Headers.Location!.Query);
        secrets.Add(callback["code"].ToString());
        var tokens = await RedeemAsync(browser, callback["code"].ToString(), verifier);
        secrets.AddRange(TokenNames.Select(n => tokens[n]!.GetValue<string>()));
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/oauth2/userInfo"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens["access_token"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(request)).StatusCode);
        }

        var logout = await browser.GetAsync($"/logout?client_id={SesameApp.ClientId}");
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);

        var lines = logs.Lines.ToList();
        Assert.NotEmpty(lines);
        foreach (var secret in secrets.Distinct())
        {
            var hits = lines.Where(l => secret.Length <= 8
                ? System.Text.RegularExpressions.Regex.IsMatch(l, $@"(?<![0-9]){secret}(?![0-9])")
                : l.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(hits.Count == 0, $"a secret ({secret.Length} characters) appears in the logs:\n{string.Join('\n', hits)}");
        }

        Assert.DoesNotContain(lines, l => l.Contains(phone, StringComparison.Ordinal) || l.Contains(phone[1..], StringComparison.Ordinal));
        // The page's own URLs (every GET the browser made to Sesame) carry no code, session or phone number.
        Assert.All(visited, url => Assert.DoesNotContain(code, url, StringComparison.Ordinal));
        Assert.All(visited, url => Assert.DoesNotContain(phone[1..], url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenEndpoint_ConfidentialClientWithClientSecretPost_CodeWithoutPkceRedeemedOnlyWithTheSecret()
    {
        var created = await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "web-backend",
            GenerateSecret = true,
            AllowedOAuthFlowsUserPoolClient = true,
            AllowedOAuthFlows = CodeFlow,
            AllowedOAuthScopes = OpenIdPhone,
            CallbackURLs = Callbacks,
        });
        created.AssertOk();
        var clientId = created.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();
        var secret = created.Json["UserPoolClient"]!["ClientSecret"]!.GetValue<string>();
        using var browser = Browser();
        var phone = SesameApp.NewPhone();

        // No code_challenge: a client with a secret may leave PKCE out (Cognito's rule).
        var answered = await AnswerOnPageAsync(browser, phone,
            $"/oauth2/authorize?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString(Callback)}&scope=openid+phone&state=s2");
        var code = QueryHelpers.ParseQuery(answered.Headers.Location!.Query)["code"].ToString();
        Dictionary<string, string> Form(string? clientSecret) => new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = clientId, ["code"] = code, ["redirect_uri"] = Callback,
            ["client_secret"] = clientSecret ?? string.Empty,
        };

        var withoutSecret = await PostFormAsync(browser, "/oauth2/token", Form(null));
        var wrongSecret = await PostFormAsync(browser, "/oauth2/token", Form("not-the-secret"));
        var granted = await PostFormAsync(browser, "/oauth2/token", Form(secret));

        Assert.Equal(HttpStatusCode.Unauthorized, withoutSecret.StatusCode);
        Assert.Equal("invalid_client", JsonNode.Parse(await wrongSecret.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var tokens = JsonNode.Parse(await granted.Content.ReadAsStringAsync())!;
        Assert.Equal(phone, JwtPayload(tokens["id_token"]!.GetValue<string>())["phone_number"]!.GetValue<string>());
        Assert.Equal(clientId, JwtPayload(tokens["access_token"]!.GetValue<string>())["client_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenEndpoint_CodeShownToAnotherClientOrRedirectUri_InvalidGrantAndSpent()
    {
        using var browser = Browser();
        var (verifier, challenge) = Pkce();
        var first = (await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge))["code"];
        // Signed in on the page: the next authorization gets its code at once.
        var second = QueryHelpers.ParseQuery((await browser.GetAsync(AuthorizeUrl(challenge))).Headers.Location!.Query)["code"].ToString();
        var other = await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId, ClientName = "other-spa", AllowedOAuthFlowsUserPoolClient = true,
            AllowedOAuthFlows = CodeFlow, AllowedOAuthScopes = OpenIdPhone, CallbackURLs = Callbacks,
        });
        other.AssertOk();
        async Task<string> RedeemAsync(string code, string clientId, string redirectUri)
        {
            var response = await PostFormAsync(browser, "/oauth2/token", new()
            {
                ["grant_type"] = "authorization_code", ["client_id"] = clientId, ["code"] = code, ["redirect_uri"] = redirectUri, ["code_verifier"] = verifier,
            });
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]?.GetValue<string>() ?? "ok";
        }

        Assert.Equal("invalid_grant", await RedeemAsync(first, other.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>(), Callback));
        Assert.Equal("invalid_grant", await RedeemAsync(first, SesameApp.ClientId, Callback));
        Assert.Equal("invalid_grant", await RedeemAsync(second, SesameApp.ClientId, "http://localhost:3000/"));
        Assert.Equal("invalid_grant", await RedeemAsync(second, SesameApp.ClientId, Callback));
    }

    [Fact]
    public async Task TokenEndpoint_CodeJustInsideFiveMinutes_Redeemed()
    {
        using var browser = Browser();
        var (verifier, challenge) = Pkce();
        var callback = await SignInThroughPageAsync(browser, SesameApp.NewPhone(), challenge);
        _app.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        var tokens = await RedeemAsync(browser, callback["code"], verifier);

        Assert.NotNull(tokens["access_token"]);
    }

    [Fact]
    public async Task Discovery_NamesExactlyTheGrantsMethodsPromptsAndLanguagesServed()
    {
        using var client = _app.CreateClient();

        var discovery = JsonNode.Parse(await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/openid-configuration"))!.AsObject();
        string[] Values(string name) => [.. discovery[name]!.AsArray().Select(n => n!.GetValue<string>())];

        Assert.Equal(["authorization_code", "refresh_token", "client_credentials"], Values("grant_types_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Values("token_endpoint_auth_methods_supported"));
        Assert.Equal(["S256"], Values("code_challenge_methods_supported"));
        Assert.Equal(["query"], Values("response_modes_supported"));
        Assert.Equal(Sesame.OAuth.HostedPage.Languages, Values("ui_locales_supported"));
        Assert.Equal(["none", "login", "select_account", "consent"], Values("prompt_values_supported"));
        Assert.False(discovery["request_parameter_supported"]!.GetValue<bool>());
        Assert.False(discovery["claims_parameter_supported"]!.GetValue<bool>());
        // Nothing advertised that Sesame does not serve (registration, device flow, PAR, introspection, front/back-channel logout).
        Assert.DoesNotContain(discovery, p => p.Key is "registration_endpoint" or "device_authorization_endpoint" or "pushed_authorization_request_endpoint"
            or "introspection_endpoint" or "frontchannel_logout_supported" or "backchannel_logout_supported" or "check_session_iframe");
        using var unsupportedGrant = await PostFormAsync(client, "/oauth2/token", new() { ["grant_type"] = "password", ["client_id"] = SesameApp.ClientId });
        Assert.Equal("unsupported_grant_type", JsonNode.Parse(await unsupportedGrant.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ErrorPages_AcceptLanguageFrench_RefusalsInFrench()
    {
        using var browser = Browser();
        async Task<string> FrenchAsync(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.AcceptLanguage.ParseAdd("fr-FR");
            var response = await browser.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }

        var mismatch = await FrenchAsync($"/oauth2/authorize?response_type=code&client_id={SesameApp.ClientId}&redirect_uri=https%3A%2F%2Fevil.example%2F");
        var unknown = await FrenchAsync("/login?response_type=code&client_id=nosuchclient");
        var logout = await FrenchAsync($"/logout?client_id={SesameApp.ClientId}&logout_uri=https%3A%2F%2Fevil.example%2F");

        Assert.Contains("<html lang=\"fr\">", mismatch, StringComparison.Ordinal);
        Assert.Contains("redirect_mismatch : la redirect_uri ne fait pas partie des URL de rappel", mismatch, StringComparison.Ordinal);
        Assert.Contains("le client_id est absent ou inconnu", unknown, StringComparison.Ordinal);
        Assert.Contains("Le paramètre logout_uri ne fait pas partie des URL de déconnexion", logout, StringComparison.Ordinal);
    }

    [Fact]
    public void PageStrings_EveryLanguage_HasEveryEnglishString()
    {
        static HashSet<string> Keys(string lang) => [.. System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryFiles.Root(), "src", "Sesame", "OAuth", $"PageStrings_{lang}.resx"))
            .Root!.Elements("data").Select(d => d.Attribute("name")!.Value)];
        var english = Keys("en");

        Assert.True(english.Count > 40, $"{english.Count} strings");
        foreach (var lang in Sesame.OAuth.HostedPage.Languages)
        {
            Assert.Equal(english.Order(StringComparer.Ordinal), Keys(lang).Order(StringComparer.Ordinal));
        }
    }

    /// <summary>An OAuth grant store whose every call fails, as a store with a bug (or a disk gone) would.</summary>
    private sealed class FailingGrantStore : IOAuthGrantStore
    {
        private static InvalidOperationException Failure() => new("FailingGrantStore: the store failed");

        public ValueTask SaveCodeAsync(AuthorizationCodeRecord code, DateTimeOffset now, CancellationToken cancellationToken) => throw Failure();

        public ValueTask<(CodeRedemption Outcome, AuthorizationCodeRecord? Code)> RedeemAsync(
            byte[] codeHash, DateTimeOffset now, DateTimeOffset grantExpiresAt, CancellationToken cancellationToken) => throw Failure();

        public ValueTask<bool> IsReplayedAsync(byte[] codeHash, CancellationToken cancellationToken) => throw Failure();

        public ValueTask<string?> FindScopeAsync(string originJti, CancellationToken cancellationToken) => throw Failure();

        public ValueTask SavePageSessionAsync(byte[] sessionHash, string poolId, string username, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw Failure();

        public ValueTask<bool> IsPageSessionLiveAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken) => throw Failure();

        public ValueTask EndPageSessionAsync(byte[] sessionHash, CancellationToken cancellationToken) => throw Failure();
    }
}
