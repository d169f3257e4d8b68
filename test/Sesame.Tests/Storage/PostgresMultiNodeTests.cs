using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Tests.TestSupport;
using Sesame.Tokens;

namespace Sesame.Tests.Storage;

/// <summary>
/// Two servers on one PostgreSQL database, in Development with no other configuration in common: what one node makes
/// (server secrets, signing keys, pools, clients, sessions) the other one uses. The conformance suite's multinode.mjs
/// does the same with three processes and the official clients.
/// </summary>
public sealed class PostgresMultiNodeTests
{
    private static readonly string[] PhoneOnly = ["phone_number"];

    [PostgresFact]
    public async Task TwoNodes_StartTogetherOnAnEmptyDatabase_OneSignInAcrossBoth()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        using var a = Node(db);
        using var b = Node(db);

        // Both start at the same moment: both race to create the master key and the dev pool's signing keys.
        await Task.WhenAll(Task.Run(() => a.CreateClient().Dispose()), Task.Run(() => b.CreateClient().Dispose()));

        Assert.Equal(await JwksAsync(a), await JwksAsync(b));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM server_secrets"));
        var phone = SesameApp.NewPhone();
        (await a.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        (await b.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await CodeAsync(phone, 1, a, b) })).AssertOk();

        var start = await a.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });
        start.AssertOk();
        var answer = await b.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = await CodeAsync(phone, 2, a, b) },
        });
        answer.AssertOk();

        var accessToken = answer.Json["AuthenticationResult"]!["AccessToken"]!.GetValue<string>();
        (await a.CallAsync("GetUser", new { AccessToken = accessToken })).AssertOk();
    }

    [PostgresFact]
    public async Task PoolAndClientCreatedOnOneNode_UsedOnTheOtherAtOnce()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        using var a = Node(db);
        using var b = Node(db);
        a.CreateClient().Dispose();
        b.CreateClient().Dispose();

        var pool = await a.AdminCallAsync("CreateUserPool", new { PoolName = "shared", UsernameAttributes = PhoneOnly });
        pool.AssertOk();
        var poolId = pool.Json["UserPool"]!["Id"]!.GetValue<string>();
        var client = await a.AdminCallAsync("CreateUserPoolClient", new { UserPoolId = poolId, ClientName = "app" });
        client.AssertOk();
        var clientId = client.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();

        // No wait: the miss on b re-reads the pools from the database before answering.
        (await b.AdminCallAsync("DescribeUserPoolClient", new { UserPoolId = poolId, ClientId = clientId })).AssertOk();
        (await b.CallAsync("SignUp", new { ClientId = clientId, Username = SesameApp.NewPhone() })).AssertOk();
        using var http = b.CreateClient();
        var jwks = JsonNode.Parse(await http.GetStringAsync($"/{poolId}/.well-known/jwks.json"))!["keys"]!.AsArray();
        Assert.Equal(await JwksAsync(a, poolId), string.Join(",", jwks.Select(k => k!["kid"]!.GetValue<string>()).Order()));
    }

    [PostgresFact]
    public async Task SecondNode_AnotherMasterKey_StopsAtStartUpNamingTheSetting()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        using var first = Node(db, new() { ["Sesame:Secrets:MasterKey"] = Convert.ToBase64String(new byte[32]) });
        first.CreateClient().Dispose();
        using var second = Node(db, new() { ["Sesame:Secrets:MasterKey"] = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()) });

        var error = Record.Exception(() => second.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Sesame:Secrets:MasterKey", Messages(error), StringComparison.Ordinal);
        Assert.Contains("not the master key this database was first used with", Messages(error), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Nodes_ConfiguredMasterKey_NoneKeptInTheDatabase()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        using var node = Node(db, new() { ["Sesame:Secrets:MasterKey"] = Convert.ToBase64String(new byte[32]) });
        node.CreateClient().Dispose();

        Assert.Equal("master-key-check", await db.ScalarAsync<string>("SELECT string_agg(name, ',') FROM server_secrets"));
    }

    internal static SesameApp Node(PostgresTestDatabase db, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? [])
        {
            ["Sesame:Storage:Provider"] = "Postgres",
            ["Sesame:Storage:ConnectionString"] = db.ConnectionString,
        };
        // Real keys: the test set hands every server the same n-th key, which two servers of one database must not share.
        return new SesameApp(all, services => services.AddSingleton<ISigningKeyGenerator, RsaSigningKeyGenerator>());
    }

    /// <summary>The n-th code sent to a destination, by whichever node's dispatcher delivered it.</summary>
    internal static async Task<string> CodeAsync(string to, int count, params SesameApp[] nodes)
    {
        // Bounded, generous: the dispatcher of a loaded machine (the whole suite running) may take seconds.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var messages = nodes.SelectMany(n => n.Outbox.For(to)).OrderBy(m => m.SentAt).ToList();
            if (messages.Count >= count)
            {
                return messages[count - 1].Code!;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No message #{count} within 60 s.");
    }

    internal static async Task<string> JwksAsync(SesameApp app, string poolId = SesameApp.PoolId)
    {
        using var client = app.CreateClient();
        var keys = JsonNode.Parse(await client.GetStringAsync($"/{poolId}/.well-known/jwks.json"))!["keys"]!.AsArray();
        return string.Join(",", keys.Select(k => k!["kid"]!.GetValue<string>()).Order());
    }

    private static string Messages(Exception error)
    {
        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }
}
