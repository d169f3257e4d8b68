using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// The server side of Cognito's SRP-6a variant, as its clients (amazon-cognito-identity-js
/// <c>AuthenticationHelper.js</c>, Amplify's <c>utils/srp/</c>) compute the other side: the RFC 5054 3072-bit group
/// with g = 2, SHA-256, <c>k = H(PAD(N) | PAD(g))</c>, <c>u = H(PAD(A) | PAD(B))</c>,
/// <c>x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password))</c>, and a 16-byte HKDF key
/// (<c>info = "Caldera Derived Key"</c>) that signs <c>poolName | userIdForSrp | secretBlock | timestamp</c>.
/// PAD is not fixed-width: it is Java's <c>BigInteger.toByteArray()</c> (minimal two's complement, a leading 0x00
/// when the top bit is set), which is what the clients' <c>padHex</c> reproduces.
/// </summary>
internal static class Srp
{
    /// <summary>RFC 5054 appendix A, the 3072-bit group.</summary>
    public static readonly BigInteger N = ParseHex(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
        "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
        "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
        "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF")!.Value;

    public static readonly BigInteger G = 2;

    public static readonly BigInteger K = Hash(Pad(N), Pad(G));

    private static readonly byte[] DerivedKeyInfo = "Caldera Derived Key"u8.ToArray();

    /// <summary>The format of <c>TIMESTAMP</c>: <c>Wed Apr 5 22:42:34 UTC 2017</c>, the day not zero-padded.</summary>
    public const string TimestampFormat = "ddd MMM d HH:mm:ss 'UTC' yyyy";

    /// <summary>The pool name the clients hash: the part of the pool id after <c>_</c>.</summary>
    public static string PoolName(string poolId) => poolId[(poolId.IndexOf('_', StringComparison.Ordinal) + 1)..];

    /// <summary><c>x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password))</c>.</summary>
    public static BigInteger PrivateKey(string poolName, string userIdForSrp, string password, BigInteger salt)
    {
        var inner = SHA256.HashData(Encoding.UTF8.GetBytes(poolName + userIdForSrp + ":" + password));
        return Hash(Pad(salt), inner);
    }

    /// <summary>The verifier stored for a password: <c>v = g^x mod N</c>.</summary>
    public static BigInteger Verifier(string poolName, string userIdForSrp, string password, BigInteger salt) =>
        BigInteger.ModPow(G, PrivateKey(poolName, userIdForSrp, password, salt), N);

    /// <summary>The server's public value <c>B = (k·v + g^b) mod N</c>.</summary>
    public static BigInteger PublicB(BigInteger verifier, BigInteger b) =>
        (K * verifier + PowG(b)) % N;

    // g^(d·16^i) mod N for every 4-bit digit d and position i of a 256-bit exponent: 64 × 16 values (about 400 KB),
    // made once. g^b then costs 64 multiplications instead of a full ModPow (the challenge went from about 28 to 24 ms;
    // bench/Sesame.Benchmarks SrpBenchmarks).
    private const int WindowBits = 4;
    private const int Windows = 256 / WindowBits;
    private static readonly Lazy<BigInteger[][]> FixedBase = new(() =>
    {
        var table = new BigInteger[Windows][];
        var power = G;   // g^(16^i)
        for (var i = 0; i < Windows; i++)
        {
            table[i] = new BigInteger[1 << WindowBits];
            table[i][0] = BigInteger.One;
            for (var d = 1; d < 1 << WindowBits; d++)
            {
                table[i][d] = table[i][d - 1] * power % N;
            }

            power = table[i][(1 << WindowBits) - 1] * power % N;
        }

        return table;
    });

    /// <summary><c>g^e mod N</c>; fast for exponents up to 256 bits (the server's b), a plain ModPow beyond.</summary>
    public static BigInteger PowG(BigInteger exponent)
    {
        if (exponent.Sign < 0 || exponent.GetBitLength() > 256)
        {
            return BigInteger.ModPow(G, exponent, N);
        }

        var table = FixedBase.Value;
        var result = BigInteger.One;
        var bytes = exponent.ToByteArray(isUnsigned: true, isBigEndian: false);
        for (var i = 0; i < Windows; i++)
        {
            var octet = i / 2 < bytes.Length ? bytes[i / 2] : 0;
            var digit = i % 2 == 0 ? octet & 0x0F : octet >> 4;
            if (digit != 0)
            {
                result = result * table[i][digit] % N;
            }
        }

        return result;
    }

