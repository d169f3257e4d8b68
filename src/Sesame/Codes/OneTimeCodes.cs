using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Sesame.Secrets;
using Sesame.Storage;

namespace Sesame.Codes;

/// <summary>
/// The primitives of one-time codes: drawn digit by digit from <see cref="RandomNumberGenerator"/> (no modulo bias),
/// kept only as an HMAC-SHA256 keyed with the server's code key and bound to purpose, pool, user, nonce and expiry,
/// compared in constant time. <see cref="CodeIssuer"/> and <see cref="CodeVerifier"/> are the only callers in the server.
/// </summary>
internal sealed class OneTimeCodes(ServerSecrets secrets)
{
    public static string Generate(int length)
    {
        Span<char> digits = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return new string(digits);
    }

    public byte[] Mac(string purpose, string poolId, string userKey, string nonce, long expiresAtMs, string code)
    {
        var input = Encoding.UTF8.GetBytes($"{purpose}\n{poolId}\n{userKey}\n{nonce}\n{expiresAtMs}\n{code}");
        return HMACSHA256.HashData(secrets.CodeMacKey, input);
    }

    public bool Matches(byte[] expectedMac, string purpose, string poolId, string userKey, string nonce, long expiresAtMs, string answer) =>
        CryptographicOperations.FixedTimeEquals(expectedMac, Mac(purpose, poolId, userKey, nonce, expiresAtMs, answer));

    public static string NewNonce() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}

/// <summary>
/// A sign-in code as it travels inside the sign-in session, in <c>challengeMetadata</c> and the private challenge
/// parameters: <c>SESAME_OTP:&lt;nonce&gt;:&lt;expiresAtMs&gt;:&lt;mac&gt;</c>. It holds no code, only its MAC, so it is
/// safe to show to an app's own Define trigger. Its answers are counted by the session, not in the text.
/// </summary>
internal static class SealedCode
{
    public const string Prefix = "SESAME_OTP:";

    public static string Seal(OneTimeCode code) =>
        $"{Prefix}{code.Nonce}:{code.ExpiresAt.ToUnixTimeMilliseconds()}:{Base64Url.EncodeToString(code.Mac)}";

    /// <summary>The code sealed in <paramref name="value"/>, with no answers counted yet; null when it is not one.</summary>
    public static OneTimeCode? Unseal(string? value, int maxAttempts)
    {
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = value[Prefix.Length..].Split(':');
        try
        {
            return parts.Length == 3 && long.TryParse(parts[1], out var expires)
                ? new OneTimeCode(parts[0], Base64Url.DecodeFromChars(parts[2]), DateTimeOffset.FromUnixTimeMilliseconds(expires), 0, maxAttempts)
                : null;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
