using System.Security.Cryptography;
using System.Text;
using Sesame.Secrets;

namespace Sesame.Abuse;

/// <summary>
/// The keys limits count under in <c>IRateLimitStore</c>: keyed hashes, so the table never holds a phone number, email,
/// IP or username in clear, and a copy of it cannot be reversed by hashing every number.
/// </summary>
internal static class LimitKeys
{
    public static string Key(ServerSecrets secrets, string kind, string poolId, string value) =>
        $"{kind}:{poolId}:" + Convert.ToBase64String(HMACSHA256.HashData(secrets.PseudonymKey, Encoding.UTF8.GetBytes($"rate-limit:{kind}:{value}")), 0, 18);
}
