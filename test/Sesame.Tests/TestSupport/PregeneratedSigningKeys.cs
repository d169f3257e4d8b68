using System.Security.Cryptography;
using Sesame.Tokens;

namespace Sesame.Tests.TestSupport;

/// <summary>
/// Signing keys for test servers: the n-th key any server asks for is the same key, generated once per test run by
/// the first server that needs it. Keys within one server stay distinct (a kid names one pool's key), and the run
/// generates as many keys as its busiest server holds instead of two per pool per server. A server that reuses another
/// server's data directory must not use it: the keys it loads from there are this set's first.
/// </summary>
internal sealed class PregeneratedSigningKeys : ISigningKeyGenerator
{
    private static readonly Lock MadeLock = new();
    private static readonly List<byte[]> Made = [];

    private int _handedOut;

    public RSA NewKey()
    {
        var index = Interlocked.Increment(ref _handedOut) - 1;
        byte[] pkcs8;
        lock (MadeLock)
        {
            while (Made.Count <= index)
            {
                using var generated = RSA.Create(2048);
                Made.Add(generated.ExportPkcs8PrivateKey());
            }

            pkcs8 = Made[index];
        }

        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return rsa;
    }
}
