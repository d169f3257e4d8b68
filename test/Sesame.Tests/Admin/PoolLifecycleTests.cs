using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Admin;

/// <summary>UpdateUserPool, DeleteUserPool, the client operations, and LambdaConfig mapped to HTTP triggers.</summary>
public sealed class PoolLifecycleTests
{
    private const string PreSignUpArn = "arn:aws:lambda:us-east-1:123456789012:function:tutorial-preSignUp";
    private static readonly string[] PhoneAndEmail = ["phone_number", "email"];
    private static readonly string[] SrpOnly = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

    private static Dictionary<string, string?> Mapped(HookServer hooks) => new()
    {
        ["Sesame:LambdaFunctions:0:Arn"] = PreSignUpArn,
        ["Sesame:LambdaFunctions:0:Url"] = $"{hooks.BaseUrl}/PreSignUp",
        ["Sesame:LambdaFunctions:0:Secret"] = HookServer.Secret,
    };

    private static async Task<string> CreatePoolAsync(SesameApp app, object? lambdaConfig = null)
    {
        var response = await app.AdminCallAsync("CreateUserPool", new { PoolName = "tutorial", UsernameAttributes = PhoneAndEmail, LambdaConfig = lambdaConfig });
        response.AssertOk();
        return response.Json["UserPool"]!["Id"]!.GetValue<string>();
    }

    private static async Task<JsonNode> DescribeAsync(SesameApp app, string poolId)
    {
        var response = await app.AdminCallAsync("DescribeUserPool", new { UserPoolId = poolId });
        response.AssertOk();
        return response.Json["UserPool"]!;
    }

    private static async Task<string> CreateClientAsync(SesameApp app, string poolId, string name = "web", bool secret = false)
    {
        var response = await app.AdminCallAsync("CreateUserPoolClient", new { UserPoolId = poolId, ClientName = name, GenerateSecret = secret });
        response.AssertOk();
        return response.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();
    }

