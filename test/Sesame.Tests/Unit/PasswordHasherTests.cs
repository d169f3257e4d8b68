using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.SignIn.Passwords;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Unit;

// Hashes at a test iteration count; the production count (~0.3 s a hash) is only checked where it costs nothing.
public sealed class PasswordHasherTests
{
    private static readonly PasswordHasher Hasher = With(SesameApp.TestPbkdf2Iterations);

    private static PasswordHasher With(int iterations) =>
        new(Options.Create(new SesameOptions { Passwords = { Pbkdf2Iterations = iterations } }));

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
