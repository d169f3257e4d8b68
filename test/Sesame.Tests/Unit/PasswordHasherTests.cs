using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.SignIn.Passwords;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Unit;

// Hashes at a test iteration count; the production count (~0.3 s a hash) is only checked where it costs nothing.
public sealed class PasswordHasherTests
{
    private static readonly PasswordHasher Hasher = With(SesameApp.TestPbkdf2Iterations);

    // Argon2id at a test cost (64 KiB, 1 pass); production's 19 MiB × 2 is checked only where it costs nothing.
    private static readonly PasswordHasher Argon2 = WithArgon2(64, 1);

    private static PasswordHasher With(int iterations) =>
        new(Options.Create(new SesameOptions { Passwords = { Algorithm = PasswordOptions.Pbkdf2, Pbkdf2Iterations = iterations } }));

    private static PasswordHasher WithArgon2(int memoryKiB, int iterations) =>
        new(Options.Create(new SesameOptions { Passwords = { Argon2MemoryKiB = memoryKiB, Argon2Iterations = iterations } }));

    [Fact]
    public void Argon2id_HashOfThePassword_VerifiesInPhcFormatAndAnyOtherPasswordIsFalse()
    {
        const string password = "correct horse battery stäple 🔑";
        var stored = Argon2.Hash(password);

        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", stored, StringComparison.Ordinal);
        Assert.NotEqual(stored, Argon2.Hash(password));
        Assert.True(Argon2.Verify(password, stored));
        Assert.False(Argon2.Verify("Correct horse battery stäple 🔑", stored));
        Assert.False(Argon2.NeedsUpgrade(stored));
        Assert.DoesNotContain(password, stored, StringComparison.Ordinal);
    }

