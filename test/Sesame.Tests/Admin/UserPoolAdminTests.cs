using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Admin;

public sealed partial class UserPoolAdminTests : IDisposable
{
    private static readonly string[] CustomAndRefresh = ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
    private static readonly string[] LegacyFlow = ["CUSTOM_AUTH_FLOW_ONLY"];
    private static readonly string[] PhoneAndEmail = ["phone_number", "email"];
    private static readonly string[] Nickname = ["nickname"];

    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private static async Task<JsonNode> CreatePoolAsync(SesameApp app, string name = "My pool", string region = "us-east-1")
    {
        var response = await app.SignedCallAsync("CreateUserPool",
            new { PoolName = name, UsernameAttributes = PhoneAndEmail, Policies = new { PasswordPolicy = new { MinimumLength = 10 } } },
            AdminApi.KeyId, AdminApi.Secret, region: region);
        response.AssertOk();
        return response.Json["UserPool"]!;
    }

    private static async Task<JsonNode> CreateClientAsync(SesameApp app, string poolId, bool secret)
    {
        var response = await app.AdminCallAsync("CreateUserPoolClient",
            new { UserPoolId = poolId, ClientName = "web", GenerateSecret = secret, ExplicitAuthFlows = CustomAndRefresh });
        response.AssertOk();
        return response.Json["UserPoolClient"]!;
    }

