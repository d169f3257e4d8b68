using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sesame.Tests.TestSupport;

/// <summary>Calls the account tests share: Admin* operations signed as the AWS SDKs sign them, and token shortcuts.</summary>
internal static class AccountTestCalls
{
    public const string DevAccessKey = "sesame-dev";
    public const string DevSecretKey = "sesame-dev-secret";

    /// <summary>An IAM-authorised call with an AWS Signature Version 4 by the development key (service cognito-idp), dated by the app's clock.</summary>
    public static async Task<CognitoResponse> AdminCallAsync(this SesameApp app, string operation, object body)
    {
        using var client = app.CreateClient();
        var json = JsonSerializer.Serialize(body);
        var target = "AWSCognitoIdentityProviderService." + operation;
        var now = app.Clock.GetUtcNow();
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = client.BaseAddress!.Authority;
        var canonical = $"POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\n"
            + $"content-type;host;x-amz-date;x-amz-target\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(json)))}";
        var scope = $"{date}/us-east-1/cognito-idp/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + DevSecretKey), date);
        key = Hmac(key, "us-east-1");
        key = Hmac(key, "cognito-idp");
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, toSign));

        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={DevAccessKey}/{scope}, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={signature}");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new CognitoResponse((int)response.StatusCode, text,
            response.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value)), response.Content.Headers.ContentType?.MediaType);
    }

    public static string Access(this JsonNode tokens) => tokens["AccessToken"]!.GetValue<string>();

    public static string Refresh(this JsonNode tokens) => tokens["RefreshToken"]!.GetValue<string>();

    public static Task<CognitoResponse> GetUserAsync(this SesameApp app, string accessToken) =>
        app.CallAsync("GetUser", new { AccessToken = accessToken });

    public static Task<CognitoResponse> GetTokensAsync(this SesameApp app, string refreshToken, string clientId = SesameApp.ClientId) =>
        app.CallAsync("GetTokensFromRefreshToken", new { ClientId = clientId, RefreshToken = refreshToken });

    public static Dictionary<string, string> Attributes(this CognitoResponse getUser) =>
        getUser.Json["UserAttributes"]!.AsArray().ToDictionary(a => a!["Name"]!.GetValue<string>(), a => a!["Value"]!.GetValue<string>());

    /// <summary>The username the tokens name (the internal UUID for phone/email sign-ups).</summary>
    public static string Username(this JsonNode tokens)
    {
        var payload = tokens.Access().Split('.')[1];
        return JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload))!["username"]!.GetValue<string>();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
