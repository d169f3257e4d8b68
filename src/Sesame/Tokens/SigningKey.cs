using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Sesame.Tokens;

/// <summary>An RSA key that signs one kind of token (ID or access) for one pool.</summary>
internal sealed class SigningKey
{
    public SigningKey(string poolId, string kid, string purpose, RSA rsa)
    {
        PoolId = poolId;
        Kid = kid;
        Purpose = purpose;
        Rsa = rsa;
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        Modulus = Base64Url.EncodeToString(parameters.Modulus);
        Exponent = Base64Url.EncodeToString(parameters.Exponent);
        // Cognito's header order: kid, then alg.
        EncodedHeader = Encoding.ASCII.GetBytes(
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"kid":"{{kid}}","alg":"RS256"}""")));
    }

    public string PoolId { get; }

    public string Kid { get; }

    /// <summary><c>id</c> or <c>access</c>.</summary>
    public string Purpose { get; }

    public RSA Rsa { get; }

    /// <summary>JWK <c>n</c>.</summary>
    public string Modulus { get; }

    /// <summary>JWK <c>e</c>.</summary>
    public string Exponent { get; }

    public byte[] EncodedHeader { get; }

    /// <summary>0 for the pool's first key of the purpose, one more per rotation.</summary>
    public int Generation { get; init; }

    /// <summary>When it starts (or started) signing.</summary>
    public DateTimeOffset ActivatesAt { get; init; }

    /// <summary>When it was stored, and published.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Cognito-style key id: base64 of the SHA-256 of the public key.</summary>
    public static string KidFor(RSA rsa) => Convert.ToBase64String(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()));
}
