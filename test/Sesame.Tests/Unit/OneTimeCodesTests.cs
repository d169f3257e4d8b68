using Sesame.Codes;
using Sesame.Storage;

namespace Sesame.Tests.Unit;

public sealed class OneTimeCodesTests : IDisposable
{
    private const string Purpose = "sign-in";
    private const string PoolId = "us-east-1_SesameDev";
    private const string UserKey = "5f1c0d2e-0000-4000-8000-000000000001";
    private const long ExpiresAtMs = 1_900_000_000_000;

    private readonly TestSecrets _secrets = new();
    private readonly OneTimeCodes _codes;

    public OneTimeCodesTests()
    {
        _codes = new OneTimeCodes(_secrets.Secrets);
    }

    public void Dispose() => _secrets.Dispose();

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(10)]
    public void Generate_Length_IsThatManyAsciiDigits(int length)
    {
        for (var i = 0; i < 1000; i++)
        {
            var code = OneTimeCodes.Generate(length);

            Assert.Equal(length, code.Length);
            Assert.True(code.All(char.IsAsciiDigit), $"'{code}' is not all ASCII digits");
        }
    }

    [Fact]
    public void Generate_200000Codes_EveryDigitAtEveryPositionNearTenPercent()
    {
        const int draws = 200_000;
        const int length = 6;
        var counts = new int[length, 10];
        for (var i = 0; i < draws; i++)
        {
            var code = OneTimeCodes.Generate(length);
            for (var p = 0; p < length; p++)
            {
                counts[p, code[p] - '0']++;
            }
        }

        // Each cell is Binomial(n = 200,000, p = 0.1): sigma of the share = sqrt(0.1 * 0.9 / 200,000) = 0.067 points.
        // The tolerance of 0.6 points is 8.9 sigma; over 60 cells the chance of a false failure is about 1e-17.
        // A modulo-biased or stuck generator (e.g. digits 0-5 at 10.7%) is well outside it.
        // The chi-square bound (9 degrees of freedom) of 80 is likewise reached by chance with probability ~2e-13.
        for (var p = 0; p < length; p++)
        {
            var chiSquare = 0.0;
            for (var d = 0; d < 10; d++)
            {
                var share = 100.0 * counts[p, d] / draws;
                Assert.True(Math.Abs(share - 10.0) <= 0.6, $"digit {d} at position {p}: {share:F3}%");
                var expected = draws / 10.0;
                chiSquare += (counts[p, d] - expected) * (counts[p, d] - expected) / expected;
            }

            Assert.True(chiSquare < 80, $"position {p}: chi-square {chiSquare:F1}");
        }
    }

    [Fact]
    public void Generate_LeadingZero_HappensAboutOneTimeInTenAndKeepsTheLength()
    {
        const int draws = 200_000;
        var leadingZero = 0;
        for (var i = 0; i < draws; i++)
        {
            var code = OneTimeCodes.Generate(6);
            if (code[0] == '0')
            {
                leadingZero++;
                Assert.Equal(6, code.Length);
            }
        }

        // Same bound as above: 0.6 points is 8.9 sigma for 200,000 draws.
        var share = 100.0 * leadingZero / draws;
        Assert.InRange(share, 9.4, 10.6);
    }

    [Fact]
    public void Matches_RightCode_IsTrue()
    {
        var nonce = OneTimeCodes.NewNonce();
        var mac = _codes.Mac(Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345");

        Assert.True(_codes.Matches(mac, Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345"));
    }

    [Theory]
    [InlineData("012346")]
    [InlineData("12345")]
    [InlineData("0123456")]
    [InlineData("012345 ")]
    [InlineData(" 012345")]
    [InlineData("")]
    [InlineData("543210")]
    public void Matches_WrongCode_IsFalse(string answer)
    {
        var nonce = OneTimeCodes.NewNonce();
        var mac = _codes.Mac(Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345");

        Assert.False(_codes.Matches(mac, Purpose, PoolId, UserKey, nonce, ExpiresAtMs, answer));
    }

    [Fact]
    public void Matches_RightCodeInAnotherContext_IsFalse()
    {
        var nonce = OneTimeCodes.NewNonce();
        var mac = _codes.Mac(Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345");

        Assert.False(_codes.Matches(mac, "confirm-sign-up", PoolId, UserKey, nonce, ExpiresAtMs, "012345"));
        Assert.False(_codes.Matches(mac, Purpose, "us-east-1_OtherPool", UserKey, nonce, ExpiresAtMs, "012345"));
        Assert.False(_codes.Matches(mac, Purpose, PoolId, "5f1c0d2e-0000-4000-8000-000000000002", nonce, ExpiresAtMs, "012345"));
        Assert.False(_codes.Matches(mac, Purpose, PoolId, UserKey, OneTimeCodes.NewNonce(), ExpiresAtMs, "012345"));
        Assert.False(_codes.Matches(mac, Purpose, PoolId, UserKey, nonce, ExpiresAtMs + 60_000, "012345"));
        Assert.False(_codes.Matches(mac, Purpose, PoolId, UserKey, nonce, ExpiresAtMs - 1, "012345"));
    }

    [Fact]
    public void Matches_MacFromAServerWithAnotherMasterKey_IsFalse()
    {
        var nonce = OneTimeCodes.NewNonce();
        var foreign = new OneTimeCodes(_secrets.Create(TestSecrets.NewMasterKey()));
        var mac = foreign.Mac(Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345");

        Assert.False(_codes.Matches(mac, Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345"));
    }

    [Fact]
    public void Matches_MacFromAnotherNodeWithTheSameMasterKey_IsTrue()
    {
        var nonce = OneTimeCodes.NewNonce();
        var otherNode = new OneTimeCodes(_secrets.Create(_secrets.MasterKey));
        var mac = otherNode.Mac(Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345");

        Assert.True(_codes.Matches(mac, Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345"));
    }

    [Fact]
    public void Matches_TruncatedOrEmptyMac_IsFalse()
    {
        var nonce = OneTimeCodes.NewNonce();
        var mac = _codes.Mac(Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345");

        Assert.False(_codes.Matches(mac[..16], Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345"));
        Assert.False(_codes.Matches([], Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345"));
    }

    [Fact]
    public void NewNonce_TwoCalls_DifferAndAreUrlSafe()
    {
        var first = OneTimeCodes.NewNonce();
        var second = OneTimeCodes.NewNonce();

        Assert.NotEqual(first, second);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", first);
    }

    [Fact]
    public void SealedCode_SealThenUnseal_RoundTrips()
    {
        var nonce = OneTimeCodes.NewNonce();
        var mac = _codes.Mac(Purpose, PoolId, UserKey, nonce, ExpiresAtMs, "012345");
        var text = SealedCode.Seal(new OneTimeCode(nonce, mac, DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs), 2, 3));

        var parsed = SealedCode.Unseal(text, maxAttempts: 3);

        Assert.StartsWith("SESAME_OTP:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("012345", text, StringComparison.Ordinal);
        Assert.NotNull(parsed);
        Assert.Equal(nonce, parsed.Nonce);
        Assert.Equal(ExpiresAtMs, parsed.ExpiresAt.ToUnixTimeMilliseconds());
        Assert.Equal(mac, parsed.Mac);
        // The session counts a travelling code's answers, not the text.
        Assert.Equal(0, parsed.Attempts);
        Assert.Equal(3, parsed.MaxAttempts);
        Assert.True(_codes.Matches(parsed.Mac, Purpose, PoolId, UserKey, parsed.Nonce, ExpiresAtMs, "012345"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SESAME_OTP:")]
    [InlineData("SESAME_OTP")]
    [InlineData("sesame_otp:nonce:1900000000000:AAAA")]
    [InlineData("OTHER:nonce:1900000000000:AAAA")]
    [InlineData("SESAME_OTP:nonce:1900000000000")]
    [InlineData("SESAME_OTP:nonce:soon:AAAA")]
    [InlineData("SESAME_OTP:nonce:99999999999999999999:AAAA")]
    [InlineData("SESAME_OTP:nonce:999999999999999999:AAAA")]
    [InlineData("SESAME_OTP:nonce:1900000000000:!!!!")]
    [InlineData("SESAME_OTP:nonce:1900000000000:A")]
    [InlineData("SESAME_OTP:nonce:1900000000000:AAAA:extra")]
    [InlineData("123456")]
    public void SealedCode_UnsealGarbage_ReturnsNull(string? value)
    {
        Assert.Null(SealedCode.Unseal(value, maxAttempts: 3));
    }
}
