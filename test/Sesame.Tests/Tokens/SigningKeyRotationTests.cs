using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Tokens;
using Sesame.Tests.Storage;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Tokens;

/// <summary>
/// Rotation through the SigV4 admin endpoint: the next key is published before it signs, the previous one is published
/// until the longest-lived token it signed has expired; on PostgreSQL every node serves the change without a restart.
/// </summary>
public sealed class SigningKeyRotationTests
{
    private static readonly string RotatePath = $"/admin/user-pools/{SesameApp.PoolId}/signing-keys/rotate";

    [Fact]
    public async Task Rotate_SqliteNode_NextPublishedFirstThenSignsThenThePreviousIsDropped()
    {
        using var app = new SesameApp();
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var before = await KidsAsync(app);
        var oldToken = (await app.SignInAsync(phone))["AccessToken"]!.GetValue<string>();

        var (status, body) = await app.AdminRestAsync(HttpMethod.Post, RotatePath);

        Assert.Equal(200, status);
        var listed = JsonNode.Parse(body)!["Keys"]!.AsArray();
        Assert.Equal(4, listed.Count);
        Assert.Equal(2, listed.Count(k => k!["Generation"]!.GetValue<int>() == 1 && !k["Signing"]!.GetValue<bool>() && k["Published"]!.GetValue<bool>()));
        var published = await KidsAsync(app);
        Assert.Equal(4, published.Count);
        Assert.Superset(before.ToHashSet(), published.ToHashSet());
        var next = published.Except(before).ToList();
        // Published, not yet signing: tokens still carry an old kid.
        Assert.Contains(Kid(oldToken), before);
        Assert.Contains(Kid((await app.SignInAsync(phone))["AccessToken"]!.GetValue<string>()), before);

        // A second rotation while the next key waits changes nothing.
        await app.AdminRestAsync(HttpMethod.Post, RotatePath);
        Assert.Equal(4, (await KidsAsync(app)).Count);

        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var newToken = (await app.SignInAsync(phone))["AccessToken"]!.GetValue<string>();
        Assert.Contains(Kid(newToken), next);
        (await app.CallAsync("GetUser", new { AccessToken = newToken })).AssertOk();
        // The old keys stay while a token they signed may live: an hour (the dev client's validity) and the clock margin.
        Assert.Equal(4, (await KidsAsync(app)).Count);

        app.Clock.Advance(TimeSpan.FromMinutes(66));
        Assert.Equal(next.Order(), (await KidsAsync(app)).Order());
    }

    [Fact]
    public async Task Rotate_WithoutSignature_Refused()
    {
        using var app = new SesameApp();
        using var client = app.CreateClient();

        using var response = await client.PostAsync(RotatePath, null);

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal(2, (await KidsAsync(app)).Count);
    }

    [Fact]
    public async Task Rotate_UnknownPool_ResourceNotFound()
    {
        using var app = new SesameApp();

        var (status, body) = await app.AdminRestAsync(HttpMethod.Post, "/admin/user-pools/us-east-1_Nope/signing-keys/rotate");

        Assert.Equal(400, status);
        Assert.Contains("ResourceNotFoundException", body, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Rotate_OnOneNode_ServedByTheOtherAndItsTokensVerifiedThere()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        using var a = PostgresMultiNodeTests.Node(db, new() { ["Sesame:Storage:RefreshInterval"] = "00:00:01", ["Sesame:SigningKeys:PublishAhead"] = "00:10:00" });
        using var b = PostgresMultiNodeTests.Node(db, new() { ["Sesame:Storage:RefreshInterval"] = "00:00:01", ["Sesame:SigningKeys:PublishAhead"] = "00:10:00" });
        Assert.Equal(await PostgresMultiNodeTests.JwksAsync(a), await PostgresMultiNodeTests.JwksAsync(b));

        Assert.Equal(200, (await a.AdminRestAsync(HttpMethod.Post, RotatePath)).Status);
        var rotated = await PostgresMultiNodeTests.JwksAsync(a);
        Assert.Equal(4, rotated.Split(',').Length);

        // b re-reads the keys every RefreshInterval (1 s here): bounded, not a stopwatch assertion.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await PostgresMultiNodeTests.JwksAsync(b) != rotated && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(rotated, await PostgresMultiNodeTests.JwksAsync(b));

        a.Clock.Advance(TimeSpan.FromMinutes(11));
        b.Clock.Advance(TimeSpan.FromMinutes(11));
        var phone = SesameApp.NewPhone();
        (await a.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        (await a.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await PostgresMultiNodeTests.CodeAsync(phone, 1, a, b) })).AssertOk();
        var start = await a.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });
        var answer = await a.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = await PostgresMultiNodeTests.CodeAsync(phone, 2, a, b) },
        });
        answer.AssertOk();
        var token = answer.Json["AuthenticationResult"]!["AccessToken"]!.GetValue<string>();

        var (_, listedOnB) = await b.AdminRestAsync(HttpMethod.Get, $"/admin/user-pools/{SesameApp.PoolId}/signing-keys");
        var signingOnB = JsonNode.Parse(listedOnB)!["Keys"]!.AsArray().Where(k => k!["Signing"]!.GetValue<bool>()).Select(k => k!["Generation"]!.GetValue<int>());
        Assert.Equal([1, 1], signingOnB);
        Assert.Contains(Kid(token), rotated.Split(','));
        (await b.CallAsync("GetUser", new { AccessToken = token })).AssertOk();
    }

    [Fact]
    public async Task FreshDataDir_KeyOfferedTwiceThen64ConcurrentSignUps_NoFailureTwoDistinctKeys()
    {
        // Two nodes (or a restart) holding the same key offer its kid twice: once for the ID key, then again for the access
        // key. The store's insert-or-get inserts nothing the second time; a new key is drawn instead of a 500.
        using var app = new SesameApp(services: services => services.AddSingleton<ISigningKeyGenerator>(new RepeatsItsFirstKey()));
        var phones = Enumerable.Range(0, 64).Select(_ => SesameApp.NewPhone()).ToList();
        using (app.CreateClient())
        {
            // The host starts once (start-up creates the keys), then the 64 callers arrive together.
        }

        var answers = await Task.WhenAll(phones.Select(phone => Task.Run(() => app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone }))));
        var kids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => KidsAsync(app))));

        Assert.All(answers, a => a.AssertOk());
        Assert.Equal(2, kids[0].Distinct().Count());
        Assert.All(kids, k => Assert.Equal(kids[0].Order(), k.Order()));
    }

    /// <summary>Hands out one key twice, then fresh ones.</summary>
    private sealed class RepeatsItsFirstKey : ISigningKeyGenerator
    {
        private readonly PregeneratedSigningKeys _keys = new();
        private readonly byte[] _first;
        private int _calls;

        public RepeatsItsFirstKey()
        {
            using var first = _keys.NewKey();
            _first = first.ExportPkcs8PrivateKey();
        }

        public RSA NewKey()
        {
            if (Interlocked.Increment(ref _calls) > 2)
            {
                return _keys.NewKey();
            }

            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(_first, out _);
            return rsa;
        }
    }

    private static async Task<List<string>> KidsAsync(SesameApp app)
    {
        using var client = app.CreateClient();
        var keys = JsonNode.Parse(await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/jwks.json"))!["keys"]!.AsArray();
        return [.. keys.Select(k => k!["kid"]!.GetValue<string>())];
    }

    private static string Kid(string jwt) =>
        JsonNode.Parse(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(jwt.Split('.')[0])))!["kid"]!.GetValue<string>();
}
