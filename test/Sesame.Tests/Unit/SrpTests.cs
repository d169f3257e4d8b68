using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Sesame.SignIn.Passwords;

namespace Sesame.Tests.Unit;

/// <summary>
/// Sesame's SRP against vectors computed by amazon-cognito-identity-js itself (Fixtures/srp-vectors.json, made by
/// test/conformance/tools/srp-vectors.mjs from the library's AuthenticationHelper, BigInteger and DateHelper).
/// </summary>
public sealed class SrpTests
{
    private static readonly JsonNode Fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Unit", "Fixtures", "srp-vectors.json")))!;

    public static TheoryData<int> Vectors() => [.. Enumerable.Range(0, Fixture["vectors"]!.AsArray().Count)];

    private static JsonNode Vector(int i) => Fixture["vectors"]![i]!;

    private static string Text(JsonNode node, string name) => node[name]!.GetValue<string>();

    private static BigInteger Hex(JsonNode node, string name) => Srp.ParseHex(Text(node, name))!.Value;

    [Fact]
    public void K_IsTheClientsMultiplier()
    {
        Assert.Equal(Text(Fixture, "k"), Srp.ToHex(Srp.K));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verifier_ClientInputs_MatchesTheClientsGToTheX(int i)
    {
        var v = Vector(i);
        var verifier = Srp.Verifier(Srp.PoolName(Text(v, "poolId")), Text(v, "userIdForSrp"), Text(v, "password"), Hex(v, "salt"));
        Assert.Equal(Text(v, "verifier"), Srp.ToHex(verifier));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void PublicB_FixedEphemeral_MatchesTheClientsComputation(int i)
    {
        var v = Vector(i);
        Assert.Equal(Text(v, "B"), Srp.ToHex(Srp.PublicB(Hex(v, "verifier"), Hex(v, "b"))));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void ServerKey_ClientsA_EqualsTheKeyTheClientDerived(int i)
    {
        var v = Vector(i);
        var key = Srp.ServerKey(Hex(v, "A"), Hex(v, "B"), Hex(v, "verifier"), Hex(v, "b"));
        Assert.NotNull(key);
        Assert.Equal(Text(v, "key"), Convert.ToHexStringLower(key));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Signature_SameInputs_EqualsTheClientsPasswordClaimSignature(int i)
    {
        var v = Vector(i);
        var signature = Srp.Signature(Convert.FromHexString(Text(v, "key")), Srp.PoolName(Text(v, "poolId")), Text(v, "userIdForSrp"),
            Convert.FromBase64String(Text(v, "secretBlock")), Text(v, "timestamp"));
        Assert.Equal(Text(v, "signature"), Convert.ToBase64String(signature));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void ServerKey_WrongPassword_DiffersFromTheClientsKey(int i)
    {
        var v = Vector(i);
        var wrong = Srp.Verifier(Srp.PoolName(Text(v, "poolId")), Text(v, "userIdForSrp"), Text(v, "password") + "!", Hex(v, "salt"));
        var key = Srp.ServerKey(Hex(v, "A"), Srp.PublicB(wrong, Hex(v, "b")), wrong, Hex(v, "b"));
        Assert.NotEqual(Text(v, "key"), Convert.ToHexStringLower(key!));
    }

    [Fact]
    public void Timestamp_ClientStrings_ParseAndFormatTheSameInstant()
    {
        foreach (var t in Fixture["timestamps"]!.AsArray())
        {
            var instant = DateTimeOffset.FromUnixTimeMilliseconds(t!["unixMs"]!.GetValue<long>());
            var text = Text(t, "text");
            Assert.Equal(text, Srp.FormatTimestamp(instant));
            Assert.Equal(instant, Srp.ParseTimestamp(text));
        }
    }

    [Theory]
    [InlineData("Thu Apr 5 22:42:34 UTC 2017")]   // 5 April 2017 was a Wednesday
    [InlineData("Wed Apr 5 22:42:34 GMT 2017")]
    [InlineData("2017-04-05T22:42:34Z")]
    [InlineData("")]
    public void ParseTimestamp_NotTheClientsFormat_Null(string text)
    {
        Assert.Null(Srp.ParseTimestamp(text));
    }

    [Fact]
    public void PowG_AnyExponent_EqualsModPow()
    {
        var exponents = new List<BigInteger> { BigInteger.Zero, BigInteger.One, 15, 16, 255, BigInteger.Pow(2, 256) - 1, BigInteger.Pow(2, 256), BigInteger.Pow(2, 300) + 7 };
        for (var i = 0; i < 20; i++)
        {
            exponents.Add(new BigInteger(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), isUnsigned: true, isBigEndian: true));
        }

        Assert.All(exponents, e => Assert.Equal(BigInteger.ModPow(Srp.G, e, Srp.N), Srp.PowG(e)));
    }

    [Fact]
    public void Pad_IsJavasToByteArray()
    {
        Assert.Equal([0x14], Srp.Pad(0x14));
        Assert.Equal([0x00, 0xEC], Srp.Pad(236));
        Assert.Equal([0x00, 0xC8], Srp.Pad(200));
        Assert.Equal([0x00], Srp.Pad(BigInteger.Zero));
    }

    [Fact]
    public void ServerKey_ADegenerate_Null()
    {
        var v = Vector(0);
        Assert.Null(Srp.ServerKey(BigInteger.Zero, Hex(v, "B"), Hex(v, "verifier"), Hex(v, "b")));
        Assert.Null(Srp.ServerKey(Srp.N, Hex(v, "B"), Hex(v, "verifier"), Hex(v, "b")));
        Assert.Null(Srp.ServerKey(Srp.N * 2, Hex(v, "B"), Hex(v, "verifier"), Hex(v, "b")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("xyz")]
    [InlineData("-12")]
    [InlineData("0x12")]
    public void ParseA_NotAUsablePublicValue_Null(string srpA)
    {
        Assert.Null(SrpChallenges.ParseA(srpA));
        Assert.Null(SrpChallenges.ParseA(Srp.ToHex(Srp.N)));
    }

    [Fact]
    public void ToHex_NoLeadingZeros_ParsesBack()
    {
        var value = BigInteger.Parse("00ff01", NumberStyles.AllowHexSpecifier);
        Assert.Equal("ff01", Srp.ToHex(value));
        Assert.Equal(value, Srp.ParseHex("FF01"));
    }

    [Fact]
    public void TestClient_AgainstServerMath_SignsWhatTheServerExpects()
    {
        // The HTTP-level tests' client, checked once against the server's key derivation.
        var salt = new BigInteger(Convert.FromHexString("c3a1b2"), isUnsigned: true, isBigEndian: true);
        var verifier = Srp.Verifier("SesameDev", "user-1", "hunter22", salt);
        var client = new TestSupport.SrpClient();
        var (b, B) = Srp.NewEphemeral(verifier);
        var key = Srp.ServerKey(client.A, B, verifier, b)!;
        var parameters = new Dictionary<string, string>
        {
            ["USER_ID_FOR_SRP"] = "user-1", ["SRP_B"] = Srp.ToHex(B), ["SALT"] = Srp.ToHex(salt), ["SECRET_BLOCK"] = "c2VjcmV0",
        };
        var now = DateTimeOffset.UtcNow;
        var answer = client.Answer("us-east-1_SesameDev", "hunter22", parameters, now);
        var expected = Srp.Signature(key, "SesameDev", "user-1", Convert.FromBase64String("c2VjcmV0"), Srp.FormatTimestamp(now));
        Assert.Equal(Convert.ToBase64String(expected), answer["PASSWORD_CLAIM_SIGNATURE"]);
    }
}

public sealed class PasswordLockoutTests
{
    [Fact]
    public void LockFor_FiveFreeThenDoublingFromOneSecond_CappedAtFifteenMinutes()
    {
        Assert.All(Enumerable.Range(1, 4), n => Assert.Null(PasswordLockout.LockFor(n)));
        Assert.Equal(TimeSpan.FromSeconds(1), PasswordLockout.LockFor(5));
        Assert.Equal(TimeSpan.FromSeconds(2), PasswordLockout.LockFor(6));
        Assert.Equal(TimeSpan.FromSeconds(512), PasswordLockout.LockFor(14));
        Assert.Equal(TimeSpan.FromMinutes(15), PasswordLockout.LockFor(15));
        Assert.Equal(TimeSpan.FromMinutes(15), PasswordLockout.LockFor(1000));
    }
}
