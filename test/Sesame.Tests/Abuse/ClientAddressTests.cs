using System.Net;
using System.Text.Json.Nodes;
using Sesame.Abuse;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Abuse;

/// <summary>
/// Which client a per-IP limit counts, over real HTTP on loopback (Kestrel, so the peer address is the socket's): the
/// connection's peer, or <c>X-Forwarded-For</c> only when the peer is a configured trusted proxy.
/// </summary>
public sealed class ClientAddressTests
{
    private const string Pool = "Sesame:UserPools:us-east-1_SesameDev";

    private static SesameApp Start(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { [$"{Pool}:Limits:ClientIpPerHour"] = "2" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = new SesameApp(all);
        app.UseKestrel(0);
        app.StartServer();
        return app;
    }

    private static async Task<int> SignUpFromAsync(SesameApp app, string? forwardedFor)
    {
        using var client = app.CreateClient();
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone() }, client)).Status;
    }

    [Fact]
    public async Task ForwardedFor_FromUntrustedPeer_IgnoredAndThePeerIsCounted()
    {
        using var app = Start();

        // A client that writes a new X-Forwarded-For on every call still counts as its own socket address.
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await SignUpFromAsync(app, $"203.0.113.{i + 1}"));
        }

        Assert.Equal([200, 200, 400], statuses);
    }

    [Fact]
    public async Task ForwardedFor_FromTrustedProxy_CountsTheForwardedClient()
    {
        using var app = Start(("Sesame:TrustedProxies:0", "127.0.0.1"), ("Sesame:TrustedProxies:1", "::1"));

        Assert.Equal(200, await SignUpFromAsync(app, "203.0.113.7"));
        Assert.Equal(200, await SignUpFromAsync(app, "203.0.113.7"));
        Assert.Equal(400, await SignUpFromAsync(app, "203.0.113.7"));
        // Another client behind the same proxy has its own count.
        Assert.Equal(200, await SignUpFromAsync(app, "203.0.113.8"));
    }

    [Fact]
    public async Task ForwardedFor_SpoofedLeftOfTheProxy_TheProxysPeerIsCounted()
    {
        // The proxy appends the address it saw (198.51.100.9); whatever the client wrote before it is not believed,
        // because 198.51.100.9 is not a trusted proxy.
        using var app = Start(("Sesame:TrustedProxies:0", "127.0.0.0/8"));

        Assert.Equal(200, await SignUpFromAsync(app, "192.0.2.1, 198.51.100.9"));
        Assert.Equal(200, await SignUpFromAsync(app, "192.0.2.2, 198.51.100.9"));
        Assert.Equal(400, await SignUpFromAsync(app, "192.0.2.3, 198.51.100.9"));
    }

    [Fact]
    public async Task ForwardedFor_IPv6_CountedPerSlash64()
    {
        using var app = Start(("Sesame:TrustedProxies:0", "127.0.0.1"));

        Assert.Equal(200, await SignUpFromAsync(app, "2001:db8:aa:1::1"));
        Assert.Equal(200, await SignUpFromAsync(app, "2001:db8:aa:1:ffff:ffff:ffff:fffe"));
        Assert.Equal(400, await SignUpFromAsync(app, "2001:db8:aa:1::abcd"));
        Assert.Equal(200, await SignUpFromAsync(app, "2001:db8:aa:2::1"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Issuer_ForwardedHost_FollowedOnlyFromTrustedProxy(bool trusted)
    {
        using var app = trusted ? Start(("Sesame:TrustedProxies:0", "127.0.0.1")) : Start();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", "evil.example");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var issuer = JsonNode.Parse(await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/openid-configuration"))!["issuer"]!.GetValue<string>();

        Assert.Equal(trusted, issuer.StartsWith("https://evil.example/", StringComparison.Ordinal));
        Assert.Equal(!trusted, issuer.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) || issuer.StartsWith("http://localhost:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issuer_PublicOriginSet_ForwardedHostFromTrustedProxyChangesNothing()
    {
        using var app = Start(("Sesame:TrustedProxies:0", "127.0.0.1"), ("Sesame:PublicOrigin", "https://auth.example.com"));
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", "evil.example");

        var issuer = JsonNode.Parse(await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/openid-configuration"))!["issuer"]!.GetValue<string>();

        Assert.Equal($"https://auth.example.com/{SesameApp.PoolId}", issuer);
    }

    [Theory]
    [InlineData("192.0.2.44", "192.0.2.44")]
    [InlineData("::ffff:192.0.2.44", "192.0.2.44")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    public void Unit_IPv4PerAddressIPv6PerSlash64(string address, string unit) =>
        Assert.Equal(unit, ClientAddress.Unit(IPAddress.Parse(address)));

    [Fact]
    public void TrustedProxies_NotAnAddress_StartUpNamesTheSetting()
    {
        using var app = new SesameApp(new() { ["Sesame:TrustedProxies:0"] = "proxy.internal" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Sesame:TrustedProxies: 'proxy.internal'", error.ToString(), StringComparison.Ordinal);
    }
}
