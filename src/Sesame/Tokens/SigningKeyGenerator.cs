using System.Security.Cryptography;

namespace Sesame.Tokens;

/// <summary>
/// Makes the RSA key pair of a new signing key. A seam so a host that starts many short-lived servers (the test suite)
/// can hand out keys made once: generating a 2048-bit key costs tens of milliseconds of CPU, twice per pool.
/// </summary>
internal interface ISigningKeyGenerator
{
    /// <summary>A new 2048-bit RSA key pair, distinct from every other this server holds; the caller disposes it.</summary>
    RSA NewKey();
}

/// <summary>A fresh key from the platform's generator, as Cognito's 2048-bit RS256 keys.</summary>
internal sealed class RsaSigningKeyGenerator : ISigningKeyGenerator
{
    public RSA NewKey() => RSA.Create(2048);
}
