using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.SignIn.Passwords;

namespace Sesame.Benchmarks;

/// <summary>
/// One password check (USER_PASSWORD_AUTH verifies one hash per attempt, unknown users included) at production cost:
/// PBKDF2-HMAC-SHA256 at OWASP's 600,000 iterations beside Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane).
/// </summary>
[MemoryDiagnoser]
public class PasswordHashBenchmarks : IDisposable
{
    private const string Password = "correct horse battery staple";

    private readonly PasswordHasher _pbkdf2 = new(Options.Create(new SesameOptions { Passwords = { Algorithm = PasswordOptions.Pbkdf2 } }));
    private readonly PasswordHasher _argon2id = new(Options.Create(new SesameOptions()));
    private readonly string _pbkdf2Hash;
    private readonly string _argon2idHash;

    public PasswordHashBenchmarks()
    {
        _pbkdf2Hash = _pbkdf2.Hash(Password);
        _argon2idHash = _argon2id.Hash(Password);
    }

    [Benchmark(Baseline = true, Description = "PBKDF2-SHA256, 600,000 iterations: verify")]
    public bool Pbkdf2Verify() => _pbkdf2.Verify(Password, _pbkdf2Hash);

    [Benchmark(Description = "Argon2id m=19 MiB t=2 p=1: verify")]
    public bool Argon2idVerify() => _argon2id.Verify(Password, _argon2idHash);

    public void Dispose()
    {
        _pbkdf2.Dispose();
        _argon2id.Dispose();
        GC.SuppressFinalize(this);
    }
}
