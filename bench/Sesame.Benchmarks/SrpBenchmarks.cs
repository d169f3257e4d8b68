using System.Numerics;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Sesame.SignIn.Passwords;

namespace Sesame.Benchmarks;

/// <summary>
/// The CPU cost of the server side of an SRP sign-in (USER_SRP_AUTH): the challenge (b, B = k·v + g^b, and the key from
/// A) and the check of the claim signature. Compare with one RS256 signature in <see cref="SignInStepBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class SrpBenchmarks
{
    private readonly BigInteger _verifier;
    private readonly BigInteger _clientA;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _secretBlock = RandomNumberGenerator.GetBytes(64);

    public SrpBenchmarks()
    {
        var salt = new BigInteger(RandomNumberGenerator.GetBytes(16), isUnsigned: true, isBigEndian: true);
        _verifier = Srp.Verifier("Bench", "1f0e2f7e-3b1e-4a57-9a43-2c3c1d4e5f60", "correct horse battery staple", salt);
        // A client's A, with a 1024-bit secret as amazon-cognito-identity-js draws it.
        _clientA = BigInteger.ModPow(Srp.G, new BigInteger(RandomNumberGenerator.GetBytes(128), isUnsigned: true, isBigEndian: true), Srp.N);
    }

    [Benchmark(Description = "SRP challenge (b, B, key)")]
    public byte[]? Challenge()
    {
        var (b, serverB) = Srp.NewEphemeral(_verifier);
        return Srp.ServerKey(_clientA, serverB, _verifier, b);
    }

    [Benchmark(Description = "SRP claim signature check")]
    public byte[] Signature() => Srp.Signature(_key, "Bench", "1f0e2f7e-3b1e-4a57-9a43-2c3c1d4e5f60", _secretBlock, "Sat Nov 21 09:05:07 UTC 2026");

    [Benchmark(Description = "SRP verifier at sign-up (g^x)")]
    public BigInteger Verifier() => Srp.Verifier("Bench", "user", "correct horse battery staple", BigInteger.One);
}
