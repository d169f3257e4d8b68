using System.Security.Cryptography;
using System.Text;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// Optional passwords, stored as PBKDF2-HMAC-SHA256 with a 128-bit salt and 600,000 iterations (OWASP Password
/// Storage Cheat Sheet, 2023), in a self-describing format so the cost can rise later.
/// </summary>
internal static class PasswordHasher
{
    private const int Iterations = 600_000;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations))
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

        // Fail closed on a damaged record: an empty digest would otherwise "match" every password.
        if (expected.Length != 32 || salt.Length < 16 || iterations < 100_000)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations,
            HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
