using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Pools;
using Sesame.Tests.TestSupport;
using Sesame.Tokens;

namespace Sesame.Tests.CognitoApi;

/// <summary>
/// The negative JWT corpus of security.md S13 (RFC 8725's attacks and then some) at every operation that takes an
/// access token: every token is refused in Cognito's shape, none causes a 5xx, and nothing is logged as an error.
/// </summary>
public sealed class MalformedTokenTests : IDisposable
{
    private readonly CollectingLogs _logs = new();
    private readonly SesameApp _app;

    public MalformedTokenTests() => _app = new SesameApp(services: s => s.AddSingleton<ILoggerProvider>(_logs));

    public void Dispose() => _app.Dispose();

    // Operations that take an access token, each with the other members it needs to get as far as the token check.
    private static readonly (string Operation, Func<string, object> Body)[] Operations =
    [
        ("GetUser", t => new { AccessToken = t }),
        ("UpdateUserAttributes", t => new { AccessToken = t, UserAttributes = new[] { new { Name = "name", Value = "x" } } }),
        ("GetUserAttributeVerificationCode", t => new { AccessToken = t, AttributeName = "phone_number" }),
        ("VerifyUserAttribute", t => new { AccessToken = t, AttributeName = "phone_number", Code = "123456" }),
        ("DeleteUser", t => new { AccessToken = t }),
        ("GlobalSignOut", t => new { AccessToken = t }),
    ];