    [Fact]
    public async Task CreateUserPool_LambdaConfigMapped_DescribedAndTheHttpTriggerRunsOnSignUp()
    {
        await using var hooks = await HookServer.StartAsync((_, e) =>
        {
            e["response"]!["autoConfirmUser"] = true;
            return Task.FromResult((200, e.ToJsonString()));
        });
        using var app = new SesameApp(Mapped(hooks));
        var poolId = await CreatePoolAsync(app, new { PreSignUp = PreSignUpArn });
        var clientId = await CreateClientAsync(app, poolId);

        var signUp = await app.CallAsync("SignUp", new { ClientId = clientId, Username = SesameApp.NewPhone() });

        signUp.AssertOk();
        Assert.True(signUp.Json["UserConfirmed"]!.GetValue<bool>());
        Assert.Equal("PreSignUp_SignUp", Assert.Single(hooks.For("PreSignUp")).Json["triggerSource"]!.GetValue<string>());
        Assert.Equal(PreSignUpArn, (await DescribeAsync(app, poolId))["LambdaConfig"]!["PreSignUp"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateUserPool_UnmappedArn_InvalidParameterExceptionSayingHowToMapIt()
    {
        using var app = new SesameApp();

        var response = await app.AdminCallAsync("CreateUserPool", new { PoolName = "tutorial", LambdaConfig = new { DefineAuthChallenge = PreSignUpArn } });

        response.AssertError("InvalidParameterException");
        Assert.Contains("Sesame:LambdaFunctions", response.Message, StringComparison.Ordinal);
        Assert.Contains(PreSignUpArn, response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUserPool_TriggerSesameDoesNotRun_InvalidParameterException()
    {
        using var app = new SesameApp();

        (await app.AdminCallAsync("CreateUserPool", new { PoolName = "x", LambdaConfig = new { UserMigration = PreSignUpArn } }))
            .AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task DescribeUserPool_ConfiguredHttpTrigger_ShownAsItsMappedArn()
    {
        await using var hooks = await HookServer.StartAsync((_, e) => Task.FromResult((200, e.ToJsonString())));
        var settings = Mapped(hooks);
        foreach (var (key, value) in hooks.Settings("PreSignUp"))
        {
            settings[key] = value;
        }

        using var app = new SesameApp(settings);

        Assert.Equal(PreSignUpArn, (await DescribeAsync(app, SesameApp.PoolId))["LambdaConfig"]!["PreSignUp"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateUserPool_LeftOutMembers_BackToDefaultsNameKept_AndStoredForTheNextStart()
    {
        await using var hooks = await HookServer.StartAsync((_, e) => Task.FromResult((200, e.ToJsonString())));
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            string poolId;
            using (var app = new SesameApp(Mapped(hooks), dataDir: dataDir))
            {
                poolId = await CreatePoolAsync(app, new { PreSignUp = PreSignUpArn });
                app.Clock.Advance(TimeSpan.FromSeconds(30));

                var response = await app.AdminCallAsync("UpdateUserPool", new { UserPoolId = poolId, Policies = new { PasswordPolicy = new { MinimumLength = 12 } } });

                response.AssertOk();
                Assert.Equal("{}", response.Body);
                var pool = await DescribeAsync(app, poolId);
                Assert.Null(pool["LambdaConfig"]!["PreSignUp"]);
                Assert.Equal(12, pool["Policies"]!["PasswordPolicy"]!["MinimumLength"]!.GetValue<int>());
                Assert.Equal("tutorial", pool["Name"]!.GetValue<string>());
                Assert.Equal(pool["CreationDate"]!.GetValue<double>() + 30, pool["LastModifiedDate"]!.GetValue<double>());
                (await app.AdminCallAsync("UpdateUserPool", new { UserPoolId = poolId, PoolName = "renamed", LambdaConfig = new { PreSignUp = PreSignUpArn } })).AssertOk();
            }

            using var restarted = new SesameApp(Mapped(hooks), dataDir: dataDir);
            var reloaded = await DescribeAsync(restarted, poolId);
            Assert.Equal("renamed", reloaded["Name"]!.GetValue<string>());
            Assert.Equal(PreSignUpArn, reloaded["LambdaConfig"]!["PreSignUp"]!.GetValue<string>());
            Assert.Equal(8, reloaded["Policies"]!["PasswordPolicy"]!["MinimumLength"]!.GetValue<int>());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task UpdateOrDeleteConfiguredPoolOrClient_InvalidParameterExceptionNamingTheSetting()
    {
        using var app = new SesameApp();

        var update = await app.AdminCallAsync("UpdateUserPool", new { UserPoolId = SesameApp.PoolId });
        update.AssertError("InvalidParameterException");
        Assert.Contains($"Sesame:UserPools:{SesameApp.PoolId}", update.Message, StringComparison.Ordinal);
        (await app.AdminCallAsync("DeleteUserPool", new { UserPoolId = SesameApp.PoolId })).AssertError("InvalidParameterException");
        (await app.AdminCallAsync("DeleteUserPoolClient", new { UserPoolId = SesameApp.PoolId, SesameApp.ClientId })).AssertError("InvalidParameterException");
        (await app.AdminCallAsync("UpdateUserPoolClient", new { UserPoolId = SesameApp.PoolId, SesameApp.ClientId })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task DeleteUserPool_WithUsersAndClients_GoneForEveryCall()
    {
        using var app = new SesameApp();
        var poolId = await CreatePoolAsync(app);
        var clientId = await CreateClientAsync(app, poolId);
        (await app.CallAsync("SignUp", new { ClientId = clientId, Username = SesameApp.NewPhone() })).AssertOk();

        (await app.AdminCallAsync("DeleteUserPool", new { UserPoolId = poolId })).AssertOk();

        (await app.AdminCallAsync("DescribeUserPool", new { UserPoolId = poolId })).AssertError("ResourceNotFoundException", $"User pool {poolId} does not exist.");
        (await app.AdminCallAsync("DeleteUserPool", new { UserPoolId = poolId })).AssertError("ResourceNotFoundException");
        (await app.CallAsync("SignUp", new { ClientId = clientId, Username = SesameApp.NewPhone() })).AssertError("ResourceNotFoundException");
        var listed = await app.AdminCallAsync("ListUserPools", new { MaxResults = 60 });
        Assert.DoesNotContain(listed.Json["UserPools"]!.AsArray(), p => p!["Id"]!.GetValue<string>() == poolId);
    }

    [Fact]
    public async Task UpdateUserPoolClient_FlowsChanged_SecretKeptAndLeftOutValiditiesBackToDefaults()
    {
        using var app = new SesameApp();
        var poolId = await CreatePoolAsync(app);
        var created = await app.AdminCallAsync("CreateUserPoolClient",
            new { UserPoolId = poolId, ClientName = "backend", GenerateSecret = true, AccessTokenValidity = 5, TokenValidityUnits = new { AccessToken = "minutes" } });
        var clientId = created.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();

        var updated = await app.AdminCallAsync("UpdateUserPoolClient", new { UserPoolId = poolId, ClientId = clientId, ExplicitAuthFlows = SrpOnly });

        updated.AssertOk();
        var client = updated.Json["UserPoolClient"]!;
        Assert.Equal(created.Json["UserPoolClient"]!["ClientSecret"]!.GetValue<string>(), client["ClientSecret"]!.GetValue<string>());
        Assert.Equal("backend", client["ClientName"]!.GetValue<string>());
        Assert.Equal(SrpOnly, client["ExplicitAuthFlows"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(60, client["AccessTokenValidity"]!.GetValue<long>());
        var described = await app.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = poolId, ClientId = clientId });
        Assert.Equal(client.ToJsonString(), described.Json["UserPoolClient"]!.ToJsonString());
        (await app.CallAsync("InitiateAuth", new { ClientId = clientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = "x" } }))
            .AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task ListUserPoolClients_PagesOfTwo_EveryClientOnce_DeletedClientGone()
    {
        using var app = new SesameApp();
        var poolId = await CreatePoolAsync(app);
        var ids = new List<string>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            ids.Add(await CreateClientAsync(app, poolId, name));
        }

        var first = await app.AdminCallAsync("ListUserPoolClients", new { UserPoolId = poolId, MaxResults = 2 });
        first.AssertOk();
        var second = await app.AdminCallAsync("ListUserPoolClients", new { UserPoolId = poolId, MaxResults = 2, NextToken = first.Json["NextToken"]!.GetValue<string>() });
        second.AssertOk();

        var listed = first.Json["UserPoolClients"]!.AsArray().Concat(second.Json["UserPoolClients"]!.AsArray()).ToList();
        Assert.Equal(ids, listed.Select(c => c!["ClientId"]!.GetValue<string>()));
        Assert.Equal(["a", "b", "c"], listed.Select(c => c!["ClientName"]!.GetValue<string>()));
        Assert.Null(second.Json["NextToken"]);

        (await app.AdminCallAsync("DeleteUserPoolClient", new { UserPoolId = poolId, ClientId = ids[1] })).AssertOk();

        var after = await app.AdminCallAsync("ListUserPoolClients", new { UserPoolId = poolId });
        Assert.Equal([ids[0], ids[2]], after.Json["UserPoolClients"]!.AsArray().Select(c => c!["ClientId"]!.GetValue<string>()));
        (await app.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = poolId, ClientId = ids[1] })).AssertError("ResourceNotFoundException");
        (await app.AdminCallAsync("ListUserPoolClients", new { UserPoolId = poolId, MaxResults = 0 })).AssertError("InvalidParameterException");
    }
}
