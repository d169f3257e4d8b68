using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sesame.Aws;
using Sesame.Cognito;
using Sesame.Configuration;

namespace Sesame.CognitoApi;

/// <summary>The access key that signed an admin call, and the region its credential scope names.</summary>
internal sealed record AdminCaller(string AccessKeyId, string Region);

/// <summary>
/// Verifies AWS Signature Version 4 on IAM-authorised operations (the Admin* family, ListUsers, CreateUserPool, …),
/// against the access keys in <c>Sesame:AdminAccessKeys</c>. The AWS SDKs sign these requests with service
/// <c>cognito-idp</c>; Sesame recomputes the signature over the exact bytes received
/// (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
/// </summary>
internal sealed class SigV4(IOptions<SesameOptions> options, TimeProvider time)
{
    // AWS refuses requests whose x-amz-date is more than 15 minutes away from its clock.
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>Returns who signed the request and for which region, or throws the AWS error a client expects.</summary>
    public AdminCaller Authenticate(HttpRequest request, ReadOnlySpan<byte> body)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            throw CognitoErrors.Error("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        if (!authorization.StartsWith(SigV4Math.Algorithm + " ", StringComparison.Ordinal))
        {
            throw CognitoErrors.Error("IncompleteSignatureException", "Only AWS4-HMAC-SHA256 signatures are accepted.");
        }

        var fields = ParseFields(authorization[(SigV4Math.Algorithm.Length + 1)..]);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders)
            || !fields.TryGetValue("Signature", out var signature))
        {
            throw CognitoErrors.Error("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.");
        }

        // Credential = <key id>/<yyyyMMdd>/<region>/<service>/aws4_request
        var scopeParts = credential.Split('/');
        if (scopeParts.Length != 5 || scopeParts[4] != "aws4_request")
        {
            throw CognitoErrors.Error("IncompleteSignatureException", "Credential must have the form <key>/<date>/<region>/<service>/aws4_request.");
        }

        var (keyId, date, region, service) = (scopeParts[0], scopeParts[1], scopeParts[2], scopeParts[3]);
        var keys = options.Value.AdminAccessKeys;
        if (!keys.TryGetValue(keyId, out var secret) || string.IsNullOrEmpty(secret))
        {
            throw CognitoErrors.Error("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt)
            || !amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            throw CognitoErrors.Error("IncompleteSignatureException", "The request must carry an x-amz-date matching the credential scope.");
        }

        var now = time.GetUtcNow();
        if ((signedAt - now).Duration() > MaxSkew)
        {
            throw CognitoErrors.Error("InvalidSignatureException",
                $"Signature expired: {amzDate} is now earlier or later than the allowed 15 minutes from {now:yyyyMMdd'T'HHmmss'Z'}.");
        }

        var headerNames = signedHeaders.Split(';');
        if (!headerNames.Contains("host"))
        {
            throw CognitoErrors.Error("IncompleteSignatureException", "The host header must be signed.");
        }

        // The path arrives decoded once; the query values decoded.
        var canonical = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(SigV4Math.CanonicalPath((request.Path.Value ?? string.Empty).Split('/'))).Append('\n')
            .Append(SigV4Math.CanonicalQuery(request.Query.SelectMany(pair => pair.Value.Select(v => (pair.Key, v ?? string.Empty))))).Append('\n');
        foreach (var name in headerNames)
        {
            var value = name == "host" ? request.Host.Value ?? string.Empty : string.Join(",", request.Headers[name].Select(v => CollapseSpaces(v ?? string.Empty)));
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(body)));

        var expected = SigV4Math.Signature(secret, amzDate, date, region, service, canonical.ToString());

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            throw CognitoErrors.Error("InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
        }

        return new AdminCaller(keyId, region);
    }

    private static Dictionary<string, string> ParseFields(string value)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields[part[..eq].Trim()] = part[(eq + 1)..].Trim();
            }
        }

        return fields;
    }

    private static string CollapseSpaces(string value)
    {
        var trimmed = value.Trim();
        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    builder.Append(c);
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }
}
