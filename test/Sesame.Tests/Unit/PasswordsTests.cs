using Sesame.SignIn.Passwords;

namespace Sesame.Tests.Unit;

// PBKDF2 with 600,000 iterations costs ~0.3 s per hash or verify: these tests keep to a handful of calls.
public sealed class PasswordsTests
{
    [Fact]
    public void Verify_HashOfThePassword_IsTrueAndAnyOtherPasswordIsFalse()
    {
        const string password = "correct horse battery stäple 🔑";
        var stored = PasswordHasher.Hash(password);

        Assert.True(PasswordHasher.Verify(password, stored));
        Assert.False(PasswordHasher.Verify("Correct horse battery stäple 🔑", stored));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DiffersAndIsSelfDescribing()
    {
        var first = PasswordHasher.Hash("hunter22");
        var second = PasswordHasher.Hash("hunter22");

        Assert.NotEqual(first, second);
        Assert.StartsWith("pbkdf2-sha256$600000$", first, StringComparison.Ordinal);
        var parts = first.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.DoesNotContain("hunter22", first, StringComparison.Ordinal);
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
        Assert.False(PasswordHasher.Verify("hunter22", stored));
    }

    [Fact]
    public void Verify_StoredHashWithEmptyDigest_IsFalse()
    {
        Assert.False(PasswordHasher.Verify("any password at all", "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$"));
    }
}
