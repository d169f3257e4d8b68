using System.Globalization;
using System.Text;

// A seeded generator of test input: the same seed must give the same requests, which is what System.Random is for.
#pragma warning disable CA5394

namespace Sesame.Load;

/// <summary>One generated request: what a client that does not follow the protocol might send.</summary>
/// <param name="Target">The <c>X-Amz-Target</c> header, if any.</param>
/// <param name="Headers">Further headers, sent without validation (Authorization, X-Amz-Date, X-Forwarded-For …).</param>
internal sealed record MalformedRequest(
    string Method, string Path, string? Target, string? ContentType, byte[] Body, IReadOnlyList<(string Name, string Value)> Headers)
{
    /// <summary>
    /// The request as HttpClient sends it. Header values keep printable ASCII only (HttpClient refuses the rest before
    /// sending); everything else — body bytes, path, target text — goes as generated.
    /// </summary>
    public HttpRequestMessage ToHttpRequestMessage(Uri server)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(server.GetLeftPart(UriPartial.Authority) + Path))
        {
            Content = new ByteArrayContent(Body),
        };
        message.Content.Headers.Remove("Content-Type");
        if (ContentType is not null)
        {
            message.Content.Headers.TryAddWithoutValidation("Content-Type", Ascii(ContentType));
        }

        if (Target is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Target", Ascii(Target));
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, Ascii(value));
        }

        return message;
    }

    private static string Ascii(string value) => string.Concat(value.Where(c => c is >= ' ' and < (char)0x7F));

    /// <summary>A short description to reproduce a finding: method, path, target, body size and its first bytes.</summary>
    public string Describe() =>
        $"{Method} {Path} target={Target ?? "-"} type={ContentType ?? "-"} {Body.Length} B: "
        + Convert.ToHexString(Body, 0, Math.Min(Body.Length, 48));
}

/// <summary>
/// A bounded, seeded mutator of requests (docs/security.md, malformed input): a body that is almost a real Cognito
/// request, mutated — wrong types, huge numbers, deep nesting, duplicate keys, invalid UTF-8, lone surrogates,
/// truncation, garbage — or a random body, sent to random <c>X-Amz-Target</c> values and paths with random headers.
/// Bodies never exceed <see cref="MaxBody"/>; the same seed gives the same requests.
/// </summary>
internal sealed class MalformedRequests(int seed, string poolId = "us-east-1_SesameDev", string clientId = "sesamedevclient0000000000")
{
    /// <summary>The largest body generated (1 MiB).</summary>
    public const int MaxBody = 1 << 20;

    private static readonly string[] Operations =
    [
        "SignUp", "ConfirmSignUp", "ResendConfirmationCode", "InitiateAuth", "RespondToAuthChallenge", "GetUser", "DeleteUser",
        "UpdateUserAttributes", "VerifyUserAttribute", "GetUserAttributeVerificationCode", "GlobalSignOut", "RevokeToken",
        "GetTokensFromRefreshToken", "AdminCreateUser", "AdminGetUser", "AdminDeleteUser", "AdminInitiateAuth", "ListUsers",
        "AdminUpdateUserAttributes", "AdminDisableUser", "AdminEnableUser", "AdminUserGlobalSignOut", "CreateUserPool",
        "DescribeUserPool", "ListUserPools", "CreateUserPoolClient", "DescribeUserPoolClient", "ListUserPoolClients",
        "CreateGroup", "AdminAddUserToGroup", "ListGroups", "ForgotPassword", "ChangePassword", "AssociateSoftwareToken",
    ];

