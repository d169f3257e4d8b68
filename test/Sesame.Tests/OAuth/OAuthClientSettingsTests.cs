using System.Text.Json.Nodes;
using Sesame.Configuration;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.OAuth;

public sealed class OAuthClientSettingsTests : IDisposable
{
    private static readonly string[] Code = ["code"];
    private static readonly string[] ClientCredentials = ["client_credentials"];
    private static readonly string[] OpenIdEmail = ["openid", "email"];
    private static readonly string[] Callback = ["https://app.example.com/callback"];
    private static readonly string[] Logout = ["https://app.example.com/"];
    private static readonly string[] ApiRead = ["api/read"];
    private static readonly string[] CodeAndClientCredentials = ["code", "client_credentials"];
    private static readonly string[] UnknownScope = ["openid", "everything"];

    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private static string[] Strings(JsonNode? node) => [.. node!.AsArray().Select(n => n!.GetValue<string>())];

    [Fact]
    public async Task DescribeUserPoolClient_DevelopmentClient_CodeFlowWithDevelopmentScopesAndCallback()
    {
        var response = await _app.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = SesameApp.PoolId, SesameApp.ClientId });

        response.AssertOk();
        var client = response.Json["UserPoolClient"]!;
        Assert.True(client["AllowedOAuthFlowsUserPoolClient"]!.GetValue<bool>());
        Assert.Equal(Code, Strings(client["AllowedOAuthFlows"]));
        Assert.Equal(["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"], Strings(client["AllowedOAuthScopes"]));
        Assert.Contains("http://localhost:3000/callback", Strings(client["CallbackURLs"]));
        Assert.Equal(["COGNITO"], Strings(client["SupportedIdentityProviders"]));
    }

    [Fact]
    public async Task CreateUserPoolClient_OAuthMembers_DescribedBackAsCreated()
    {
        var created = await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "web",
            AllowedOAuthFlowsUserPoolClient = true,
            AllowedOAuthFlows = Code,
            AllowedOAuthScopes = OpenIdEmail,
            CallbackURLs = Callback,
            LogoutURLs = Logout,
            DefaultRedirectURI = Callback[0],
        });
        created.AssertOk();
        var clientId = created.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();

        var described = (await _app.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = SesameApp.PoolId, ClientId = clientId })).Json["UserPoolClient"]!;

        Assert.True(described["AllowedOAuthFlowsUserPoolClient"]!.GetValue<bool>());
        Assert.Equal(Code, Strings(described["AllowedOAuthFlows"]));
        Assert.Equal(OpenIdEmail, Strings(described["AllowedOAuthScopes"]));
        Assert.Equal(Callback, Strings(described["CallbackURLs"]));
        Assert.Equal(Logout, Strings(described["LogoutURLs"]));
        Assert.Equal(Callback[0], described["DefaultRedirectURI"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateUserPoolClient_NoOAuthMembers_OAuthOffAndListsLeftOut()
    {
        var created = await _app.AdminCallAsync("CreateUserPoolClient", new { UserPoolId = SesameApp.PoolId, ClientName = "plain" });

        created.AssertOk();
        var client = created.Json["UserPoolClient"]!;
        Assert.False(client["AllowedOAuthFlowsUserPoolClient"]!.GetValue<bool>());
        Assert.Null(client["AllowedOAuthFlows"]);
        Assert.Null(client["CallbackURLs"]);
    }

    [Fact]
    public async Task CreateUserPoolClient_ClientCredentialsWithoutSecret_InvalidOAuthFlowException()
    {
        (await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "m2m",
            AllowedOAuthFlowsUserPoolClient = true,
            AllowedOAuthFlows = ClientCredentials,
            AllowedOAuthScopes = ApiRead,
        })).AssertError("InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret.");
    }

    [Fact]
    public async Task CreateUserPoolClient_ClientCredentialsWithCode_InvalidOAuthFlowException()
    {
        (await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "mixed",
            GenerateSecret = true,
            AllowedOAuthFlows = CodeAndClientCredentials,
        })).AssertError("InvalidOAuthFlowException");
    }

    [Fact]
    public async Task CreateUserPoolClient_UnknownScope_ScopeDoesNotExistException()
    {
        (await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "web",
            AllowedOAuthScopes = UnknownScope,
        })).AssertError("ScopeDoesNotExistException", "Invalid scope requested: everything");
    }

    [Theory]
    [InlineData("http://app.example.com/callback")]
    [InlineData("https://app.example.com/callback#fragment")]
    [InlineData("/callback")]
    [InlineData("javascript:alert(1)")]
    public async Task CreateUserPoolClient_CallbackNotARedirectTarget_InvalidParameterException(string url)
    {
        (await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "web",
            CallbackURLs = new[] { url },
        })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task CreateUserPoolClient_OAuthAllowedWithoutFlows_InvalidParameterException()
    {
        (await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "web",
            AllowedOAuthFlowsUserPoolClient = true,
        })).AssertError("InvalidParameterException",
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.");
    }

    [Fact]
    public async Task CreateUserPoolClient_OAuthMembers_KeptAcrossRestart()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            string clientId;
            using (var first = new SesameApp(dataDir: dataDir))
            {
                var created = await first.AdminCallAsync("CreateUserPoolClient", new
                {
                    UserPoolId = SesameApp.PoolId,
                    ClientName = "web",
                    AllowedOAuthFlowsUserPoolClient = true,
                    AllowedOAuthFlows = Code,
                    AllowedOAuthScopes = OpenIdEmail,
                    CallbackURLs = Callback,
                });
                created.AssertOk();
                clientId = created.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();
            }

            using var second = new SesameApp(dataDir: dataDir);
            var described = (await second.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = SesameApp.PoolId, ClientId = clientId })).Json["UserPoolClient"]!;
            Assert.Equal(Callback, Strings(described["CallbackURLs"]));
            Assert.True(described["AllowedOAuthFlowsUserPoolClient"]!.GetValue<bool>());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("#1f5fbf", true)]
    [InlineData("#000000", true)]
    [InlineData("#ffcc00", false)]
    [InlineData("blue", false)]
    public void PrimaryColor_ContrastWithWhiteText_AcceptedOnlyAtWcagAA(string colour, bool accepted)
    {
        var options = new SesameOptions();
        var pool = new UserPoolOptions();
        pool.Clients["client1"] = new AppClientOptions { Branding = { PrimaryColor = colour } };
        options.UserPools["us-east-1_Test"] = pool;

        var result = new SesameOptionsValidator().Validate(null, options);

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Contains("Branding:PrimaryColor", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ConfiguredClient_HttpCallbackOnAPublicHost_RefusedNamingTheSetting()
    {
        var options = new SesameOptions();
        var pool = new UserPoolOptions();
        pool.Clients["client1"] = new AppClientOptions { CallbackURLs = ["http://app.example.com/cb"] };
        options.UserPools["us-east-1_Test"] = pool;

        var result = new SesameOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        Assert.Contains("Sesame:UserPools:us-east-1_Test:Clients:client1: CallbackURLs", result.FailureMessage, StringComparison.Ordinal);
    }
}
