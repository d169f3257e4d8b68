using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Sesame.Tokens;

namespace Sesame.Tests.Unit;

public sealed class JwtTests
{
    private const string PoolId = "us-east-1_UnitTest";

    // RSA key generation is the slow part: one key pair (and one impostor) for the whole class.
    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly RSA OtherRsa = RSA.Create(2048);
    private static readonly SigningKey Key = new(PoolId, SigningKey.KidFor(Rsa), "access", Rsa);
    private static readonly Dictionary<string, SigningKey> Keys = new(StringComparer.Ordinal) { [Key.Kid] = Key };

    private static string Kid => Key.Kid;

    [Fact]
    public void Sign_ThenVerify_ReturnsPayloadAndSigningKey()
    {
        var token = Jwt.Sign(Key, w =>
        {
            w.WriteString("sub", "5f1c0d2e-0000-4000-8000-000000000001");
            w.WriteNumber("exp", 1_900_000_000);
        });

        using var verified = Verify(token);

        Assert.NotNull(verified);
        Assert.Same(Key, verified.Key);
        Assert.Equal("5f1c0d2e-0000-4000-8000-000000000001", verified.Payload.RootElement.GetProperty("sub").GetString());
        Assert.Equal(1_900_000_000, verified.Payload.RootElement.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void Sign_Output_HasThreeBase64UrlSegmentsAndCognitoHeader()
    {
        var token = Jwt.Sign(Key, w => w.WriteString("token_use", "access"));

        var segments = token.Split('.');
        Assert.Equal(3, segments.Length);
        Assert.All(segments, s => Assert.Matches("^[A-Za-z0-9_-]+$", s));
        Assert.Equal($$"""{"kid":"{{Kid}}","alg":"RS256"}""", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(segments[0])));
        Assert.Equal("""{"token_use":"access"}""", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(segments[1])));
        Assert.Equal(256, Base64Url.DecodeFromChars(segments[2]).Length);
    }

    [Fact]
    public void KidFor_SameKey_IsStableAndDiffersBetweenKeys()
    {
        Assert.Equal(SigningKey.KidFor(Rsa), SigningKey.KidFor(Rsa));
        Assert.NotEqual(SigningKey.KidFor(Rsa), SigningKey.KidFor(OtherRsa));
        // Cognito-style: base64 of a SHA-256.
        Assert.Equal(32, Convert.FromBase64String(Kid).Length);
    }

    [Fact]
    public void Verify_HandBuiltRs256TokenInAnyHeaderOrder_ReturnsPayload()
    {
        // Guards the forging helper below: a correct header signed by our key is accepted, so every rejection in this
        // class is caused by the one thing each test changes.
        using var kidFirst = Verify(Forge($$"""{"kid":"{{Kid}}","alg":"RS256"}""", """{"sub":"a"}"""));
        using var algFirst = Verify(Forge($$"""{"alg":"RS256","typ":"JWT","kid":"{{Kid}}"}""", """{"sub":"a"}"""));

        Assert.NotNull(kidFirst);
        Assert.NotNull(algFirst);
    }

    [Theory]
    [InlineData("""{"kid":"KID","alg":"none"}""")]
    [InlineData("""{"kid":"KID","alg":"None"}""")]
    [InlineData("""{"kid":"KID","alg":"NONE"}""")]
    [InlineData("""{"kid":"KID","alg":"HS256"}""")]
    [InlineData("""{"kid":"KID","alg":"RS512"}""")]
    [InlineData("""{"kid":"KID","alg":"PS256"}""")]
    [InlineData("""{"kid":"KID","alg":"rs256"}""")]
    [InlineData("""{"kid":"KID","alg":""}""")]
    [InlineData("""{"kid":"KID","alg":null}""")]
    [InlineData("""{"kid":"KID","alg":["RS256"]}""")]
    [InlineData("""{"kid":"KID"}""")]
    [InlineData("""{"alg":"RS256"}""")]
    [InlineData("""{"kid":7,"alg":"RS256"}""")]
    [InlineData("""{"kid":"KID","alg":"RS256","alg":"RS256"}""")]
    [InlineData("""{"kid":"KID","alg":"RS256","alg":"none"}""")]
    [InlineData("""{"alg":"none","kid":"KID","alg":"RS256"}""")]
    [InlineData("""{"kid":"KID","\u0061lg":"none","alg":"RS256"}""")]
    [InlineData("""{"kid":"KID","kid":"KID","alg":"RS256"}""")]
    [InlineData("""{"kid":"KID","alg":"RS256","crit":["exp"]}""")]
    [InlineData("""{"kid":"KID","alg":"RS256","jku":"https://attacker.example/jwks.json"}""")]
    [InlineData("""{"kid":"KID","alg":"RS256","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}""")]
    [InlineData("""{"kid":"KID","alg":"RS256","x5u":"https://attacker.example/cert.pem"}""")]
    [InlineData("""{"kid":"KID","alg":"RS256","zip":"DEF"}""")]
    [InlineData("""{"kid":"KID","alg":"RS256","enc":"A256GCM"}""")]
    [InlineData("""["kid","KID","alg","RS256"]""")]
    [InlineData("\"RS256\"")]
    [InlineData("""{"kid":"KID","alg":"RS256" """)]
    [InlineData("""{"kid":"KID","alg":"RS256",}""")]
    [InlineData("")]
    public void Verify_HeaderOutsideRs256Policy_ReturnsNull(string header)
    {
        // Every one of these is correctly RS256-signed by our own key: only the header is wrong.
        var token = Forge(header.Replace("KID", Kid, StringComparison.Ordinal), """{"sub":"a"}""");

        Assert.Null(Verify(token));
    }