    private static readonly string[] Flows =
        ["CUSTOM_AUTH", "USER_AUTH", "USER_PASSWORD_AUTH", "USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "ADMIN_USER_PASSWORD_AUTH", "x"];

    private static readonly string[] Paths =
    [
        "/", "/", "/", "/", "/oauth2/token", "/oauth2/authorize", "/oauth2/userInfo", "/oauth2/revoke", "/logout", "/login",
        "/health", "/health/ready", "/metrics", "/admin/limits", "/admin/limits/prefixes", "/admin/messages",
        "/delivery/receipts/twilio", "/delivery/receipts/plivo", "/delivery/receipts/http", "/dev/outbox",
        "/{pool}/.well-known/jwks.json", "/{pool}/.well-known/openid-configuration", "/admin/user-pools/{pool}/signing-keys",
        "/admin/user-pools/{pool}/signing-keys/rotate", "/%ff%fe", "/..%2f..%2fetc%2fpasswd", "/{pool}/.well-known/%00", "//",
    ];

    private static readonly string[] Methods = ["POST", "POST", "POST", "GET", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD"];

    private static readonly string?[] ContentTypes =
    [
        "application/x-amz-json-1.1", "application/x-amz-json-1.1", "application/x-amz-json-1.1", "application/json",
        "application/x-www-form-urlencoded", "text/plain", null, "application/x-amz-json-1.1; charset=utf-16", "multipart/form-data; boundary=",
        "\u00ff/\u00fe",
    ];

    private readonly Random _random = new(seed);

    public MalformedRequest Next()
    {
        var r = _random;
        var path = Pick(Paths).Replace("{pool}", r.Next(4) == 0 ? RandomText(12) : poolId, StringComparison.Ordinal);
        if (r.Next(20) == 0)
        {
            path = "/" + string.Join('/', Enumerable.Range(0, r.Next(1, 6)).Select(_ => Uri.EscapeDataString(RandomText(r.Next(1, 40)))));
        }

        if (r.Next(30) == 0)
        {
            path += "?" + Uri.EscapeDataString(RandomText(r.Next(1, 200))) + "=" + Uri.EscapeDataString(RandomText(r.Next(0, 200)));
        }

        var operation = Pick(Operations);
        var target = r.Next(10) switch
        {
            0 => null,
            1 => "AWSCognitoIdentityProviderService." + RandomText(r.Next(0, 40)),
            2 => RandomText(r.Next(0, 80)),
            3 => "AWSCognitoIdentityProviderService." + operation.ToLowerInvariant(),
            _ => "AWSCognitoIdentityProviderService." + operation,
        };
        var body = r.Next(12) switch
        {
            0 => RandomBytes(r.Next(0, 2048)),
            1 => Encoding.UTF8.GetBytes(Deep(r.Next(10, r.Next(8) == 0 ? 100_000 : 2_000))),
            2 => Form(),
            _ => Mutated(operation),
        };
        if (r.Next(200) == 0)
        {
            body = Big();
        }

        var headers = new List<(string, string)>();
        if (r.Next(6) == 0)
        {
            headers.Add(("Authorization", r.Next(2) == 0
                ? $"AWS4-HMAC-SHA256 Credential={RandomText(20)}/20261203/us-east-1/cognito-idp/aws4_request, SignedHeaders={RandomText(10)}, Signature={RandomText(64)}"
                : RandomText(r.Next(0, 300))));
        }

        if (r.Next(8) == 0)
        {
            headers.Add(("X-Amz-Date", r.Next(2) == 0 ? "20261203T" + RandomText(7) : RandomText(r.Next(0, 30))));
        }

        if (r.Next(10) == 0)
        {
            headers.Add(("X-Forwarded-For", RandomText(r.Next(0, 60))));
        }

        if (r.Next(15) == 0)
        {
            headers.Add(("Origin", "https://" + RandomText(r.Next(0, 30))));
        }

        if (r.Next(15) == 0)
        {
            headers.Add(("X-Twilio-Signature", RandomText(r.Next(0, 40))));
        }

        return new MalformedRequest(Pick(Methods), path, target, Pick(ContentTypes), body[..Math.Min(body.Length, MaxBody)], headers);
    }

    /// <summary>An almost valid request of the operation, then zero to three mutations of its text.</summary>
    private byte[] Mutated(string operation)
    {
        var r = _random;
        var members = new List<(string Name, string Json)>
        {
            ("ClientId", Str(clientId)),
            ("UserPoolId", Str(poolId)),
            ("Username", Str("+1555" + r.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture))),
            ("AuthFlow", Str(Pick(Flows))),
            ("AuthParameters", $"{{\"USERNAME\":{Str("+15550000000")},\"PASSWORD\":{Str("Passw0rd!")},\"SRP_A\":{Str("ab12")},\"REFRESH_TOKEN\":{Str(RandomText(40))}}}"),
            ("ChallengeName", Str(Pick(["CUSTOM_CHALLENGE", "SMS_OTP", "EMAIL_OTP", "PASSWORD_VERIFIER", "SELECT_CHALLENGE", "NEW_PASSWORD_REQUIRED"]))),
            ("ChallengeResponses", $"{{\"USERNAME\":{Str("+15550000000")},\"ANSWER\":{Str("123456")}}}"),
            ("Session", Str(RandomText(r.Next(0, 600)))),
            ("AccessToken", Str("eyJ" + RandomText(r.Next(0, 400)))),
            ("ConfirmationCode", Str("123456")),
            ("Password", Str("Passw0rd!")),
            ("UserAttributes", $"[{{\"Name\":\"email\",\"Value\":{Str(RandomText(8) + "@example.com")}}}]"),
            ("ClientMetadata", $"{{\"k\":{Str(RandomText(5))}}}"),
            ("Limit", r.Next(-5, 100).ToString(CultureInfo.InvariantCulture)),
            ("PaginationToken", Str(RandomText(r.Next(0, 100)))),
            ("Filter", Str("phone_number ^= \"" + RandomText(5) + "\"")),
            ("GroupName", Str(RandomText(10))),
            ("PoolName", Str(RandomText(10))),
            ("ClientName", Str(RandomText(10))),
        };

        // Keep a random subset, replace some values with values of the wrong type, duplicate some keys.
        var kept = members.Where(_ => r.Next(3) != 0).Select(m => r.Next(5) == 0 ? (m.Name, Json: Wrong()) : m).ToList();
        if (r.Next(5) == 0 && kept.Count > 0)
        {
            var twice = kept[r.Next(kept.Count)];
            kept.Add((twice.Name, Json: Wrong()));
        }

        if (r.Next(10) == 0)
        {
            kept.Add((Name: RandomText(r.Next(0, 30)), Json: Wrong()));
        }

        var text = "{" + string.Join(',', kept.Select(m => Str(m.Name) + ":" + m.Json)) + "}";
        if (r.Next(8) == 0)
        {
            text = "\uFEFF" + text;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = r.Next(0, 4); i > 0 && bytes.Length > 0; i--)
        {
            bytes = r.Next(6) switch
            {
                0 => bytes[..r.Next(bytes.Length)],                                   // truncated
                1 => Insert(bytes, [0xC3]),                                            // a lead byte alone
                2 => Insert(bytes, [0xFF, 0xFE]),                                      // never valid in UTF-8
                3 => Insert(bytes, [0xED, 0xA0, 0x80]),                                // an encoded surrogate
                4 => Insert(bytes, Encoding.UTF8.GetBytes(Pick(["\\ud800", "\\u0000", "\"", "}", "]", ",", "\\", "\u0001", "\n"]))),
                _ => [.. bytes, .. Encoding.UTF8.GetBytes(Pick(["}", "garbage", "{}", "\0", " ".PadRight(1000)]))],
            };
        }

        return bytes;
    }

    /// <summary>A value of a type the member does not have, or an extreme one.</summary>
    private string Wrong()
    {
        var r = _random;
        return r.Next(16) switch
        {
            0 => "null",
            1 => "true",
            2 => "1e400",
            3 => "-1e400",
            4 => "123456789012345678901234567890123456789",
            5 => "-0",
            6 => "9223372036854775808",
            7 => "[]",
            8 => "{}",
            9 => "[" + string.Join(',', Enumerable.Repeat("{}", r.Next(1, 1000))) + "]",
            10 => Deep(r.Next(2, 200)),
            11 => Str(new string('a', r.Next(257, 70_000))),
            12 => Str(RandomText(r.Next(0, 50))),
            13 => "1.5",
            14 => "{\"Name\":null,\"Value\":[1]}",
            _ => "\"\\ud83d\"",
        };
    }

    private byte[] Form()
    {
        var r = _random;
        var pairs = Enumerable.Range(0, r.Next(0, 12)).Select(_ => Pick(["grant_type", "code", "client_id", "redirect_uri", "code_verifier", "refresh_token", "token", RandomText(6)])
            + "=" + (r.Next(4) == 0 ? "%" + RandomText(2) : Uri.EscapeDataString(RandomText(r.Next(0, 80)))));
        return Encoding.UTF8.GetBytes(string.Join(r.Next(5) == 0 ? "&&" : "&", pairs));
    }

    private byte[] Big()
    {
        var size = _random.Next(64 * 1024, MaxBody + 1);
        var prefix = Encoding.UTF8.GetBytes("{\"ClientId\":\"" + clientId + "\",\"Username\":\"");
        var body = new byte[size];
        prefix.CopyTo(body, 0);
        body.AsSpan(prefix.Length).Fill((byte)'a');
        if (_random.Next(2) == 0 && size > prefix.Length + 2)
        {
            "\"}"u8.CopyTo(body.AsSpan(size - 2));
        }

        return body;
    }

    private string Deep(int depth)
    {
        var open = _random.Next(2) == 0 ? '[' : '{';
        var sb = new StringBuilder(depth * 6);
        for (var i = 0; i < depth; i++)
        {
            sb.Append(open == '[' ? "[" : "{\"a\":");
        }

        sb.Append('1');
        if (_random.Next(3) != 0)
        {
            sb.Append(open == '[' ? ']' : '}', depth);
        }

        return sb.ToString();
    }

    private static byte[] Insert(byte[] bytes, byte[] what) => [.. bytes[..(bytes.Length / 2)], .. what, .. bytes[(bytes.Length / 2)..]];

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Printable ASCII mostly, with some non-ASCII letters, controls and JSON-significant characters.</summary>
    private string RandomText(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+=/@:%&?# \"\\{}[]éß中\u0001\u007f\u200b";
        return string.Create(length, _random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }

    private static string Str(string value) => "\"" + System.Text.Json.JsonEncodedText.Encode(value).Value + "\"";

    private T Pick<T>(T[] from) => from[_random.Next(from.Length)];
}
