using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Sesame.Configuration;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// Password hashes made by other systems, which <c>sesame import jsonl</c> brings in and <see cref="PasswordHasher"/>
/// verifies at the user's first password sign-in (in the same hashing slots and attempt limits as any other), after
/// which the sign-in replaces them with a hash made the current way. Accepted (docs/operations.md#password-hashes):
/// <list type="bullet">
/// <item>bcrypt: <c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>, cost 4 to <see cref="MaximumBcryptCost"/>;</item>
/// <item>Argon2 in the PHC string format: <c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c> and <c>$argon2i$</c>, <c>$argon2d$</c>,
/// within the cost maxima of <see cref="PasswordOptionsValidator"/>;</item>
/// <item>PBKDF2: passlib's <c>$pbkdf2-sha256$rounds$salt$checksum</c> (also <c>$pbkdf2$</c> for SHA-1 and
/// <c>$pbkdf2-sha512$</c>; passlib's base64 with <c>.</c> for <c>+</c>), Django's <c>pbkdf2_sha256$iterations$salt$hash</c>
/// (and <c>pbkdf2_sha1</c>), Sesame's own <c>pbkdf2-sha256$iterations$salt$hash</c>, and ASP.NET Core Identity's
/// <c>PasswordHasher</c> output (base64 of format v3, or v2), stored as <c>$aspnetcore-identity$</c> + that base64.</item>
/// </list>
/// Every record is checked whole when it is imported (a damaged one is a rejected row, not a user who can never sign in),
/// and again before it is computed: a record claiming more than the maxima fails closed instead of costing minutes.
/// </summary>
internal static partial class ImportedPasswordHashes
{
    /// <summary>2^16 rounds, a few seconds a check: beyond, a typo or an attack on the server's CPU.</summary>
    public const int MaximumBcryptCost = 16;

    private const string IdentityPrefix = "$aspnetcore-identity$";

    /// <summary>The record to store for <paramref name="hash"/>; null with <paramref name="error"/> when it is none of the accepted kinds.</summary>
    public static string? Normalize(string hash, out string? error)
    {
        error = null;
        var text = hash.Trim();
        if (text.StartsWith("$2", StringComparison.Ordinal))
        {
            return Bcrypt(text, out error) is not null ? text : null;
        }

        if (text.StartsWith("$argon2", StringComparison.Ordinal))
        {
            return PasswordHasher.ParseArgon2(text) is not null ? text : Fail(out error, "not an Argon2 PHC string this server verifies ($argon2id$v=19$m=…,t=…,p=…$salt$hash, within 1 GiB, 10 passes, 16 lanes)");
        }

        if (text.StartsWith("$pbkdf2", StringComparison.Ordinal) || text.StartsWith("pbkdf2_", StringComparison.Ordinal) || text.StartsWith("pbkdf2-sha256$", StringComparison.Ordinal))
        {
            return Pbkdf2(text) is not null ? text : Fail(out error, "not a PBKDF2 hash this server reads (passlib $pbkdf2-sha256$, Django pbkdf2_sha256$, with an iteration count up to 10,000,000)");
        }

        if (text.StartsWith(IdentityPrefix, StringComparison.Ordinal))
        {
            text = text[IdentityPrefix.Length..];
        }

        return Identity(text) is not null ? IdentityPrefix + text : Fail(out error, "not a password hash this server reads: bcrypt ($2a$, $2b$, $2y$), Argon2 ($argon2id$ …), PBKDF2 ($pbkdf2-sha256$ …, pbkdf2_sha256$ …) or ASP.NET Core Identity (base64)");
    }

