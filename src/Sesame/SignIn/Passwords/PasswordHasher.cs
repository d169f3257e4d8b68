using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sesame.Configuration;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// Optional passwords, stored as PBKDF2-HMAC-SHA256 with a 128-bit salt and <see cref="PasswordOptions.Pbkdf2Iterations"/>
/// iterations (600,000 by default, OWASP Password Storage Cheat Sheet), in a self-describing format
/// (<c>pbkdf2-sha256$iterations$salt$hash</c>): each hash is verified with the count it records, so the setting can
/// change without breaking a password set before.
/// </summary>
internal sealed class PasswordHasher
{
    private readonly int _iterations;
    private readonly Lazy<string> _standIn;

    public PasswordHasher(IOptions<SesameOptions> options)
    {
        _iterations = options.Value.Passwords.Pbkdf2Iterations;
        _standIn = new(() => Hash(Guid.NewGuid().ToString()));
    }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, _iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${_iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>
    /// Whether <paramref name="password"/> is the one <paramref name="stored"/> was made from. No stored hash (an unknown
    /// user, a user without a password) is false after one PBKDF2 run all the same, so timing does not tell them apart.
    /// </summary>
    public bool Verify(string password, string? stored)
    {
        var parts = (stored ?? _standIn.Value).Split('$');
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

        // Fail closed on a damaged record: an empty digest would otherwise "match" every password, and a count no
        // setting allows would spend minutes of CPU. Any count the setting allowed verifies, whatever it is set to now.
        if (expected.Length != 32 || salt.Length < 16 || iterations is < 1 or > PasswordOptionsValidator.MaximumIterations)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations,
            HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual) && stored is not null;
    }
}
