using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sesame.Configuration;

namespace Sesame.Delivery.Receipts;

/// <summary>
/// Vonage's signed webhooks (developer.vonage.com/en/getting-started/concepts/signing-messages), as its SDKs check them:
/// <list type="bullet">
/// <item>the <c>sig</c> parameter: every other parameter sorted by name, each as <c>&amp;name=value</c> with any
/// <c>&amp;</c> or <c>=</c> inside a name or value replaced by <c>_</c>; then the upper-case hex HMAC of that string
/// keyed by the signature secret (SHA-256, SHA-512, SHA-1, MD5), or, for <c>Md5Hash</c>, the lower-case hex MD5 of the
/// string followed by the secret. Its <c>timestamp</c> (Unix seconds) must be within five minutes of now, so an old
/// receipt cannot be replayed;</item>
/// <item>a JWT: <c>Authorization: Bearer</c> an HS256 token signed with the secret, whose <c>payload_hash</c> is the hex
/// SHA-256 of the body and whose <c>iat</c> is within five minutes of now.</item>
/// </list>
/// </summary>
internal static class VonageReceipts
{
    public static bool Authentic(
        string secret, VonageSignatureMethod method, HttpRequest request, byte[] body, IReadOnlyDictionary<string, string> fields, DateTimeOffset now, TimeSpan skew)
    {
        if (method == VonageSignatureMethod.Jwt)
        {
            var header = request.Headers.Authorization.ToString();
            return header.StartsWith("Bearer ", StringComparison.Ordinal) && JwtAuthentic(header[7..].Trim(), secret, body, now, skew);
        }

        if (!fields.TryGetValue("sig", out var sig) || !fields.TryGetValue("timestamp", out var t)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > skew)
        {
            return false;
        }

        var expected = Signature(secret, method, fields);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sig.ToUpperInvariant()), Encoding.ASCII.GetBytes(expected.ToUpperInvariant()));
    }

    /// <summary>The <c>sig</c> of a set of parameters (the <c>sig</c> parameter itself is left out).</summary>
    internal static string Signature(string secret, VonageSignatureMethod method, IReadOnlyDictionary<string, string> fields)
    {
        var signed = new StringBuilder();
        foreach (var (name, value) in fields.Where(f => f.Key != "sig").OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            signed.Append('&').Append(Clean(name)).Append('=').Append(Clean(value));
        }

        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.UTF8.GetBytes(signed.ToString());
#pragma warning disable CA5350, CA5351 // Vonage's schemes include MD5 and SHA-1: verifying one the account chose is not choosing it.
        return method switch
        {
            VonageSignatureMethod.Md5Hash => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(signed.Append(secret).ToString()))),
            VonageSignatureMethod.Md5Hmac => Convert.ToHexString(HMACMD5.HashData(key, data)),
            VonageSignatureMethod.Sha1Hmac => Convert.ToHexString(HMACSHA1.HashData(key, data)),
            VonageSignatureMethod.Sha512Hmac => Convert.ToHexString(HMACSHA512.HashData(key, data)),
            _ => Convert.ToHexString(HMACSHA256.HashData(key, data)),
        };
#pragma warning restore CA5350, CA5351
    }

    private static string Clean(string text) => text.Replace('&', '_').Replace('=', '_');

    private static bool JwtAuthentic(string token, string secret, byte[] body, DateTimeOffset now, TimeSpan skew)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256")
            {
                return false;
            }

            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url(parts[2])))
            {
                return false;
            }

            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            var root = claims.RootElement;
            if (!root.TryGetProperty("iat", out var iat) || !iat.TryGetInt64(out var issued)
                || (now - DateTimeOffset.FromUnixTimeSeconds(issued)).Duration() > skew
                || (root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var expires) && DateTimeOffset.FromUnixTimeSeconds(expires) < now))
            {
                return false;
            }

            return root.TryGetProperty("payload_hash", out var hash) && hash.GetString() is { } given
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given.ToLowerInvariant()), Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(body))));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }

    private static byte[] Base64Url(string part)
    {
        var padded = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