    /// <summary>Whether the record is one of the imported kinds (not one <see cref="PasswordHasher"/> makes).</summary>
    public static bool IsImported(string record) =>
        record.StartsWith("$2", StringComparison.Ordinal) || record.StartsWith("$pbkdf2", StringComparison.Ordinal)
        || record.StartsWith("pbkdf2_", StringComparison.Ordinal) || record.StartsWith(IdentityPrefix, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="password"/> matches an imported bcrypt, PBKDF2 or Identity record; false for a damaged one.</summary>
    public static bool Verify(string password, string record)
    {
        if (record.StartsWith("$2", StringComparison.Ordinal))
        {
            if (Bcrypt(record, out _) is null)
            {
                return false;
            }

            try
            {
                return BCrypt.Net.BCrypt.Verify(password, record);
            }
            catch (BCrypt.Net.SaltParseException)
            {
                return false;
            }
        }

        var pbkdf2 = record.StartsWith(IdentityPrefix, StringComparison.Ordinal) ? Identity(record[IdentityPrefix.Length..]) : Pbkdf2(record);
        if (pbkdf2 is not var (algorithm, iterations, salt, expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, algorithm, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static int? Bcrypt(string record, out string? error)
    {
        error = null;
        var match = BcryptPattern().Match(record);
        if (!match.Success)
        {
            return Fail<int?>(out error, "not a bcrypt hash ($2a$, $2b$ or $2y$, a two-digit cost, 53 characters of salt and hash)");
        }

        var cost = int.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        return cost is >= 4 and <= MaximumBcryptCost ? cost : Fail<int?>(out error, $"bcrypt cost {cost} is outside 4 to {MaximumBcryptCost}");
    }

    /// <summary>passlib's, Django's and Sesame's own PBKDF2 strings: the PRF, iterations, salt and expected digest.</summary>
    private static (HashAlgorithmName, int, byte[], byte[])? Pbkdf2(string record)
    {
        var parts = record.Split('$');
        try
        {
            return parts switch
            {
                // passlib: "", "pbkdf2-sha256", rounds, ab64 salt, ab64 checksum
                ["", var scheme, var rounds, var salt, var checksum] when Prf(scheme, "pbkdf2", '-') is var (prf, length) =>
                    Checked(prf, rounds, PasslibBase64(salt), PasslibBase64(checksum), length),
                // Django: "pbkdf2_sha256", iterations, salt (text), base64 hash
                [var scheme, var iterations, var salt, var hash] when scheme.StartsWith("pbkdf2_", StringComparison.Ordinal) && Prf(scheme, "pbkdf2", '_') is var (prf, length) =>
                    Checked(prf, iterations, Encoding.UTF8.GetBytes(salt), Convert.FromBase64String(hash), length),
                // Sesame's own (PasswordHasher's PBKDF2 mode)
                ["pbkdf2-sha256", var iterations, var salt, var hash] =>
                    Checked(HashAlgorithmName.SHA256, iterations, Convert.FromBase64String(salt), Convert.FromBase64String(hash), 32),
                _ => null,
            };
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static (HashAlgorithmName, int)? Prf(string scheme, string stem, char separator) => scheme[stem.Length..] switch
    {
        "" when separator == '-' => (HashAlgorithmName.SHA1, 20),
        var s when s == separator + "sha1" => (HashAlgorithmName.SHA1, 20),
        var s when s == separator + "sha256" => (HashAlgorithmName.SHA256, 32),
        var s when s == separator + "sha512" => (HashAlgorithmName.SHA512, 64),
        _ => null,
    };

    private static (HashAlgorithmName, int, byte[], byte[])? Checked(HashAlgorithmName prf, string iterations, byte[] salt, byte[] expected, int length) =>
        int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= PasswordOptionsValidator.MaximumIterations
        && salt.Length >= 8 && expected.Length == length
            ? (prf, count, salt, expected)
            : null;

    /// <summary>
    /// ASP.NET Core Identity's <c>PasswordHasher&lt;TUser&gt;</c>: v3 is 0x01, the PRF (0 SHA-1, 1 SHA-256, 2 SHA-512),
    /// the iteration count and the salt length as big-endian 32-bit numbers, the salt and the subkey; v2 is 0x00, a
    /// 16-byte salt and a 32-byte subkey of PBKDF2-HMAC-SHA1 at 1,000 iterations.
    /// </summary>
    private static (HashAlgorithmName, int, byte[], byte[])? Identity(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes is [0x00, ..] && bytes.Length == 49)
        {
            return (HashAlgorithmName.SHA1, 1000, bytes[1..17], bytes[17..]);
        }

        if (bytes is not [0x01, ..] || bytes.Length < 13)
        {
            return null;
        }

        var prf = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1));
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9));
        HashAlgorithmName? algorithm = prf switch { 0 => HashAlgorithmName.SHA1, 1 => HashAlgorithmName.SHA256, 2 => HashAlgorithmName.SHA512, _ => null };
        if (algorithm is null || iterations is < 1 or > PasswordOptionsValidator.MaximumIterations || saltLength < 16 || saltLength > bytes.Length - 13 - 16)
        {
            return null;
        }

        var salt = bytes[13..(13 + (int)saltLength)];
        return (algorithm.Value, (int)iterations, salt, bytes[(13 + (int)saltLength)..]);
    }

    // passlib's "adapted base64": '.' for '+', no padding.
    private static byte[] PasslibBase64(string text)
    {
        var standard = text.Replace('.', '+');
        return Convert.FromBase64String(standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '='));
    }

    private static string? Fail(out string? error, string message) => Fail<string?>(out error, message);

    private static T? Fail<T>(out string? error, string message)
    {
        error = message;
        return default;
    }

    [GeneratedRegex(@"^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptPattern();
}
