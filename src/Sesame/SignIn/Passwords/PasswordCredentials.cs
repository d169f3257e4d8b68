using System.Numerics;
using System.Security.Cryptography;
using Sesame.Storage;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// What is stored when a password is set: the PBKDF2 hash (USER_PASSWORD_AUTH) and the SRP salt and verifier
/// (USER_SRP_AUTH, PASSWORD_VERIFIER). SRP needs its own verifier because the client never sends the password.
/// </summary>
internal static class PasswordCredentials
{
    /// <param name="userIdForSrp">The canonical username, which Cognito sends as <c>USER_ID_FOR_SRP</c>.</param>
    public static (string Hash, PasswordVerifier Verifier) Create(PasswordHasher hasher, string poolId, string userIdForSrp, string password) =>
        (hasher.Hash(password), Verifier(poolId, userIdForSrp, password));

    /// <summary>A new SRP salt and verifier for the password (also for a user imported with a hash only, once the password is proven).</summary>
    public static PasswordVerifier Verifier(string poolId, string userIdForSrp, string password)
    {
        // 128 bits, as Cognito's SALT values; read as an unsigned integer, which is what the clients do with the hex.
        var salt = new BigInteger(RandomNumberGenerator.GetBytes(16), isUnsigned: true, isBigEndian: true);
        var verifier = Srp.Verifier(Srp.PoolName(poolId), userIdForSrp, password, salt);
        return new PasswordVerifier(salt.ToByteArray(isUnsigned: true, isBigEndian: true), verifier.ToByteArray(isUnsigned: true, isBigEndian: true));
    }
}