    /// <summary>A fresh secret ephemeral b (256 bits) and its B, never 0 mod N.</summary>
    public static (BigInteger b, BigInteger B) NewEphemeral(BigInteger verifier)
    {
        while (true)
        {
            var b = new BigInteger(RandomNumberGenerator.GetBytes(32), isUnsigned: true, isBigEndian: true);
            var B = PublicB(verifier, b);
            if (!b.IsZero && !B.IsZero)
            {
                return (b, B);
            }
        }
    }

    /// <summary>
    /// The session key both sides derive: <c>S = (A·v^u)^b mod N</c>, then HKDF-SHA256(ikm = PAD(S), salt = PAD(u),
    /// info = "Caldera Derived Key") truncated to 16 bytes. Null when A or u is degenerate (A ≡ 0 would force S = 0).
    /// </summary>
    public static byte[]? ServerKey(BigInteger A, BigInteger B, BigInteger verifier, BigInteger b)
    {
        if (A.Sign <= 0 || (A % N).IsZero)
        {
            return null;
        }

        var u = Hash(Pad(A), Pad(B));
        if (u.IsZero)
        {
            return null;
        }

        var S = BigInteger.ModPow(A % N * BigInteger.ModPow(verifier, u, N) % N, b, N);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, Pad(S), 16, Pad(u), DerivedKeyInfo);
    }

    /// <summary><c>PASSWORD_CLAIM_SIGNATURE = HMAC-SHA256(key, poolName | userIdForSrp | secretBlock | timestamp)</c>.</summary>
    public static byte[] Signature(byte[] key, string poolName, string userIdForSrp, byte[] secretBlock, string timestamp)
    {
        var pool = Encoding.UTF8.GetBytes(poolName);
        var user = Encoding.UTF8.GetBytes(userIdForSrp);
        var time = Encoding.UTF8.GetBytes(timestamp);
        var message = new byte[pool.Length + user.Length + secretBlock.Length + time.Length];
        pool.CopyTo(message, 0);
        user.CopyTo(message, pool.Length);
        secretBlock.CopyTo(message, pool.Length + user.Length);
        time.CopyTo(message, pool.Length + user.Length + secretBlock.Length);
        return HMACSHA256.HashData(key, message);
    }

    /// <summary>Formats a time as the clients write <c>TIMESTAMP</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a client <c>TIMESTAMP</c>; the weekday must match the date.</summary>
    public static DateTimeOffset? ParseTimestamp(string timestamp) =>
        DateTime.TryParseExact(timestamp, TimestampFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
            ? new DateTimeOffset(parsed, TimeSpan.Zero)
            : null;

    /// <summary>Java's <c>BigInteger.toByteArray()</c>: minimal big-endian two's complement.</summary>
    public static byte[] Pad(BigInteger value) => value.ToByteArray(isUnsigned: false, isBigEndian: true);

    /// <summary>SHA-256 of the concatenation, read as an unsigned big-endian integer.</summary>
    public static BigInteger Hash(params ReadOnlySpan<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(part);
        }

        return new BigInteger(hash.GetHashAndReset(), isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Parses the clients' unsigned hex (any case, no prefix); null for anything else.</summary>
    public static BigInteger? ParseHex(string hex)
    {
        if (hex.Length == 0 || hex.Length > 2048)
        {
            return null;
        }

        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }
        }

        // A leading 0 keeps the value positive whatever its first digit.
        return BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    /// <summary>Lower-case hex without leading zeros, as Cognito writes <c>SRP_B</c> and <c>SALT</c>.</summary>
    public static string ToHex(BigInteger value)
    {
        var hex = value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        return hex.Length == 0 ? "0" : hex;
    }
}