    [Fact]
    public async Task AccessTokenOperations_NegativeCorpus_AllNotAuthorized()
    {
        var corpus = await CorpusAsync();
        Assert.True(corpus.Count >= 40, $"the corpus has {corpus.Count} tokens");

        var failures = new List<string>();
        foreach (var (name, token) in corpus)
        {
            foreach (var (operation, body) in Operations)
            {
                var response = await _app.CallAsync(operation, body(token));
                if (response.Status != 400 || response.ErrorType != "NotAuthorizedException")
                {
                    failures.Add($"{operation} with {name}: {response.Status} {response.ErrorType}");
                }
            }
        }

        Assert.Empty(failures);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error || e.Exception is not null);
    }

    [Fact]
    public async Task AccessTokenOperations_OutsideTokenAlphabetOrTooLong_InvalidParameter()
    {
        // Cognito's model constrains AccessToken to [A-Za-z0-9-_=.]+; Sesame also bounds it at 16 KiB. These are refused
        // by member validation, before any token parsing, as Cognito does.
        var (valid, _) = await SignedInAsync();
        string[] tokens =
        [
            valid.Replace('.', ' '),                                          // whitespace
            "{\"payload\":\"e30\",\"signatures\":[{\"protected\":\"e30\",\"signature\":\"\"}]}", // JSON-serialised JWS
            valid.Replace('-', '+').Replace('_', '/') + "+/",                 // standard base64 alphabet
            new string('A', 17 * 1024),                                       // over 16 KiB
        ];

        foreach (var token in tokens)
        {
            foreach (var (operation, body) in Operations)
            {
                var response = await _app.CallAsync(operation, body(token));
                Assert.Equal(400, response.Status);
                Assert.Equal("InvalidParameterException", response.ErrorType);
            }
        }

        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error || e.Exception is not null);
    }

    private async Task<(string AccessToken, string IdToken)> SignedInAsync()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var result = await _app.SignInAsync(phone);
        return (result["AccessToken"]!.GetValue<string>(), result["IdToken"]!.GetValue<string>());
    }

    private async Task<List<(string Name, string Token)>> CorpusAsync()
    {
        var (access, id) = await SignedInAsync();
        var (revoked, _) = await SignedInAsync();
        (await _app.CallAsync("GlobalSignOut", new { AccessToken = revoked })).AssertOk();

        var pool = _app.Services.GetRequiredService<UserPools>().FindPool(SesameApp.PoolId)!;
        var keys = await _app.Services.GetRequiredService<SigningKeys>().ForPoolAsync(pool, CancellationToken.None);
        var parts = access.Split('.');
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        var kid = header["kid"]!.GetValue<string>();
        var now = _app.Clock.GetUtcNow().ToUnixTimeSeconds();

        string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        string B64Bytes(byte[] bytes) => Base64Url.EncodeToString(bytes);
        string Claims(Action<JsonObject> change)
        {
            var copy = claims.DeepClone().AsObject();
            change(copy);
            return copy.ToJsonString();
        }

        string Rs256(RSA rsa, string headerJson, string payloadJson)
        {
            var input = B64(headerJson) + "." + B64(payloadJson);
            return input + "." + B64Bytes(rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }

        var rs256 = $"{{\"kid\":\"{kid}\",\"alg\":\"RS256\"}}";
        string WithAccessKey(string payloadJson) => Rs256(keys.Signer(SigningKeys.AccessPurpose, DateTimeOffset.UtcNow).Rsa, rs256, payloadJson);
        string Unsigned(string headerJson) => B64(headerJson) + "." + parts[1] + "." + parts[2];

        // HS256 with the RSA public key as the HMAC secret: the classic algorithm-confusion attack.
        var publicKey = keys.Signer(SigningKeys.AccessPurpose, DateTimeOffset.UtcNow).Rsa.ExportSubjectPublicKeyInfo();
        var hsInput = B64($"{{\"kid\":\"{kid}\",\"alg\":\"HS256\"}}") + "." + parts[1];
        var hs256 = hsInput + "." + B64Bytes(HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes(hsInput)));
        var hsPem = Encoding.ASCII.GetBytes(keys.Signer(SigningKeys.AccessPurpose, DateTimeOffset.UtcNow).Rsa.ExportSubjectPublicKeyInfoPem());
        var hs256Pem = hsInput + "." + B64Bytes(HMACSHA256.HashData(hsPem, Encoding.ASCII.GetBytes(hsInput)));

        using var stranger = RSA.Create(2048);
        var invalidUtf8Header = B64Bytes([.. "{\"alg\":\"RS256\",\"kid\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\"}"u8.ToArray()]);
        var invalidUtf8Payload = B64Bytes([.. "{\"sub\":\""u8.ToArray(), 0xFF, 0xFE, .. "\"}"u8.ToArray()]);
        var idParts = id.Split('.');

        return
        [
            ("alg none", B64($"{{\"kid\":\"{kid}\",\"alg\":\"none\"}}") + "." + parts[1] + "."),
            ("alg None", B64($"{{\"kid\":\"{kid}\",\"alg\":\"None\"}}") + "." + parts[1] + "."),
            ("alg noNE", B64($"{{\"kid\":\"{kid}\",\"alg\":\"noNE\"}}") + "." + parts[1] + "."),
            ("alg none with signature", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"none\"}}")),
            ("alg rs256 lowercase", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"rs256\"}}")),
            ("alg RS512", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"RS512\"}}")),
            ("alg PS256", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"PS256\"}}")),
            ("HS256 with the public key (DER)", hs256),
            ("HS256 with the public key (PEM)", hs256Pem),
            ("ES256 with r = s = 0", B64($"{{\"kid\":\"{kid}\",\"alg\":\"ES256\"}}") + "." + parts[1] + "." + B64Bytes(new byte[64])),
            ("unknown kid", Unsigned("{\"kid\":\"no-such-key\",\"alg\":\"RS256\"}")),
            ("kid path traversal", Unsigned("{\"kid\":\"../../../../etc/passwd\",\"alg\":\"RS256\"}")),
            ("kid SQL", Unsigned("{\"kid\":\"x' OR '1'='1\",\"alg\":\"RS256\"}")),
            ("kid a number", Unsigned("{\"kid\":7,\"alg\":\"RS256\"}")),
            ("no kid", Unsigned("{\"alg\":\"RS256\"}")),
            ("jku injection", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"RS256\",\"jku\":\"http://127.0.0.1:1/jwks.json\"}}")),
            ("x5u injection", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"RS256\",\"x5u\":\"http://127.0.0.1:1/cert.pem\"}}")),
            ("jwk injection", Rs256(stranger, $"{{\"kid\":\"{kid}\",\"alg\":\"RS256\",\"jwk\":{{\"kty\":\"RSA\",\"n\":\"{B64Bytes(stranger.ExportParameters(false).Modulus!)}\",\"e\":\"AQAB\"}}}}", claims.ToJsonString())),
            ("x5c injection", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"RS256\",\"x5c\":[\"{Convert.ToBase64String(publicKey)}\"]}}")),
            ("crit header", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"RS256\",\"crit\":[\"exp\"]}}")),
            ("duplicate alg in header", Unsigned($"{{\"kid\":\"{kid}\",\"alg\":\"RS256\",\"alg\":\"none\"}}")),
            ("header not JSON", B64("hello") + "." + parts[1] + "." + parts[2]),
            ("header a JSON array", B64("[\"RS256\"]") + "." + parts[1] + "." + parts[2]),
            ("header invalid UTF-8", invalidUtf8Header + "." + parts[1] + "." + parts[2]),
            ("payload invalid UTF-8", B64(rs256) + "." + invalidUtf8Payload + "." + parts[2]),
            ("signed by a stranger's key", Rs256(stranger, rs256, claims.ToJsonString())),
            ("tampered payload", parts[0] + "." + B64(Claims(c => c["username"] = "someone-else")) + "." + parts[2]),
            ("signature of the ID token", parts[0] + "." + parts[1] + "." + idParts[2]),
            ("truncated signature", access[..^10]),
            ("empty signature", parts[0] + "." + parts[1] + "."),
            ("4 segments", access + "." + parts[2]),
            ("6 segments", access + "." + parts[1] + "." + parts[2] + "." + parts[2]),
            ("JWE with zip DEF", B64($"{{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\",\"zip\":\"DEF\",\"kid\":\"{kid}\"}}") + ".AAAA.AAAA.AAAA.AAAA"),
            ("padded segments", parts[0] + "=." + parts[1] + "." + parts[2]),
            ("empty", "."),
            ("two dots", ".."),
            ("ID token as access token", id),
            ("access claims signed with the ID key", Rs256(keys.Signer(SigningKeys.IdPurpose, DateTimeOffset.UtcNow).Rsa, $"{{\"kid\":\"{keys.Signer(SigningKeys.IdPurpose, DateTimeOffset.UtcNow).Kid}\",\"alg\":\"RS256\"}}", claims.ToJsonString())),
            ("token_use id", WithAccessKey(Claims(c => c["token_use"] = "id"))),
            ("expired", WithAccessKey(Claims(c => { c["exp"] = now - 1; c["iat"] = now - 3600; }))),
            ("exp a string", WithAccessKey(Claims(c => c["exp"] = (now + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture)))),
            ("no exp", WithAccessKey(Claims(c => c.Remove("exp")))),
            ("nbf in the future", WithAccessKey(Claims(c => c["nbf"] = now + 3600))),
            ("iat far in the future", WithAccessKey(Claims(c => c["iat"] = now + 3600))),
            ("wrong iss", WithAccessKey(Claims(c => c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/" + SesameApp.PoolId))),
            ("unknown client_id", WithAccessKey(Claims(c => c["client_id"] = "nosuchclient000000000000"))),
            ("no scope", WithAccessKey(Claims(c => c.Remove("scope")))),
            ("duplicate token_use in payload, last one access", WithAccessKey(Claims(c => c["token_use"] = "id")[..^1] + ",\"token_use\":\"access\"}")),
            ("payload a JSON array", WithAccessKey("[1,2,3]")),
            ("revoked by GlobalSignOut", revoked),
        ];
    }
}