    [Fact]
    public void Argon2id_KnownAnswer_MatchesTheReferenceImplementation()
    {
        // `echo -n password | argon2 somesaltsomesalt -id -t 1 -m 6 -p 1 -l 32` (the PHC reference, m = 2^6 KiB).
        Assert.True(Argon2.Verify("password", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$" + ReferenceDigest));
        Assert.False(Argon2.Verify("passwore", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$" + ReferenceDigest));
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(1024, 3)]
    [InlineData(19_456, 2)]
    public void Argon2id_LibsodiumAndKonscious_SameFunctionBothWays(int memoryKiB, int iterations)
    {
        // New hashes (one lane, 16-byte salt) are computed by libsodium (NSec); hashes made before, by Konscious, must
        // keep verifying, and what libsodium makes must be what Konscious computes: the record does not say which.
        var hasher = WithArgon2(memoryKiB, iterations);
        const string password = "correct horse battery stäple 🔑";
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var konscious = Konscious(password, salt, memoryKiB, iterations, 1);
        var record = $"$argon2id$v=19$m={memoryKiB},t={iterations},p=1${Unpadded(salt)}${Unpadded(konscious)}";

        Assert.True(hasher.Verify(password, record));
        Assert.False(hasher.Verify(password + "!", record));
        var made = PasswordHasher.ParseArgon2(hasher.Hash(password))!.Value;
        Assert.Equal(made.Hash, Konscious(password, made.Salt, made.M, made.T, made.P));
    }

    [Fact]
    public void Argon2id_TwoLanesOrAnotherSaltLength_StillVerify()
    {
        // What libsodium does not compute (more than one lane, a salt that is not 16 bytes: imported records) still
        // verifies, through Konscious.
        const string password = "pässword";
        foreach (var (salt, lanes) in new[] { (new byte[16], 2), (new byte[24], 1), (new byte[8], 1) })
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(salt);
            var record = $"$argon2id$v=19$m=64,t=1,p={lanes}${Unpadded(salt)}${Unpadded(Konscious(password, salt, 64, 1, lanes))}";
            Assert.True(Argon2.Verify(password, record));
            Assert.False(Argon2.Verify("password", record));
        }
    }

    private static byte[] Konscious(string password, byte[] salt, int memoryKiB, int iterations, int lanes)
    {
        using var argon2 = new Konscious.Security.Cryptography.Argon2id(System.Text.Encoding.UTF8.GetBytes(password))
        {
            Salt = salt, MemorySize = memoryKiB, Iterations = iterations, DegreeOfParallelism = lanes,
        };
        return argon2.GetBytes(32);
    }

    private static string Unpadded(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    [Fact]
    public void Argon2idServer_OldPbkdf2Hash_StillVerifiesAndNeedsAnUpgrade()
    {
        var old = Hasher.Hash("hunter22");

        Assert.True(Argon2.Verify("hunter22", old));
        Assert.False(Argon2.Verify("hunter23", old));
        Assert.True(Argon2.NeedsUpgrade(old));
        Assert.True(WithArgon2(128, 1).NeedsUpgrade(Argon2.Hash("hunter22")));
        Assert.True(Hasher.NeedsUpgrade(Argon2.Hash("hunter22")));
        Assert.False(Hasher.NeedsUpgrade(old));
    }

    [Theory]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$c29tZQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=19$m=64,t=99,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=19$m=64,t=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Argon2id_DamagedOrForeignRecord_IsFalse(string stored)
    {
        Assert.False(Argon2.Verify("password", stored));
    }

    [Fact]
    public void Options_Default_OwaspArgon2idMinimum()
    {
        var options = new PasswordOptions();
        Assert.Equal((PasswordOptions.Argon2id, 19_456, 2, 1), (options.Algorithm, options.Argon2MemoryKiB, options.Argon2Iterations, options.Argon2Parallelism));
    }

    [Theory]
    [InlineData("Production", 19_455, 2, "Argon2MemoryKiB and Argon2Iterations must be at least 19456 and 2")]
    [InlineData("Production", 19_456, 1, "Argon2MemoryKiB and Argon2Iterations must be at least 19456 and 2")]
    [InlineData("Development", 4, 1, "Argon2MemoryKiB must be between 8")]
    [InlineData("Development", 64, 11, "Argon2Iterations must be between 1 and 10")]
    public void Validate_Argon2CostOutOfBounds_FailsNamingTheSetting(string environment, int memoryKiB, int iterations, string message)
    {
        var result = new PasswordOptionsValidator(new TestHostEnvironment(environment))
            .Validate(null, new SesameOptions { Passwords = { Argon2MemoryKiB = memoryKiB, Argon2Iterations = iterations } });

        Assert.True(result.Failed);
        Assert.Contains("Sesame:Passwords:" + message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownAlgorithm_FailsNamingTheSetting()
    {
        var result = new PasswordOptionsValidator(new TestHostEnvironment("Production"))
            .Validate(null, new SesameOptions { Passwords = { Algorithm = "bcrypt" } });

        Assert.Contains("Sesame:Passwords:Algorithm must be 'Argon2id' or 'Pbkdf2'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_HashOfThePassword_IsTrueAndAnyOtherPasswordIsFalse()
    {
        const string password = "correct horse battery stäple 🔑";
        var stored = Hasher.Hash(password);

        Assert.True(Hasher.Verify(password, stored));
        Assert.False(Hasher.Verify("Correct horse battery stäple 🔑", stored));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DiffersAndRecordsItsIterations()
    {
        var first = Hasher.Hash("hunter22");
        var second = Hasher.Hash("hunter22");

        Assert.NotEqual(first, second);
        Assert.StartsWith($"pbkdf2-sha256${SesameApp.TestPbkdf2Iterations}$", first, StringComparison.Ordinal);
        var parts = first.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.DoesNotContain("hunter22", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AfterTheIterationSettingChanged_PasswordsSetBeforeStillVerify()
    {
        var before = Hasher.Hash("hunter22");
        var raised = With(SesameApp.TestPbkdf2Iterations * 2);

        Assert.True(raised.Verify("hunter22", before));
        Assert.False(raised.Verify("hunter23", before));
        Assert.True(Hasher.Verify("hunter22", raised.Hash("hunter22")));
    }

    [Fact]
    public void Verify_OnAServerHashingAtTheDefault_UsesTheCountTheRecordHolds()
    {
        // Costs the record's 1,000 iterations, not the server's 600,000.
        var production = With(new PasswordOptions().Pbkdf2Iterations);

        Assert.True(production.Verify("hunter22", Hasher.Hash("hunter22")));
        Assert.False(production.Verify("hunter23", Hasher.Hash("hunter22")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("2147483647")]
    public void Verify_RecordWithACountNoSettingAllows_IsFalse(string iterations)
    {
        var parts = Hasher.Hash("hunter22").Split('$');

        Assert.False(Hasher.Verify("hunter22", $"{parts[0]}${iterations}${parts[2]}${parts[3]}"));
    }

    [Fact]
    public void Verify_NoStoredHash_IsFalse()
    {
        Assert.False(Hasher.Verify("hunter22", null));
        Assert.False(Hasher.Verify(string.Empty, null));
    }

    [Theory]
    [InlineData("hunter22")]
    [InlineData("")]
    [InlineData("bcrypt$2b$12$abcdefghijklmnopqrstuv")]
    [InlineData("pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha1$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$many$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Verify_StoredValueInAnotherFormat_IsFalse(string stored)
    {
        Assert.False(Hasher.Verify("hunter22", stored));
    }

    [Fact]
    public void Verify_StoredHashWithEmptyDigest_IsFalse()
    {
        Assert.False(Hasher.Verify("any password at all", "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$"));
    }

    private const string ReferenceDigest = "55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM";

    [Fact]
    public void Options_Default_OwaspIterations()
    {
        Assert.Equal(600_000, new PasswordOptions().Pbkdf2Iterations);
    }

    [Theory]
    [InlineData("Production", 600_000)]
    [InlineData("Staging", 1_000_000)]
    [InlineData("Development", 1)]
    [InlineData("Development", 600_000)]
    public void Validate_AllowedCount_Succeeds(string environment, int iterations)
    {
        Assert.True(Validate(environment, iterations).Succeeded);
    }

    [Theory]
    [InlineData("Production", 599_999, "must be at least 600000")]
    [InlineData("Staging", 1_000, "must be at least 600000")]
    [InlineData("Development", 0, "must be between 1 and 10000000")]
    [InlineData("Production", 10_000_001, "must be between 1 and 10000000")]
    public void Validate_CountOutOfBounds_FailsNamingTheSetting(string environment, int iterations, string message)
    {
        var result = Validate(environment, iterations);

        Assert.True(result.Failed);
        Assert.Contains("Sesame:Passwords:Pbkdf2Iterations " + message, result.FailureMessage, StringComparison.Ordinal);
    }

    private static ValidateOptionsResult Validate(string environment, int iterations) =>
        new PasswordOptionsValidator(new TestHostEnvironment(environment))
            .Validate(null, new SesameOptions { Passwords = { Pbkdf2Iterations = iterations } });
}
