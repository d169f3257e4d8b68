using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sesame.Delivery.Aws;

/// <summary>
/// Signs an outgoing request with AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
/// the canonical request over method, path, query, the <c>host</c>, <c>content-type</c>, <c>x-amz-date</c> (and session
/// token) headers and the SHA-256 of the body; the key derived from the secret, date, region and service.
/// </summary>
internal sealed class AwsSigner(string accessKeyId, string secretAccessKey, string? sessionToken, string region, string service, TimeProvider time)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    /// <param name="contentType">The body's content type, signed with it; null for a request without a body.</param>
    public void Sign(HttpRequestMessage request, byte[] body, string? contentType)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var uri = request.RequestUri!;
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host,
            ["x-amz-date"] = amzDate,
        };
        if (contentType is not null)
        {
            headers["content-type"] = contentType;
        }

        if (!string.IsNullOrEmpty(sessionToken))
        {
            headers["x-amz-security-token"] = sessionToken;
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(CanonicalPath(uri.AbsolutePath)).Append('\n')
            .Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var (header, value) in headers)
        {
            canonical.Append(header).Append(':').Append(value.Trim()).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));

        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        if (!string.IsNullOrEmpty(sessionToken))
        {
            request.Headers.TryAddWithoutValidation("x-amz-security-token", sessionToken);
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    // Non-S3 services encode each path segment twice; our paths arrive encoded once from Uri.
    private static string CanonicalPath(string path) =>
        path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(s => Encode(Uri.UnescapeDataString(s), twice: true)));

    private static string CanonicalQuery(string query) =>
        query.Length <= 1
            ? string.Empty
            : string.Join('&', query[1..].Split('&')
                .Select(pair => pair.Split('=', 2))
                .Select(p => (Key: Encode(Uri.UnescapeDataString(p[0]), false), Value: Encode(Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty), false)))
                .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
                .Select(p => p.Key + "=" + p.Value));

    private static string Encode(string value, bool twice)
    {
        var once = EncodeOnce(value);
        return twice ? EncodeOnce(once) : once;
    }

    private static string EncodeOnce(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
