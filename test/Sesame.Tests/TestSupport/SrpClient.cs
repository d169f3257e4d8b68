using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Sesame.SignIn.Passwords;

namespace Sesame.Tests.TestSupport;

/// <summary>
/// The client side of Cognito's SRP, written from AuthenticationHelper.js for HTTP-level tests: a secret a, A = g^a,
/// then from the PASSWORD_VERIFIER parameters the key and the claim signature. It reuses only the byte encodings of
/// <see cref="Srp"/> (Pad, Hash), which the fixture vectors pin to the real client's.
/// </summary>
internal sealed class SrpClient
{
    private readonly BigInteger _a = new(RandomNumberGenerator.GetBytes(128), isUnsigned: true, isBigEndian: true);

    public SrpClient()
    {
        A = BigInteger.ModPow(Srp.G, _a, Srp.N);
    }

    public BigInteger A { get; }

    public string AHex => A.ToString("x").TrimStart('0');

    /// <summary>The challenge responses amazon-cognito-identity-js would send.</summary>
    public Dictionary<string, string> Answer(string poolId, string password, IReadOnlyDictionary<string, string> parameters, DateTimeOffset now)
    {
        var poolName = poolId.Split('_')[1];
        var userId = parameters["USER_ID_FOR_SRP"];
        var B = Parse(parameters["SRP_B"]);
        var salt = Parse(parameters["SALT"]);
        var u = Srp.Hash(Srp.Pad(A), Srp.Pad(B));
        var x = Srp.Hash(Srp.Pad(salt), SHA256.HashData(Encoding.UTF8.GetBytes(poolName + userId + ":" + password)));
        var gx = BigInteger.ModPow(Srp.G, x, Srp.N);
        var baseValue = ((B - Srp.K * gx) % Srp.N + Srp.N) % Srp.N;
        var S = BigInteger.ModPow(baseValue, _a + u * x, Srp.N);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Srp.Pad(S), 16, Srp.Pad(u), "Caldera Derived Key"u8.ToArray());
        var timestamp = Srp.FormatTimestamp(now);
        var signature = Srp.Signature(key, poolName, userId, Convert.FromBase64String(parameters["SECRET_BLOCK"]), timestamp);
        return new Dictionary<string, string>
        {
            ["USERNAME"] = userId,
            ["PASSWORD_CLAIM_SECRET_BLOCK"] = parameters["SECRET_BLOCK"],
            ["TIMESTAMP"] = timestamp,
            ["PASSWORD_CLAIM_SIGNATURE"] = Convert.ToBase64String(signature),
        };
    }

    private static BigInteger Parse(string hex) => BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.AllowHexSpecifier);
}
