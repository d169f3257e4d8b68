using Microsoft.Extensions.DependencyInjection;
using Sesame.SignIn.Passwords;
using Sesame.Storage;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>The SQLite password store: verifiers bound to their user, and the lockout counter.</summary>
public sealed class PasswordStoreTests : IDisposable
{
    private static readonly PasswordVerifier Verifier = new([1, 2, 3], [4, 5, 6]);

    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private IPasswordStore Store => _app.Services.GetRequiredService<IPasswordStore>();

    private async Task<(string UsernameKey, string Sub)> UserAsync()
    {
        var phone = SesameApp.NewPhone();
        var sub = await _app.CreateConfirmedUserAsync(phone);
        var user = await _app.Services.GetRequiredService<IUserStore>().FindAsync(SesameApp.PoolId, phone, CancellationToken.None);
        return (user!.Username.ToLowerInvariant(), sub);
    }

    [Fact]
    public async Task SaveVerifier_SubOfAnotherAccount_NotWritten()
    {
        var (key, sub) = await UserAsync();

        Assert.False(await Store.SaveVerifierAsync(SesameApp.PoolId, key, Guid.NewGuid().ToString(), Verifier, CancellationToken.None));
        Assert.Null(await Store.FindVerifierAsync(SesameApp.PoolId, key, CancellationToken.None));
        Assert.False(await Store.SaveVerifierAsync(SesameApp.PoolId, "no-such-user", sub, Verifier, CancellationToken.None));

        Assert.True(await Store.SaveVerifierAsync(SesameApp.PoolId, key, sub, Verifier, CancellationToken.None));
        var stored = await Store.FindVerifierAsync(SesameApp.PoolId, key, CancellationToken.None);
        Assert.Equal(Verifier.Salt, stored!.Salt);
        Assert.Equal(Verifier.Verifier, stored.Verifier);
    }

    [Fact]
    public async Task SetPassword_ExistingUser_HashAndVerifierReplacedTogether()
    {
        var (key, _) = await UserAsync();
        var (hash, verifier) = PasswordCredentials.Create(SesameApp.PoolId, key, "new password 1");

        Assert.True(await Store.SetPasswordAsync(SesameApp.PoolId, key, hash, verifier, _app.Clock.GetUtcNow(), CancellationToken.None));
        Assert.False(await Store.SetPasswordAsync(SesameApp.PoolId, "no-such-user", hash, verifier, _app.Clock.GetUtcNow(), CancellationToken.None));

        var user = await _app.Services.GetRequiredService<IUserStore>().FindAsync(SesameApp.PoolId, key, CancellationToken.None);
        Assert.Equal(hash, user!.PasswordHash);
        Assert.Equal(verifier.Verifier, (await Store.FindVerifierAsync(SesameApp.PoolId, key, CancellationToken.None))!.Verifier);
    }

    [Fact]
    public async Task CountAttempt_LockedThenQuiet_RefusedWhileLockedAndStartsOverAfterTheQuietPeriod()
    {
        var now = _app.Clock.GetUtcNow();
        var quiet = TimeSpan.FromMinutes(15);
        static TimeSpan? LockAtTwo(int n) => n >= 2 ? TimeSpan.FromSeconds(10) : null;

        Assert.Null(await Store.CountAttemptAsync(SesameApp.PoolId, "name", now, quiet, LockAtTwo, CancellationToken.None));
        Assert.Null(await Store.CountAttemptAsync(SesameApp.PoolId, "name", now, quiet, LockAtTwo, CancellationToken.None));
        Assert.Equal(now.AddSeconds(10), await Store.CountAttemptAsync(SesameApp.PoolId, "name", now.AddSeconds(5), quiet, LockAtTwo, CancellationToken.None));
        // The refused attempt did not extend the lockout; the next one counts (3rd) and locks again.
        Assert.Null(await Store.CountAttemptAsync(SesameApp.PoolId, "name", now.AddSeconds(10), quiet, LockAtTwo, CancellationToken.None));
        // After the quiet period the count starts over: the 1st attempt locks nothing.
        var later = now.AddSeconds(10) + quiet;
        Assert.Null(await Store.CountAttemptAsync(SesameApp.PoolId, "name", later, quiet, LockAtTwo, CancellationToken.None));
        Assert.Null(await Store.CountAttemptAsync(SesameApp.PoolId, "name", later, quiet, n => n >= 2 ? TimeSpan.FromSeconds(1) : null, CancellationToken.None));
        Assert.NotNull(await Store.CountAttemptAsync(SesameApp.PoolId, "name", later, quiet, LockAtTwo, CancellationToken.None));

        await Store.ResetAttemptsAsync(SesameApp.PoolId, "name", CancellationToken.None);
        Assert.Null(await Store.CountAttemptAsync(SesameApp.PoolId, "name", later, quiet, LockAtTwo, CancellationToken.None));
    }
}
