using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sesame.Aws;

namespace Sesame.Delivery.Aws;

/// <summary>
/// Signs an outgoing request with AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
/// the canonical request over method, path, query, the <c>host</c>, <c>content-type</c>, <c>x-amz-date</c> (and session
/// token) headers and the SHA-256 of the body; the key derived from the secret, date, region and service.
/// </summary>
internal sealed class AwsSigner(string region, string service, TimeProvider time)
{
    private readonly AwsCredentials? _keys;

    /// <summary>A signer with fixed keys (the admin API's callers, tests).</summary>
    public AwsSigner(string accessKeyId, string secretAccessKey, string? sessionToken, string region, string service, TimeProvider time)
        : this(region, service, time) => _keys = new AwsCredentials(accessKeyId, secretAccessKey, sessionToken, null);

    /// <summary>Signs with the keys this signer was made with.</summary>
    public void Sign(HttpRequestMessage request, byte[] body, string? contentType) =>
        Sign(request, body, contentType, _keys ?? throw new InvalidOperationException("This signer was made without keys: pass the credentials."));

    /// <param name="contentType">The body's content type, signed with it; null for a request without a body.</param>
    /// <param name="credentials">What to sign with: a session token, when there is one, is signed and sent as <c>X-Amz-Security-Token</c>.</param>
    public void Sign(HttpRequestMessage request, byte[] body, string? contentType, AwsCredentials credentials)
    {
        var sessionToken = credentials.SessionToken;
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
        // Uri keeps the path and query encoded once; SigV4Math wants them decoded.
        var canonical = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(SigV4Math.CanonicalPath(uri.AbsolutePath.Split('/').Select(Uri.UnescapeDataString))).Append('\n')
            .Append(SigV4Math.CanonicalQuery(QueryPairs(uri.Query))).Append('\n');
        foreach (var (header, value) in headers)
        {
            canonical.Append(header).Append(':').Append(value.Trim()).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var scope = SigV4Math.Scope(date, region, service);
        var signature = SigV4Math.Signature(credentials.SecretAccessKey, amzDate, date, region, service, canonical.ToString());

        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        if (!string.IsNullOrEmpty(sessionToken))
        {
            request.Headers.TryAddWithoutValidation("x-amz-security-token", sessionToken);
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            $"{SigV4Math.Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private static IEnumerable<(string Key, string Value)> QueryPairs(string query) =>
        query.Length <= 1
            ? []
            : query[1..].Split('&')
                .Select(pair => pair.Split('=', 2))
                .Select(p => (Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty)));
}
