using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sesame.Aws;

/// <summary>
/// The parts of AWS Signature Version 4 that signing (outgoing SNS/SES calls) and verifying (incoming admin calls) share:
/// canonical path and query, the string to sign and the derived key
/// (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
/// </summary>
internal static class SigV4Math
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static string Scope(string date, string region, string service) => $"{date}/{region}/{service}/aws4_request";

    /// <summary>The hex signature of a canonical request, with the key derived from the secret, date, region and service.</summary>
    public static string Signature(string secret, string amzDate, string date, string region, string service, string canonicalRequest)
    {
        var stringToSign = $"{Algorithm}\n{amzDate}\n{Scope(date, region, service)}\n"
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    /// <summary>Every service but S3 URI-encodes each (decoded) path segment twice.</summary>
    public static string CanonicalPath(IEnumerable<string> decodedSegments)
    {
        var path = string.Join('/', decodedSegments.Select(segment => UriEncode(UriEncode(segment))));
        return path.Length == 0 ? "/" : path;
    }

    /// <summary>Decoded name/value pairs, encoded once and sorted by name, then value.</summary>
    public static string CanonicalQuery(IEnumerable<(string Key, string Value)> decodedPairs) =>
        string.Join('&', decodedPairs
            .Select(p => (Key: UriEncode(p.Key), Value: UriEncode(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

    /// <summary>RFC 3986 unreserved characters stay; everything else is %XX (upper case), as SigV4 requires.</summary>
    public static string UriEncode(string value)
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

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
