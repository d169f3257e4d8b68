using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sesame.Load;

/// <summary>
/// AWS Signature Version 4 for the admin calls that pre-create users (service <c>cognito-idp</c>), written from
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html. Only POST to the endpoint's root.
/// </summary>
internal sealed class SigV4(string keyId, string secret, string region)
{
    private const string SignedHeaders = "content-type;host;x-amz-date;x-amz-target";

    /// <summary>Parses <c>keyId:secret</c>.</summary>
    public static SigV4 Parse(string value, string region)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
        {
            throw new ArgumentException("--admin-key must be <access key id>:<secret>.");
        }

        return new SigV4(value[..colon], value[(colon + 1)..], region);
    }

    public void Sign(HttpRequestMessage request, byte[] payload, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var target = string.Join(",", request.Headers.GetValues("X-Amz-Target"));
        var host = request.RequestUri!.Authority;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        var canonical = $"POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\n"
            + $"{SignedHeaders}\n{Convert.ToHexStringLower(SHA256.HashData(payload))}";
        var scope = $"{date}/{region}/cognito-idp/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, "cognito-idp");
        key = Hmac(key, "aws4_request");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={keyId}/{scope}, SignedHeaders={SignedHeaders}, Signature={Convert.ToHexStringLower(Hmac(key, toSign))}");
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
