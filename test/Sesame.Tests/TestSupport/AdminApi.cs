using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sesame.Tests.TestSupport;

/// <summary>
/// Calls IAM-authorised operations signed with AWS Signature Version 4 with any key, date and region, and lets a test
/// tamper with the signed request; <see cref="AdminCallAsync"/> signs with the development key. Written from
/// the AWS documentation, independently of the server's verifier; the conformance suite signs with the real AWS SDK.
/// </summary>
internal static class AdminApi
{
    public const string KeyId = "sesame-dev";
    public const string Secret = "sesame-dev-secret";

    public static Task<CognitoResponse> AdminCallAsync(this SesameApp app, string operation, object body) =>
        app.SignedCallAsync(operation, body, KeyId, Secret);

    public static async Task<CognitoResponse> SignedCallAsync(
        this SesameApp app, string operation, object body, string keyId, string secret, DateTimeOffset? signedAt = null,
        string region = "us-east-1", Action<HttpRequestMessage>? tamper = null)
    {
        using var client = app.CreateClient();
        var json = body is string s ? s : JsonSerializer.Serialize(body);
        var bytes = Encoding.UTF8.GetBytes(json);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        var target = "AWSCognitoIdentityProviderService." + operation;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        var amzDate = (signedAt ?? app.Clock.GetUtcNow()).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.Authorization = null;
        var date = amzDate[..8];
        var host = client.BaseAddress!.Authority;
        var canonical = $"POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\n"
            + $"content-type;host;x-amz-date;x-amz-target\n{Hex(SHA256.HashData(bytes))}";
        var scope = $"{date}/{region}/cognito-idp/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, "cognito-idp");
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, toSign));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={keyId}/{scope}, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={signature}");
        tamper?.Invoke(request);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new CognitoResponse((int)response.StatusCode, text, response.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value)),
            response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A SigV4-signed request with an empty body to one of Sesame's own admin paths (signed with the development key).</summary>
    public static async Task<(int Status, string Body)> AdminRestAsync(this SesameApp app, HttpMethod method, string path)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        var amzDate = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        var date = amzDate[..8];
        var host = client.BaseAddress!.Authority;
        var canonical = $"{method.Method}\n{path}\n\nhost:{host}\nx-amz-date:{amzDate}\n\nhost;x-amz-date\n{Hex(SHA256.HashData([]))}";
        var scope = $"{date}/us-east-1/cognito-idp/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + Secret), date);
        key = Hmac(key, "us-east-1");
        key = Hmac(key, "cognito-idp");
        key = Hmac(key, "aws4_request");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={KeyId}/{scope}, SignedHeaders=host;x-amz-date, Signature={Hex(Hmac(key, toSign))}");
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}

/// <summary>Plain HTTP requests to the <c>/admin/*</c> paths (and a protected <c>/metrics</c>), SigV4-signed like the AWS SDKs sign.</summary>
internal static class AdminHttp
{
    /// <summary>Sends <paramref name="method"/> to <paramref name="pathAndQuery"/>, signed with the development key at the app's clock (null secret: unsigned).</summary>
    public static async Task<HttpResponseMessage> SendAsync(this SesameApp app, HttpMethod method, string pathAndQuery, string? secret = AdminApi.Secret)
    {
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(method, new Uri(client.BaseAddress!, pathAndQuery));
        if (secret is not null)
        {
            new Sesame.Delivery.Aws.AwsSigner(AdminApi.KeyId, secret, null, "us-east-1", "cognito-idp", app.Clock).Sign(request, [], null);
        }

        return await client.SendAsync(request);
    }
}
