using Sesame.Users;

namespace Sesame.Tests.Unit;

public sealed class PseudonymsTests : IDisposable
{
    private const string PoolId = "us-east-1_SesameDev";

    private readonly TestSecrets _secrets = new();
    private readonly Pseudonyms _pseudonyms;

    public PseudonymsTests()
    {
        _pseudonyms = new Pseudonyms(_secrets.Secrets);
    }

    public void Dispose() => _secrets.Dispose();

    [Theory]
    [InlineData("alice")]
    [InlineData("+15551234567")]
    [InlineData("jane@example.com")]
    public void Username_SameLogin_IsStableAndVersion4Uuid(string login)
    {
        var first = _pseudonyms.Username(PoolId, login);
        var second = _pseudonyms.Username(PoolId, login);

        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", first);
    }

    [Fact]
    public void Username_SameLoginInAnotherCase_IsTheSame()
    {
        Assert.Equal(_pseudonyms.Username(PoolId, "Jane@Example.COM"), _pseudonyms.Username(PoolId, "jane@example.com"));
        Assert.Equal(_pseudonyms.Username(PoolId, "ALICE"), _pseudonyms.Username(PoolId, "alice"));
    }

    [Fact]
    public void Username_OtherLoginOrPool_Differs()
    {
        var alice = _pseudonyms.Username(PoolId, "alice");

        Assert.NotEqual(alice, _pseudonyms.Username(PoolId, "alice2"));
        Assert.NotEqual(alice, _pseudonyms.Username(PoolId, "bob"));
        Assert.NotEqual(alice, _pseudonyms.Username("eu-west-1_Other", "alice"));
    }

    [Fact]
    public void Username_OnAnotherNodeWithTheSameMasterKey_IsTheSame()
    {
        var otherNode = new Pseudonyms(_secrets.Create(_secrets.MasterKey));

        Assert.Equal(_pseudonyms.Username(PoolId, "alice"), otherNode.Username(PoolId, "alice"));
    }

    [Fact]
    public void Username_OnAServerWithAnotherMasterKey_Differs()
    {
        // Otherwise anyone could compute the stand-in and tell a fake user from a real one.
        var otherServer = new Pseudonyms(_secrets.Create(TestSecrets.NewMasterKey()));

        Assert.NotEqual(_pseudonyms.Username(PoolId, "alice"), otherServer.Username(PoolId, "alice"));
    }

    [Fact]
    public void Destination_PhoneLogin_IsSmsToTheMaskedNumber()
    {
        Assert.Equal(("SMS", "+*******4567"), _pseudonyms.Destination(PoolId, "+15551234567"));
    }

    [Fact]
    public void Destination_EmailLogin_IsEmailToTheMaskedAddress()
    {
        Assert.Equal(("EMAIL", "j***@e***"), _pseudonyms.Destination(PoolId, "jane@example.com"));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("15551234567")]
    [InlineData("not an email@")]
    public void Destination_OtherLogin_IsAStableFakeMaskedPhone(string login)
    {
        var (medium, destination) = _pseudonyms.Destination(PoolId, login);

        Assert.Equal("SMS", medium);
        Assert.Matches(@"^\+\*{7}[0-9]{4}$", destination);
        Assert.Equal((medium, destination), _pseudonyms.Destination(PoolId, login));
        Assert.Equal((medium, destination), _pseudonyms.Destination(PoolId, login.ToUpperInvariant()));
        Assert.Equal((medium, destination), new Pseudonyms(_secrets.Create(_secrets.MasterKey)).Destination(PoolId, login));
    }

    [Fact]
    public void Destination_ManyUsernames_FakeDigitsVary()
    {
        // A constant fake (always "+*******0000") would give unknown users away.
        var destinations = Enumerable.Range(0, 50).Select(i => _pseudonyms.Destination(PoolId, $"user{i}").MaskedDestination).ToHashSet();

        Assert.True(destinations.Count > 40, $"only {destinations.Count} distinct fakes for 50 usernames");
    }

    [Fact]
    public void Logins_Key_IgnoresCase()
    {
        Assert.Equal(Logins.Key("Jane@Example.COM"), Logins.Key("jane@example.com"));
        Assert.Equal(Logins.UsernameKey("ALICE"), Logins.UsernameKey("alice"));
        Assert.Equal(Logins.EmailKey("Jane@Example.com"), Logins.EmailKey("JANE@EXAMPLE.COM"));
        Assert.Equal("+15551234567", Logins.Key("+15551234567"));
    }
}
