using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sesame.Tokens;

namespace Sesame.Benchmarks;

/// <summary>
/// Sesame's hand-written RS256 (Tokens/Jwt.cs) beside Microsoft.IdentityModel.JsonWebTokens for the same claims and
/// the same 2048-bit key: whether keeping our own signer is worth it (docs/security.md). Verification on both sides
/// is the signature with the algorithm pinned, plus payload parsing; Sesame's claim checks and the handler's issuer
/// and lifetime checks are left out so that like is compared with like.
/// </summary>
[MemoryDiagnoser]
public class JwtLibraryBenchmarks
{
    private const string Sub = "1f0e2f7e-3b1e-4a57-9a43-2c3c1d4e5f60";

    private readonly SigningKey _key;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SecurityTokenDescriptor _descriptor;
    private readonly TokenValidationParameters _validation;
    private readonly string _sesameToken;
    private readonly string _libraryToken;

    public JwtLibraryBenchmarks()
    {
        var rsa = RSA.Create(2048);
        _key = new SigningKey("us-east-1_Bench", SigningKey.KidFor(rsa), "access", rsa);
        var securityKey = new RsaSecurityKey(rsa) { KeyId = _key.Kid };
        _descriptor = new SecurityTokenDescriptor
        {
            SigningCredentials = new SigningCredentials(securityKey, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = Sub,
                ["token_use"] = "access",
                ["scope"] = "aws.cognito.signin.user.admin",
                ["exp"] = 1_900_000_000L,
                ["iat"] = 1_899_996_400L,
            },
        };
        _validation = new TokenValidationParameters
        {
            IssuerSigningKey = securityKey,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        };
        _sesameToken = SesameSign();
        _libraryToken = LibrarySign();
    }

    [Benchmark(Baseline = true, Description = "Sesame Jwt.Sign")]
    public string SesameSign() => Jwt.Sign(_key, w =>
    {
        w.WriteString("sub", Sub);
        w.WriteString("token_use", "access");
        w.WriteString("scope", "aws.cognito.signin.user.admin");
        w.WriteNumber("exp", 1_900_000_000);
        w.WriteNumber("iat", 1_899_996_400);
    });

    [Benchmark(Description = "JsonWebTokenHandler.CreateToken")]
    public string LibrarySign() => _handler.CreateToken(_descriptor);

    [Benchmark(Description = "Sesame Jwt.Verify")]
    public bool SesameVerify()
    {
        using var verified = Jwt.Verify(_sesameToken, _ => _key);
        return verified is not null;
    }

    [Benchmark(Description = "JsonWebTokenHandler.ValidateTokenAsync")]
    public async Task<bool> LibraryVerify() => (await _handler.ValidateTokenAsync(_libraryToken, _validation)).IsValid;
}
