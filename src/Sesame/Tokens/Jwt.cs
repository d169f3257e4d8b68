using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sesame.Tokens;

/// <summary>
/// Compact RS256 JWS, with the BCL only: Cognito's exact header, a stricter verifier than a general JWT library's, and
/// measured as fast as Microsoft.IdentityModel.JsonWebTokens, which the tests check it against both ways (docs/security.md).
/// Verification pins the algorithm (RFC 8725 §3.1): the header must say RS256 and name a key we hold.
/// </summary>
internal static class Jwt
{
    /// <summary>Tokens larger than this are refused before any parsing (RFC 8725bis: bound the work an attacker can cause).</summary>
    public const int MaxTokenLength = 16 * 1024;

    public static string Sign(SigningKey key, Action<Utf8JsonWriter> writePayload)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writePayload(writer);
            writer.WriteEndObject();
        }

        var header = key.EncodedHeader;
        var payloadLength = Base64Url.GetEncodedLength(buffer.WrittenCount);
        var signingInputLength = header.Length + 1 + payloadLength;
        var output = new byte[signingInputLength + 1 + Base64Url.GetEncodedLength(key.Rsa.KeySize / 8)];
        header.CopyTo(output);
        output[header.Length] = (byte)'.';
        Base64Url.EncodeToUtf8(buffer.WrittenSpan, output.AsSpan(header.Length + 1));
        var signature = key.Rsa.SignData(output.AsSpan(0, signingInputLength), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        output[signingInputLength] = (byte)'.';
        Base64Url.EncodeToUtf8(signature, output.AsSpan(signingInputLength + 1));
        return Encoding.ASCII.GetString(output);
    }

    /// <summary>Checks the signature and returns the payload, or null for anything not signed by one of our keys.</summary>
    public static VerifiedJwt? Verify(string token, Func<string, SigningKey?> findKey)
    {
        if (token.Length is 0 or > MaxTokenLength)
        {
            return null;
        }

        // One token, one spelling: only unpadded base64url characters and exactly two dots (RFC 7515 §2).
        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return null;
            }
        }

        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == token.Length - 1 || token.IndexOf('.', second + 1) >= 0)
        {
            return null;
        }

        try
        {
            var headerBytes = Base64Url.DecodeFromChars(token.AsSpan(0, first));
            string? alg = null, kid = null;
            var reader = new Utf8JsonReader(headerBytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "alg" when reader.TokenType == JsonTokenType.String && alg is null:
                        alg = reader.GetString();
                        break;
                    case "kid" when reader.TokenType == JsonTokenType.String && kid is null:
                        kid = reader.GetString();
                        break;
                    case "alg" or "kid" or "crit" or "zip" or "enc" or "jku" or "x5u" or "jwk":
                        // Duplicates, wrong types, and headers that would ask us to do more than verify RS256.
                        return null;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (alg != "RS256" || kid is null || findKey(kid) is not { } key)
            {
                return null;
            }

            var signature = Base64Url.DecodeFromChars(token.AsSpan(second + 1));
            if (signature.Length != key.Rsa.KeySize / 8)
            {
                return null;
            }

            var signingInput = Encoding.ASCII.GetBytes(token, 0, second);
            if (!key.Rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return null;
            }

            var payload = Base64Url.DecodeFromChars(token.AsSpan(first + 1, second - first - 1));
            var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return null;
            }

            return new VerifiedJwt(document, key);
        }
        // InvalidOperationException: a header string that is not valid UTF-8 (Utf8JsonReader.GetString cannot transcode it).
        catch (Exception e) when (e is FormatException or JsonException or CryptographicException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>A token whose signature checked out, and the key that signed it.</summary>
internal sealed record VerifiedJwt(JsonDocument Payload, SigningKey Key) : IDisposable
{
    public void Dispose() => Payload.Dispose();
}