    private static string SecretHash(string secret, string username, string clientId) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username + clientId)));

    [Fact]
    public async Task CreateUserPool_SignedForEuWest1_IdInCognitoFormatWithThatRegion()
    {
        var pool = await CreatePoolAsync(_app, region: "eu-west-1");

        Assert.Matches(PoolIdPattern(), pool["Id"]!.GetValue<string>());
        Assert.StartsWith("eu-west-1_", pool["Id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("My pool", pool["Name"]!.GetValue<string>());
        Assert.Equal($"arn:aws:cognito-idp:eu-west-1:000000000000:userpool/{pool["Id"]}", pool["Arn"]!.GetValue<string>());
        Assert.Equal(_app.Clock.GetUtcNow().ToUnixTimeSeconds(), pool["CreationDate"]!.GetValue<double>());
        Assert.Equal(10, pool["Policies"]!["PasswordPolicy"]!["MinimumLength"]!.GetValue<int>());
        Assert.Equal(0, pool["EstimatedNumberOfUsers"]!.GetValue<long>());
    }

    [Fact]
    public async Task CreateUserPool_NewPool_JwksServedAtOnce()
    {
        var poolId = (await CreatePoolAsync(_app))["Id"]!.GetValue<string>();

        using var client = _app.CreateClient();
        var jwks = JsonNode.Parse(await client.GetStringAsync($"/{poolId}/.well-known/jwks.json"))!;

        Assert.Equal(2, jwks["keys"]!.AsArray().Count);
    }

    [Fact]
    public async Task CreateUserPool_NoName_InvalidParameterException()
    {
        (await _app.AdminCallAsync("CreateUserPool", new { })).AssertError("InvalidParameterException",
            "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null");
    }

    [Fact]
    public async Task CreateUserPool_UnknownUsernameAttribute_InvalidParameterException()
    {
        (await _app.AdminCallAsync("CreateUserPool", new { PoolName = "x", UsernameAttributes = Nickname }))
            .AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task DescribeUserPool_ConfiguredPool_DescribedWithoutDates()
    {
        var response = await _app.AdminCallAsync("DescribeUserPool", new { UserPoolId = SesameApp.PoolId });

        response.AssertOk();
        var pool = response.Json["UserPool"]!;
        Assert.Equal(SesameApp.PoolId, pool["Id"]!.GetValue<string>());
        Assert.Equal(["phone_number", "email"], pool["UsernameAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Null(pool["CreationDate"]);
    }

    [Fact]
    public async Task DescribeUserPool_UnknownPool_ResourceNotFoundException()
    {
        (await _app.AdminCallAsync("DescribeUserPool", new { UserPoolId = "us-east-1_Unknown12" }))
            .AssertError("ResourceNotFoundException", "User pool us-east-1_Unknown12 does not exist.");
    }

    [Fact]
    public async Task ListUserPools_PagesOfOne_ConfiguredFirstThenCreated()
    {
        var created = (await CreatePoolAsync(_app, "second"))["Id"]!.GetValue<string>();

        var first = await _app.AdminCallAsync("ListUserPools", new { MaxResults = 1 });
        first.AssertOk();
        var second = await _app.AdminCallAsync("ListUserPools", new { MaxResults = 1, NextToken = first.Json["NextToken"]!.GetValue<string>() });
        second.AssertOk();

        Assert.Equal(SesameApp.PoolId, first.Json["UserPools"]![0]!["Id"]!.GetValue<string>());
        Assert.Equal(created, second.Json["UserPools"]![0]!["Id"]!.GetValue<string>());
        Assert.Null(second.Json["NextToken"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(61)]
    public async Task ListUserPools_MaxResultsOutOfRange_InvalidParameterException(int max)
    {
        (await _app.AdminCallAsync("ListUserPools", new { MaxResults = max })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task CreateUserPoolClient_GenerateSecret_CognitoFormatsAndDescribedTheSame()
    {
        var poolId = (await CreatePoolAsync(_app))["Id"]!.GetValue<string>();

        var client = await CreateClientAsync(_app, poolId, secret: true);

        var clientId = client["ClientId"]!.GetValue<string>();
        Assert.Matches(ClientIdPattern(), clientId);
        Assert.Matches(SecretPattern(), client["ClientSecret"]!.GetValue<string>());
        Assert.Equal(CustomAndRefresh, client["ExplicitAuthFlows"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(60, client["AccessTokenValidity"]!.GetValue<long>());
        Assert.Equal(30, client["RefreshTokenValidity"]!.GetValue<long>());
        Assert.Equal("days", client["TokenValidityUnits"]!["RefreshToken"]!.GetValue<string>());

        var described = await _app.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = poolId, ClientId = clientId });
        described.AssertOk();
        Assert.Equal(client.ToJsonString(), described.Json["UserPoolClient"]!.ToJsonString());
    }

    [Fact]
    public async Task CreateUserPoolClient_NoSecret_NoClientSecretMember()
    {
        var client = await CreateClientAsync(_app, SesameApp.PoolId, secret: false);

        Assert.Null(client["ClientSecret"]);
        Assert.Equal(SesameApp.PoolId, client["UserPoolId"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateUserPoolClient_TokenValidityInUnits_Applied()
    {
        var response = await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "short",
            AccessTokenValidity = 10,
            IdTokenValidity = 2,
            RefreshTokenValidity = 90,
            TokenValidityUnits = new { AccessToken = "minutes", IdToken = "hours", RefreshToken = "minutes" },
            AuthSessionValidity = 5,
        });

        response.AssertOk();
        var client = response.Json["UserPoolClient"]!;
        Assert.Equal(10, client["AccessTokenValidity"]!.GetValue<long>());
        Assert.Equal(120, client["IdTokenValidity"]!.GetValue<long>());
        Assert.Equal(90, client["RefreshTokenValidity"]!.GetValue<long>());
        Assert.Equal(5, client["AuthSessionValidity"]!.GetValue<int>());
    }

    [Fact]
    public async Task CreateUserPoolClient_AccessTokenValidityTooShort_InvalidParameterException()
    {
        (await _app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientName = "x",
            AccessTokenValidity = 1,
            TokenValidityUnits = new { AccessToken = "minutes" },
        })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task CreateUserPoolClient_LegacyFlowName_InvalidParameterException()
    {
        (await _app.AdminCallAsync("CreateUserPoolClient", new { UserPoolId = SesameApp.PoolId, ClientName = "x", ExplicitAuthFlows = LegacyFlow }))
            .AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task CreateUserPoolClient_UnknownPool_ResourceNotFoundException()
    {
        (await _app.AdminCallAsync("CreateUserPoolClient", new { UserPoolId = "us-east-1_Unknown12", ClientName = "x" }))
            .AssertError("ResourceNotFoundException");
    }

    [Fact]
    public async Task DescribeUserPoolClient_ClientOfAnotherPool_ResourceNotFoundException()
    {
        var poolId = (await CreatePoolAsync(_app))["Id"]!.GetValue<string>();

        (await _app.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = poolId, SesameApp.ClientId }))
            .AssertError("ResourceNotFoundException", $"User pool client {SesameApp.ClientId} does not exist.");
    }

    [Fact]
    public async Task SignUp_ClientWithSecretWithoutSecretHash_NotAuthorized()
    {
        var client = await CreateClientAsync(_app, SesameApp.PoolId, secret: true);
        var clientId = client["ClientId"]!.GetValue<string>();

        (await _app.CallAsync("SignUp", new { ClientId = clientId, Username = SesameApp.NewPhone() }))
            .AssertError("NotAuthorizedException", $"Unable to verify secret hash for client {clientId}");
    }

    [Fact]
    public async Task SignUp_ClientWithSecretWrongSecretHash_NotAuthorized()
    {
        var client = await CreateClientAsync(_app, SesameApp.PoolId, secret: true);
        var clientId = client["ClientId"]!.GetValue<string>();
        var phone = SesameApp.NewPhone();

        (await _app.CallAsync("SignUp", new { ClientId = clientId, Username = phone, SecretHash = SecretHash("wrong-secret-0123456789", phone, clientId) }))
            .AssertError("NotAuthorizedException");
    }

    [Fact]
    public async Task CustomAuth_ClientWithSecretAndRightSecretHash_SignsIn()
    {
        var client = await CreateClientAsync(_app, SesameApp.PoolId, secret: true);
        var (clientId, secret) = (client["ClientId"]!.GetValue<string>(), client["ClientSecret"]!.GetValue<string>());
        var phone = SesameApp.NewPhone();
        (await _app.AdminCallAsync("AdminCreateUser", new { UserPoolId = SesameApp.PoolId, Username = phone, MessageAction = "SUPPRESS" })).AssertOk();

        (await _app.CallAsync("InitiateAuth", new { ClientId = clientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } }))
            .AssertError("NotAuthorizedException");
        var start = await _app.CallAsync("InitiateAuth", new
        {
            ClientId = clientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new Dictionary<string, string> { ["USERNAME"] = phone, ["SECRET_HASH"] = SecretHash(secret, phone, clientId) },
        });
        start.AssertOk();
        var username = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>();
        var answer = await _app.CallAsync("RespondToAuthChallenge", new
        {
            ClientId = clientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new Dictionary<string, string>
            {
                ["USERNAME"] = username,
                ["ANSWER"] = await _app.CodeAsync(phone),
                ["SECRET_HASH"] = SecretHash(secret, username, clientId),
            },
        });

        answer.AssertOk();
        Assert.NotNull(answer.Json["AuthenticationResult"]!["IdToken"]);
    }

    [Fact]
    public async Task AdminInitiateAuth_CreatedPoolClientAndUser_TokensIssuedByThatPool()
    {
        var poolId = (await CreatePoolAsync(_app))["Id"]!.GetValue<string>();
        var clientId = (await CreateClientAsync(_app, poolId, secret: false))["ClientId"]!.GetValue<string>();
        var email = SesameApp.NewEmail();
        (await _app.AdminCallAsync("AdminCreateUser", new { UserPoolId = poolId, Username = email, MessageAction = "SUPPRESS" })).AssertOk();

        var start = await _app.AdminCallAsync("AdminInitiateAuth", new
        {
            UserPoolId = poolId,
            ClientId = clientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = email },
        });
        start.AssertOk();
        Assert.Equal("EMAIL", start.Json["ChallengeParameters"]!["CODE_DELIVERY_DELIVERY_MEDIUM"]!.GetValue<string>());
        var answer = await _app.AdminCallAsync("AdminRespondToAuthChallenge", new
        {
            UserPoolId = poolId,
            ClientId = clientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = email, ANSWER = await _app.CodeAsync(email) },
        });

        answer.AssertOk();
        var idToken = answer.Json["AuthenticationResult"]!["IdToken"]!.GetValue<string>();
        var payload = JsonNode.Parse(Base64UrlDecode(idToken.Split('.')[1]))!;
        Assert.EndsWith("/" + poolId, payload["iss"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(clientId, payload["aud"]!.GetValue<string>());
        var user = await _app.CallAsync("GetUser", new { AccessToken = answer.Json["AuthenticationResult"]!["AccessToken"]!.GetValue<string>() });
        user.AssertOk();
    }

    [Fact]
    public async Task AdminInitiateAuth_ClientOfAnotherPool_ResourceNotFoundException()
    {
        var poolId = (await CreatePoolAsync(_app))["Id"]!.GetValue<string>();

        (await _app.AdminCallAsync("AdminInitiateAuth", new
        {
            UserPoolId = poolId,
            SesameApp.ClientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = SesameApp.NewPhone() },
        })).AssertError("ResourceNotFoundException");
    }

    [Fact]
    public async Task AdminInitiateAuth_AdminUserPasswordAuthNotAllowed_InvalidParameterException()
    {
        (await _app.AdminCallAsync("AdminInitiateAuth", new
        {
            UserPoolId = SesameApp.PoolId,
            SesameApp.ClientId,
            AuthFlow = "ADMIN_USER_PASSWORD_AUTH",
            AuthParameters = new { USERNAME = "x", PASSWORD = "y" },
        })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task AdminInitiateAuth_AdminUserPasswordAuth_TokensForTheRightPasswordOnly()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:backendclient000000000000:ExplicitAuthFlows:0"] = "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        });
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password = "Correct-Horse-42" })).AssertOk();
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await app.CodeAsync(phone) })).AssertOk();

        var signIn = await app.AdminCallAsync("AdminInitiateAuth", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientId = "backendclient000000000000",
            AuthFlow = "ADMIN_USER_PASSWORD_AUTH",
            AuthParameters = new { USERNAME = phone, PASSWORD = "Correct-Horse-42" },
        });
        signIn.AssertOk();
        Assert.NotNull(signIn.Json["AuthenticationResult"]!["AccessToken"]);

        (await app.AdminCallAsync("AdminInitiateAuth", new
        {
            UserPoolId = SesameApp.PoolId,
            ClientId = "backendclient000000000000",
            AuthFlow = "ADMIN_NO_SRP_AUTH",
            AuthParameters = new { USERNAME = phone, PASSWORD = "Wrong-Horse-42" },
        })).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task AdminRespondToAuthChallenge_WrongCode_NewChallenge()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var start = await _app.AdminCallAsync("AdminInitiateAuth", new
        {
            UserPoolId = SesameApp.PoolId,
            SesameApp.ClientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = phone },
        });
        start.AssertOk();
        var code = await _app.CodeAsync(phone, 2);

        var answer = await _app.AdminCallAsync("AdminRespondToAuthChallenge", new
        {
            UserPoolId = SesameApp.PoolId,
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = phone, ANSWER = code == "000000" ? "111111" : "000000" },
        });

        answer.AssertOk();
        Assert.Equal("CUSTOM_CHALLENGE", answer.Json["ChallengeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreatedPoolAndClient_AfterRestart_StillServeSignIn()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            string poolId, clientId, secret;
            var phone = SesameApp.NewPhone();
            using (var first = new SesameApp(dataDir: dataDir))
            {
                poolId = (await CreatePoolAsync(first))["Id"]!.GetValue<string>();
                var client = await CreateClientAsync(first, poolId, secret: true);
                (clientId, secret) = (client["ClientId"]!.GetValue<string>(), client["ClientSecret"]!.GetValue<string>());
                (await first.AdminCallAsync("AdminCreateUser", new { UserPoolId = poolId, Username = phone, MessageAction = "SUPPRESS" })).AssertOk();
            }

            using var second = new SesameApp(dataDir: dataDir);
            var described = await second.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = poolId, ClientId = clientId });
            Assert.Equal(secret, described.Json["UserPoolClient"]!["ClientSecret"]!.GetValue<string>());
            var start = await second.CallAsync("InitiateAuth", new
            {
                ClientId = clientId,
                AuthFlow = "CUSTOM_AUTH",
                AuthParameters = new Dictionary<string, string> { ["USERNAME"] = phone, ["SECRET_HASH"] = SecretHash(secret, phone, clientId) },
            });
            start.AssertOk();
            Assert.Equal(2, (await second.AdminCallAsync("ListUserPools", new { MaxResults = 10 })).Json["UserPools"]!.AsArray().Count);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task CreateUserPoolClient_GenerateSecret_SecretNotInTheDatabaseInTheClear()
    {
        var client = await CreateClientAsync(_app, SesameApp.PoolId, secret: true);
        var secret = client["ClientSecret"]!.GetValue<string>();

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_app.DataDir, "sesame.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT settings FROM user_pool_clients";
        var stored = (string)command.ExecuteScalar()!;

        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.Contains("sealed:v1:", stored, StringComparison.Ordinal);
    }

    private static byte[] Base64UrlDecode(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);

    [GeneratedRegex(@"^us-east-1_[0-9A-Za-z]{9}\z|^eu-west-1_[0-9A-Za-z]{9}\z")]
    private static partial Regex PoolIdPattern();

    [GeneratedRegex(@"^[a-z0-9]{26}\z")]
    private static partial Regex ClientIdPattern();

    [GeneratedRegex(@"^[a-z0-9]{51}\z")]
    private static partial Regex SecretPattern();
}
