using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;
using Microsoft.Extensions.Options;
using Sodium = NSec.Cryptography;
using Sesame.Configuration;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// Optional passwords. New hashes are Argon2id (RFC 9106) at <see cref="PasswordOptions"/>' cost — by default OWASP's
/// minimum, 19 MiB, 2 passes, 1 lane (Password Storage Cheat Sheet) — in the PHC string format
/// (<c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>), or PBKDF2-HMAC-SHA256 (<c>pbkdf2-sha256$iterations$salt$hash</c>)
/// when <see cref="PasswordOptions.Algorithm"/> says so. Every hash records its algorithm and cost and is verified with
/// them, so hashes made before a change keep verifying; <see cref="NeedsUpgrade"/> says when a hash is not made the
/// current way, and the sign-in that just proved the password then stores a new one (docs/security.md#passwords).
/// </summary>
internal sealed class PasswordHasher : IDisposable
{
    private const string Pbkdf2Prefix = "pbkdf2-sha256$";
    private const string Argon2Prefix = "$argon2id$v=19$";
    private const int LibsodiumSaltBytes = 16;

    private readonly PasswordOptions _options;
    private readonly Lazy<string> _standIn;

    // Argon2id holds its memory for the whole hash: at most one hash per core at a time keeps memory at
    // cores × MemoryKiB however many password attempts arrive together (they queue, as they would for the CPU anyway).
    private readonly SemaphoreSlim _argon2Gate = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public PasswordHasher(IOptions<SesameOptions> options)
    {
        _options = options.Value.Passwords;
        _standIn = new(() => Hash(Guid.NewGuid().ToString()));
    }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        if (_options.Algorithm == PasswordOptions.Pbkdf2)
        {
            var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, _options.Pbkdf2Iterations, HashAlgorithmName.SHA256, 32);
            return $"{Pbkdf2Prefix}{_options.Pbkdf2Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
        }

        var (m, t, p) = (_options.Argon2MemoryKiB, _options.Argon2Iterations, _options.Argon2Parallelism);
        var digest = Argon2(password, salt, m, t, p, 32, "argon2id");
        return string.Create(CultureInfo.InvariantCulture, $"{Argon2Prefix}m={m},t={t},p={p}${Unpadded(salt)}${Unpadded(digest)}");
    }

    /// <summary>
    /// Whether <paramref name="password"/> is the one <paramref name="stored"/> was made from. No stored hash (an unknown
    /// user, a user without a password) is false after one hash of the current kind all the same, so timing does not
    /// tell them apart from users whose hash is current.
    /// </summary>
    public bool Verify(string password, string? stored)
    {
        var record = stored ?? _standIn.Value;
        // Imported records (bcrypt, other PBKDF2 layouts, ASP.NET Core Identity; Argon2 of any variant) verify here too,
        // in the same slot, and the sign-in then upgrades them (NeedsUpgrade is true for every one).
        var matches = record.StartsWith("$argon2", StringComparison.Ordinal) ? VerifyArgon2(password, record)
            : record.StartsWith(Pbkdf2Prefix, StringComparison.Ordinal) ? VerifyPbkdf2(password, record)
            : ImportedPasswordHashes.IsImported(record) && ImportedPasswordHashes.Verify(password, record);
        return matches && stored is not null;
    }

    /// <summary>Whether <paramref name="stored"/> (a hash that just verified) was made another way than new hashes are now.</summary>
    public bool NeedsUpgrade(string stored) => _options.Algorithm == PasswordOptions.Pbkdf2
        ? !stored.StartsWith(string.Create(CultureInfo.InvariantCulture, $"{Pbkdf2Prefix}{_options.Pbkdf2Iterations}$"), StringComparison.Ordinal)
        : !stored.StartsWith(string.Create(CultureInfo.InvariantCulture,
            $"{Argon2Prefix}m={_options.Argon2MemoryKiB},t={_options.Argon2Iterations},p={_options.Argon2Parallelism}$"), StringComparison.Ordinal);

    private static bool VerifyPbkdf2(string password, string record)
    {
        var parts = record.Split('$');
        if (parts.Length != 4 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }

        byte[] expected, salt;
        try
        {
            expected = Convert.FromBase64String(parts[3]);
            salt = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        // Fail closed on a damaged record: an empty digest would otherwise "match" every password, and a count no
        // setting allows would spend minutes of CPU. Any count the setting allowed verifies, whatever it is set to now.
        if (expected.Length != 32 || salt.Length < 16 || iterations is < 1 or > PasswordOptionsValidator.MaximumIterations)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private bool VerifyArgon2(string password, string record) =>
        ParseArgon2(record) is var (variant, m, t, p, salt, expected)
        && CryptographicOperations.FixedTimeEquals(expected, Argon2(password, salt, m, t, p, expected.Length, variant));

    /// <summary>
    /// A PHC Argon2 string (<c>$argon2id$</c>, <c>$argon2i$</c> or <c>$argon2d$</c>, version 19) within the cost maxima;
    /// null for anything else, so a damaged record is never computed.
    /// </summary>
    public static (string Variant, int M, int T, int P, byte[] Salt, byte[] Hash)? ParseArgon2(string record)
    {
        // "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
        var parts = record.Split('$');
        if (parts.Length != 6 || parts[0].Length != 0 || parts[1] is not ("argon2id" or "argon2i" or "argon2d") || parts[2] != "v=19"
            || ParseCost(parts[3]) is not var (m, t, p))
        {
            return null;
        }

        byte[] expected, salt;
        try
        {
            expected = FromUnpadded(parts[5]);
            salt = FromUnpadded(parts[4]);
        }
        catch (FormatException)
        {
            return null;
        }

        return expected.Length is < 16 or > 64 || salt.Length < 8 ? null : (parts[1], m, t, p, salt, expected);
    }

    /// <summary><c>m=…,t=…,p=…</c> within what the settings allow (a damaged record must not cost minutes or gigabytes).</summary>
    private static (int M, int T, int P)? ParseCost(string text)
    {
        var fields = text.Split(',');
        if (fields.Length != 3 || !fields[0].StartsWith("m=", StringComparison.Ordinal) || !fields[1].StartsWith("t=", StringComparison.Ordinal)
            || !fields[2].StartsWith("p=", StringComparison.Ordinal)
            || !int.TryParse(fields[0][2..], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || !int.TryParse(fields[1][2..], NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            || !int.TryParse(fields[2][2..], NumberStyles.None, CultureInfo.InvariantCulture, out var p))
        {
            return null;
        }

        return p is >= 1 and <= PasswordOptionsValidator.MaximumArgon2Parallelism && m >= 8 * p && m <= PasswordOptionsValidator.MaximumArgon2MemoryKiB
            && t is >= 1 and <= PasswordOptionsValidator.MaximumArgon2Iterations
            ? (m, t, p)
            : null;
    }

    private byte[] Argon2(string password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length, string variant)
    {
        _argon2Gate.Wait();
        try
        {
            var bytes = Encoding.UTF8.GetBytes(password);
            if (variant == "argon2id" && parallelism == 1 && salt.Length == LibsodiumSaltBytes)
            {
                // Every hash Sesame makes at the default one lane, and most imported ones: libsodium's Argon2id (NSec), the same function (RFC 9106;
                // PasswordHasherTests compares the two implementations), about 3× faster, and its memory is mapped for
                // the hash and unmapped when it ends, where Konscious allocates it as managed arrays the GC keeps until
                // its next full collection (docs/benchmarks.md, "Malformed input").
                var algorithm = Sodium.PasswordBasedKeyDerivationAlgorithm.Argon2id(
                    new Sodium.Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKiB, NumberOfPasses = iterations });
                return algorithm.DeriveBytes(bytes, salt, length);
            }

            // libsodium has neither Argon2i/Argon2d, nor more than one lane, nor salts of another length than 16 bytes.
            using Konscious.Security.Cryptography.Argon2 argon2 = variant switch { "argon2i" => new Argon2i(bytes), "argon2d" => new Argon2d(bytes), _ => new Argon2id(bytes) };
            argon2.Salt = salt;
            argon2.MemorySize = memoryKiB;
            argon2.Iterations = iterations;
            argon2.DegreeOfParallelism = parallelism;
            return argon2.GetBytes(length);
        }
        finally
        {
            _argon2Gate.Release();
        }
    }

    public void Dispose() => _argon2Gate.Dispose();

    // PHC strings use Base64 without padding.
    private static string Unpadded(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromUnpadded(string text) => Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}