    [Fact]
    public void Verify_Hs256MacKeyedWithPublicKey_ReturnsNull()
    {
        // The classic algorithm-confusion attack: the public key, which anyone can fetch from the JWKS, used as an HMAC key.
        byte[][] publicKeyEncodings =
        [
            Rsa.ExportSubjectPublicKeyInfo(),
            Rsa.ExportRSAPublicKey(),
            Encoding.ASCII.GetBytes(Rsa.ExportSubjectPublicKeyInfoPem()),
            Encoding.ASCII.GetBytes(Rsa.ExportRSAPublicKeyPem()),
        ];

        foreach (var macKey in publicKeyEncodings)
        {
            var input = B64($$"""{"kid":"{{Kid}}","alg":"HS256"}""") + "." + B64("""{"sub":"admin"}""");
            var token = input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(macKey, Encoding.ASCII.GetBytes(input)));

            Assert.Null(Verify(token));
        }
    }

    [Fact]
    public void Verify_UnknownKid_ReturnsNull()
    {
        var token = Forge("""{"kid":"not-one-of-ours","alg":"RS256"}""", """{"sub":"a"}""");

        Assert.Null(Verify(token));
    }

    [Fact]
    public void Verify_PathTraversalKid_ReturnsNullAndLooksUpOnlyTheLiteralKid()
    {
        var asked = new List<string>();
        var token = Forge("""{"kid":"../../etc/passwd","alg":"RS256"}""", """{"sub":"a"}""");

        var result = Jwt.Verify(token, kid =>
        {
            asked.Add(kid);
            return Keys.GetValueOrDefault(kid);
        });

        Assert.Null(result);
        Assert.Equal(["../../etc/passwd"], asked);
    }

    [Fact]
    public void Verify_SignedByAnotherKeyWithOurKid_ReturnsNull()
    {
        var impostor = new SigningKey(PoolId, Kid, "access", OtherRsa);
        var token = Jwt.Sign(impostor, w => w.WriteString("sub", "admin"));

        Assert.Null(Verify(token));
    }

    [Fact]
    public void Verify_PayloadWithOneCharacterChanged_ReturnsNull()
    {
        var token = Jwt.Sign(Key, w => w.WriteString("sub", "5f1c0d2e-0000-4000-8000-000000000001"));
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = token.LastIndexOf('.');
        var middle = (first + second) / 2;

        var tampered = ChangeCharAt(token, middle);

        Assert.Null(Verify(tampered));
    }

    [Fact]
    public void Verify_HeaderWithOneCharacterChanged_ReturnsNull()
    {
        var token = Jwt.Sign(Key, w => w.WriteString("sub", "a"));

        Assert.Null(Verify(ChangeCharAt(token, 5)));
    }

    [Fact]
    public void Verify_SignatureWithOneCharacterChanged_ReturnsNull()
    {
        var token = Jwt.Sign(Key, w => w.WriteString("sub", "a"));

        Assert.Null(Verify(ChangeCharAt(token, token.Length - 20)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(100)]
    public void Verify_TruncatedSignature_ReturnsNull(int charsRemoved)
    {
        var token = Jwt.Sign(Key, w => w.WriteString("sub", "a"));

        Assert.Null(Verify(token[..^charsRemoved]));
    }

    [Fact]
    public void Verify_EmptySignature_ReturnsNull()
    {
        var token = Jwt.Sign(Key, w => w.WriteString("sub", "a"));

        Assert.Null(Verify(token[..(token.LastIndexOf('.') + 1)]));
    }

    [Fact]
    public void Verify_EmptyHeaderOrPayloadSegment_ReturnsNull()
    {
        var parts = Jwt.Sign(Key, w => w.WriteString("sub", "a")).Split('.');

        Assert.Null(Verify($".{parts[1]}.{parts[2]}"));
        Assert.Null(Verify($"{parts[0]}..{parts[2]}"));
        Assert.Null(Verify(".."));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Verify_WrongSegmentCount_ReturnsNull(int segmentCount)
    {
        var parts = Jwt.Sign(Key, w => w.WriteString("sub", "a")).Split('.');
        // Valid segments first, then copies of the signature: the first three are always a genuine token.
        var segments = Enumerable.Range(0, segmentCount).Select(i => parts[Math.Min(i, 2)]);

        Assert.Null(Verify(string.Join('.', segments)));
    }

    [Fact]
    public void Verify_EmptyString_ReturnsNull()
    {
        Assert.Null(Verify(string.Empty));
    }

    [Fact]
    public void Verify_GenuineTokenOver16KiB_ReturnsNull()
    {
        var token = Jwt.Sign(Key, w => w.WriteString("pad", new string('x', 13 * 1024)));
        Assert.True(token.Length > 16 * 1024, $"token is only {token.Length} chars");

        Assert.Null(Verify(token));
    }

    [Fact]
    public void Verify_GenuineTokenJustUnder16KiB_ReturnsPayload()
    {
        var token = Jwt.Sign(Key, w => w.WriteString("pad", new string('x', 11 * 1024)));
        Assert.InRange(token.Length, 15 * 1024, 16 * 1024);

        using var verified = Verify(token);

        Assert.NotNull(verified);
    }

    [Theory]
    [InlineData("""[{"sub":"a"}]""")]
    [InlineData("\"sub\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"sub\":\"a\"")]
    [InlineData("not json")]
    public void Verify_SignedPayloadThatIsNotAJsonObject_ReturnsNull(string payload)
    {
        var token = Forge($$"""{"kid":"{{Kid}}","alg":"RS256"}""", payload);

        Assert.Null(Verify(token));
    }

    [Fact]
    public void Verify_InvalidBase64Url_ReturnsNull()
    {
        var parts = Jwt.Sign(Key, w => w.WriteString("sub", "a")).Split('.');

        // Header and payload with characters outside base64url; signed, so only the encoding is wrong.
        Assert.Null(Verify(SignRaw("!!!!." + parts[1])));
        Assert.Null(Verify(SignRaw(parts[0] + ".e30*")));
        Assert.Null(Verify(SignRaw(parts[0] + ".e30%3D")));
        // One character too many for any byte length.
        Assert.Null(Verify($"{parts[0]}.{parts[1]}.{parts[2]}A"));
    }

    [Fact]
    public void Verify_SignatureInStandardBase64Alphabet_ReturnsNull()
    {
        // Find a signature that holds '-' or '_' (nearly every one does), then write it with '+' and '/' instead.
        string token;
        var n = 0;
        do
        {
            var sub = n++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            token = Jwt.Sign(Key, w => w.WriteString("sub", sub));
        }
        while (token[(token.LastIndexOf('.') + 1)..].IndexOfAny(['-', '_']) < 0);

        var at = token.LastIndexOf('.') + 1;
        var standard = token[..at] + token[at..].Replace('-', '+').Replace('_', '/');

        Assert.Null(Verify(standard));
    }

    [Fact]
    public void Verify_NonCanonicalSignatureEncoding_ReturnsNull()
    {
        var token = Jwt.Sign(Key, w => w.WriteString("sub", "a"));
        var at = token.Length - 10;

        Assert.Null(Verify(token + "=="));
        Assert.Null(Verify(token[..at] + " " + token[at..]));
        Assert.Null(Verify(token[..at] + "\n" + token[at..]));
    }

    private static VerifiedJwt? Verify(string token) => Jwt.Verify(token, kid => Keys.GetValueOrDefault(kid));

    private static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>An RS256 token with exactly this header and payload JSON, signed by our key (or <paramref name="signer"/>).</summary>
    private static string Forge(string headerJson, string payloadJson, RSA? signer = null) =>
        SignRaw(B64(headerJson) + "." + B64(payloadJson), signer);

    private static string SignRaw(string signingInput, RSA? signer = null)
    {
        var signature = (signer ?? Rsa).SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static string ChangeCharAt(string token, int index)
    {
        Assert.Matches(new Regex("^[A-Za-z0-9_-]$"), token[index].ToString());
        var replacement = token[index] == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, index), replacement.ToString(), token.AsSpan(index + 1));
    }
}
