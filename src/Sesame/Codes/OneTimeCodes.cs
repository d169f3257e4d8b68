using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Sesame.Secrets;

namespace Sesame.Codes;

/// <summary>
/// One-time codes: drawn digit by digit from <see cref="RandomNumberGenerator"/> (no modulo bias), stored only as an
/// HMAC-SHA256 keyed with a server secret and bound to purpose, pool, user and expiry, compared in constant time.
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
/// A sign-in code as the built-in triggers carry it between rounds, in <c>challengeMetadata</c> and the private
/// challenge parameters: <c>SESAME_OTP:&lt;nonce&gt;:&lt;expiresAtMs&gt;:&lt;mac&gt;</c>. It holds no code, only its MAC,
/// so it is safe to show to an app's own Define trigger.
/// </summary>
internal sealed record SealedCode(string Nonce, long ExpiresAtMs, byte[] Mac)
{
    public const string Prefix = "SESAME_OTP:";

    public override string ToString() => $"{Prefix}{Nonce}:{ExpiresAtMs}:{Base64Url.EncodeToString(Mac)}";

    public static SealedCode? Parse(string? value)
    {
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = value[Prefix.Length..].Split(':');
        try
        {
            return parts.Length == 3 && long.TryParse(parts[1], out var expires)
                ? new SealedCode(parts[0], expires, Base64Url.DecodeFromChars(parts[2]))
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
