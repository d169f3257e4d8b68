using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Sesame.Codes;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Secrets;
using Sesame.SignIn;
using Sesame.Tokens;

namespace Sesame.Benchmarks;

/// <summary>
/// The CPU cost of each step of a one-time-code sign-in, without HTTP or storage: the two RS256 signatures should
/// dominate; everything else (code drawing and MAC, session strings, message encryption) must be small beside them.
/// </summary>
[MemoryDiagnoser]
public class SignInStepBenchmarks
{
    private readonly SigningKey _key;
    private readonly SessionStrings _sessions;
    private readonly OneTimeCodes _codes;
    private readonly Outbox _outbox;
    private readonly string _session;
    private readonly byte[] _mac;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sesame-bench-" + Guid.NewGuid().ToString("N"));

    public SignInStepBenchmarks()
    {
        var options = Options.Create(new SesameOptions
        {
            DataDir = _dataDir,
            Secrets = { MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
        });
        var secrets = new ServerSecrets(options, new DataDirectory(options));
        var rsa = RSA.Create(2048);
        _key = new SigningKey("us-east-1_Bench", SigningKey.KidFor(rsa), "access", rsa);
        _sessions = new SessionStrings(secrets);
        _codes = new OneTimeCodes(secrets);
        _outbox = new Outbox(secrets, TimeProvider.System);
        _session = _sessions.Create("benchclient").Session;
        _mac = _codes.Mac("signin", "us-east-1_Bench", "user", "nonce", 1, "123456");
    }

    [Benchmark(Description = "RS256 sign (one token)")]
    public string SignToken() => Jwt.Sign(_key, w =>
    {
        w.WriteString("sub", "1f0e2f7e-3b1e-4a57-9a43-2c3c1d4e5f60");
        w.WriteString("token_use", "access");
        w.WriteString("scope", "aws.cognito.signin.user.admin");
        w.WriteNumber("exp", 1_900_000_000);
        w.WriteNumber("iat", 1_899_996_400);
    });

    [Benchmark(Description = "RS256 verify")]
    public bool VerifyToken()
    {
        using var verified = Jwt.Verify(_token ??= SignToken(), kid => _key);
        return verified is not null;
    }

    private string? _token;

    [Benchmark(Description = "code: draw 6 digits + HMAC")]
    public byte[] IssueCode() => _codes.Mac("signin", "us-east-1_Bench", "user", OneTimeCodes.NewNonce(), 1, OneTimeCodes.Generate(6));

    [Benchmark(Description = "code: constant-time check")]
    public bool CheckCode() => _codes.Matches(_mac, "signin", "us-east-1_Bench", "user", "nonce", 1, "654321");

    [Benchmark(Description = "Session: create")]
    public string CreateSession() => _sessions.Create("benchclient").Session;

    [Benchmark(Description = "Session: open (MAC check)")]
    public byte[]? OpenSession() => _sessions.Open(_session, "benchclient");

    [Benchmark(Description = "outbox: template + AES-GCM seal")]
    public object SealMessage() => _outbox.Sms("us-east-1_Bench", "+15551234567", "123456 is your code.", "123456");

    [GlobalCleanup]
    public void Cleanup()
    {
        _outbox.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}
