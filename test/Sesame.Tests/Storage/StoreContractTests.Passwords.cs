using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>IPasswordStore: a verifier belongs to one account; hash and verifier change together; guesses never slip past a lockout.</summary>
public abstract partial class StoreContractTests
{
    private static readonly PasswordVerifier Verifier = new([1, 2, 3], [4, 5, 6]);
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(15);

    private static PasswordChange Change(string hash, string? status, int keep = 0) => new(hash, Verifier, status, keep);

    [StoreFact]
    public async Task SetPassword_WithAttributesAtAnOldVersion_NothingWritten()
    {
        var user = await CreatedAsync(status: UserStatus.ForceChangePassword);
        user.Attributes["name"] = "Jo";
        var stale = user.Version - 1;
        user.Version = stale;

        Assert.Equal(AttributeWriteOutcome.UserChanged,
            await Stores.Passwords.SetPasswordAsync(Pool, Key(user), Change("new", UserStatus.Confirmed) with { Attributes = user }, Now, None));

        var stored = await Stores.Users.FindAsync(Pool, user.Username, None);
        Assert.Equal(UserStatus.ForceChangePassword, stored!.Status);
        Assert.False(stored.Attributes.ContainsKey("name"));

        user.Version = stored.Version;
        Assert.Equal(AttributeWriteOutcome.Written,
            await Stores.Passwords.SetPasswordAsync(Pool, Key(user), Change("new", UserStatus.Confirmed) with { Attributes = user }, Now, None));
        stored = await Stores.Users.FindAsync(Pool, user.Username, None);
        Assert.Equal(("new", UserStatus.Confirmed, "Jo"), (stored!.PasswordHash, stored.Status, stored.Attributes["name"]));
    }

    [StoreFact]
    public async Task SaveVerifier_SubOfAnotherAccount_NotWritten()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);

        Assert.False(await Stores.Passwords.SaveVerifierAsync(Pool, Key(user), Guid.NewGuid().ToString(), Verifier, None));
        Assert.Null(await Stores.Passwords.FindVerifierAsync(Pool, Key(user), None));
        Assert.False(await Stores.Passwords.SaveVerifierAsync(Pool, "no-such-user", user.Sub, Verifier, None));

        Assert.True(await Stores.Passwords.SaveVerifierAsync(Pool, Key(user), user.Sub, Verifier, None));
        var stored = await Stores.Passwords.FindVerifierAsync(Pool, Key(user), None);
        Assert.Equal(Verifier.Salt, stored!.Salt);
        Assert.Equal(Verifier.Verifier, stored.Verifier);
        Assert.True(await Stores.Passwords.SaveVerifierAsync(Pool, Key(user), user.Sub, new PasswordVerifier([7], [8]), None));
        Assert.Equal([8], (await Stores.Passwords.FindVerifierAsync(Pool, Key(user), None))!.Verifier);
    }

    // The store's password write without history, attributes or messages: true when written.
    private async Task<bool> SetPasswordAsync(string usernameKey, string hash, string? status, int keepHistory = 0) =>
        await Stores.Passwords.SetPasswordAsync(Pool, usernameKey, new PasswordChange(hash, Verifier, status, keepHistory), Now, None)
        == AttributeWriteOutcome.Written;

    [StoreFact]
    public async Task SetPassword_KeepHistory_ReplacedHashesKeptNewestFirstAndPruned_SetTimeRecorded()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        Assert.True(await SetPasswordAsync(Key(user), "first", null, keepHistory: 2));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await SetPasswordAsync(Key(user), "second", null, keepHistory: 2));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await SetPasswordAsync(Key(user), "third", null, keepHistory: 2));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await SetPasswordAsync(Key(user), "fourth", null, keepHistory: 2));

        var history = await Stores.Passwords.FindPasswordHistoryAsync(Pool, Key(user), 24, None);
        Assert.Equal(2, history.Count);
        Assert.Equal(["second", "third"], history.Order(StringComparer.Ordinal));
        Assert.Equal(Now, (await Stores.Users.FindAsync(Pool, user.Username, None))!.PasswordSetAt);

        Assert.True(await SetPasswordAsync(Key(user), "fifth", null, keepHistory: 0));
        Assert.Empty(await Stores.Passwords.FindPasswordHistoryAsync(Pool, Key(user), 24, None));
    }

    [StoreFact]
    public async Task SetPassword_KeepHistory_ChangesAtOneInstant_ExactlyTheNewestKeptNewestFirst()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        async Task<string[]> HistoryAsync(int count) => [.. await Stores.Passwords.FindPasswordHistoryAsync(Pool, Key(user), count, None)];

        // The clock never moves, so every row ties on replaced_at; the hashes sort neither in the order they were
        // replaced nor in its reverse, so no order but the one of the changes keeps the right ones.
        foreach (var hash in new[] { "c", "a", "d", "b", "e" })
        {
            Assert.True(await SetPasswordAsync(Key(user), hash, null, keepHistory: 2));
        }

        Assert.Equal(["b", "d"], await HistoryAsync(24));
        Assert.Equal(["b"], await HistoryAsync(1));

        Assert.True(await SetPasswordAsync(Key(user), "f", null, keepHistory: 3));
        Assert.Equal(["e", "b", "d"], await HistoryAsync(24));

        // A hash that is current again and then replaced is the newest once more, not where it first stood.
        Assert.True(await SetPasswordAsync(Key(user), "b", null, keepHistory: 3));
        Assert.Equal(["f", "e", "b"], await HistoryAsync(24));
        Assert.True(await SetPasswordAsync(Key(user), "g", null, keepHistory: 3));
        Assert.Equal(["b", "f", "e"], await HistoryAsync(24));

        // ConfirmForgotPassword's write keeps the history by the same order.
        Assert.True(await Stores.Passwords.ResetPasswordAsync(Pool, Key(user), user.Sub, Change("h", null, keep: 2), Now, None));
        Assert.Equal(["g", "b"], await HistoryAsync(24));
    }

    [StoreFact]
    public async Task SetPassword_ExistingUser_HashAndVerifierReplacedTogether()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);

        Assert.True(await SetPasswordAsync(Key(user), "hash-2", null));
        Assert.False(await SetPasswordAsync("no-such-user", "hash-3", null));

        var stored = await Stores.Users.FindAsync(Pool, user.Username, None);
        Assert.Equal(("hash-2", 2L), (stored!.PasswordHash, stored.Version));
        Assert.Equal(Verifier.Verifier, (await Stores.Passwords.FindVerifierAsync(Pool, Key(user), None))!.Verifier);
        Assert.Null(await Stores.Passwords.FindVerifierAsync(Pool, "no-such-user", None));
    }

    [StoreFact]
    public async Task UpgradePasswordHash_OnlyWhileTheHashIsTheOneRead_VersionAndVerifierKept()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        Assert.True(await SetPasswordAsync(Key(user), "old-hash", null));

        Assert.False(await Stores.Passwords.UpgradePasswordHashAsync(Pool, Key(user), "some-other-hash", "new-hash", None));
        Assert.True(await Stores.Passwords.UpgradePasswordHashAsync(Pool, Key(user), "old-hash", "new-hash", None));
        Assert.False(await Stores.Passwords.UpgradePasswordHashAsync(Pool, Key(user), "old-hash", "newer-hash", None));
        Assert.False(await Stores.Passwords.UpgradePasswordHashAsync(Pool, "no-such-user", "old-hash", "new-hash", None));

        var stored = await Stores.Users.FindAsync(Pool, user.Username, None);
        Assert.Equal(("new-hash", 2L), (stored!.PasswordHash, stored.Version));
        Assert.Equal(Verifier.Verifier, (await Stores.Passwords.FindVerifierAsync(Pool, Key(user), None))!.Verifier);
    }

    [StoreFact]
    public async Task SetPassword_WithStatus_StatusSetWithoutStatusKept()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);

        Assert.True(await SetPasswordAsync(Key(user), "temporary", UserStatus.ForceChangePassword));
        Assert.Equal(UserStatus.ForceChangePassword, (await Stores.Users.FindAsync(Pool, user.Username, None))!.Status);
        Assert.True(await SetPasswordAsync(Key(user), "again", null));
        Assert.Equal(UserStatus.ForceChangePassword, (await Stores.Users.FindAsync(Pool, user.Username, None))!.Status);
        Assert.True(await SetPasswordAsync(Key(user), "chosen", UserStatus.Confirmed));
        Assert.Equal(UserStatus.Confirmed, (await Stores.Users.FindAsync(Pool, user.Username, None))!.Status);
    }

    [StoreFact]
    public async Task ResetPassword_ConfirmedOrResetRequiredOfThisSub_SetConfirmedAndTokensRevoked_OtherwiseNothing()
    {
        var user = await CreatedAsync(status: UserStatus.ResetRequired);
        var (token, others) = (Token(user), Token(await CreatedAsync(status: UserStatus.Confirmed)));
        await Stores.RefreshTokens.SaveAsync(token, None);
        await Stores.RefreshTokens.SaveAsync(others, None);
        var temporary = await CreatedAsync(status: UserStatus.ForceChangePassword);

        Assert.False(await Stores.Passwords.ResetPasswordAsync(Pool, Key(user), Guid.NewGuid().ToString(), new PasswordChange("hash", Verifier, null, 0), Now, None));
        Assert.False(await Stores.Passwords.ResetPasswordAsync(Pool, Key(temporary), temporary.Sub, new PasswordChange("hash", Verifier, null, 0), Now, None));
        Assert.False(await Stores.RefreshTokens.IsRevokedAsync(token.OriginJti, None));
        Assert.True(await Stores.Passwords.ResetPasswordAsync(Pool, Key(user), user.Sub, new PasswordChange("reset-hash", Verifier, null, 0), Now, None));

        var stored = await Stores.Users.FindAsync(Pool, user.Username, None);
        Assert.Equal(("reset-hash", UserStatus.Confirmed), (stored!.PasswordHash, stored.Status));
        Assert.Equal(Verifier.Verifier, (await Stores.Passwords.FindVerifierAsync(Pool, Key(user), None))!.Verifier);
        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(token.OriginJti, None));
        Assert.False(await Stores.RefreshTokens.IsRevokedAsync(others.OriginJti, None));
        Assert.Equal(UserStatus.ForceChangePassword, (await Stores.Users.FindAsync(Pool, temporary.Username, None))!.Status);
    }

    [StoreFact]
    public async Task RequireReset_Confirmed_StatusCodeMessageAndRevocationTogether_UnconfirmedNothingWritten()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        var token = Token(user);
        await Stores.RefreshTokens.SaveAsync(token, None);
        var unconfirmed = await CreatedAsync();
        var queued = await QueuedAsync();

        Assert.False(await Stores.Passwords.RequireResetAsync(Pool, Key(unconfirmed), unconfirmed.Sub, SignUpCode(unconfirmed, "forgot-password"), Message(), Now, None));
        Assert.Null(await CodeOfAsync(unconfirmed, "forgot-password"));
        Assert.Equal(queued, await QueuedAsync());
        Assert.True(await Stores.Passwords.RequireResetAsync(Pool, Key(user), user.Sub, SignUpCode(user, "forgot-password"), Message(), Now, None));

        Assert.Equal(UserStatus.ResetRequired, (await Stores.Users.FindAsync(Pool, user.Username, None))!.Status);
        Assert.NotNull(await CodeOfAsync(user, "forgot-password"));
        Assert.Equal(queued + 1, await QueuedAsync());
        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(token.OriginJti, None));
        Assert.Equal(UserStatus.Unconfirmed, (await Stores.Users.FindAsync(Pool, unconfirmed.Username, None))!.Status);
        Assert.True(await Stores.Passwords.RequireResetAsync(Pool, Key(user), user.Sub, null, null, Now, None));
    }

    [StoreFact]
    public async Task DeleteUser_WithVerifier_VerifierGoesWithIt()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        await Stores.Passwords.SaveVerifierAsync(Pool, Key(user), user.Sub, Verifier, None);

        await Stores.Accounts.DeleteAsync(Pool, Key(user), Now, None);
        await CreatedAsync(username: user.Username);

        Assert.Null(await Stores.Passwords.FindVerifierAsync(Pool, Key(user), None));
    }

    [StoreFact]
    public async Task CountPasswordAttempt_LockedThenQuiet_RefusedWhileLockedAndStartsOverAfterTheQuietPeriod()
    {
        var now = Now;
        static TimeSpan? LockAtTwo(int n) => n >= 2 ? TimeSpan.FromSeconds(10) : null;

        Assert.Null(await Stores.Passwords.CountAttemptAsync(Pool, "name", now, Quiet, LockAtTwo, None));
        Assert.Null(await Stores.Passwords.CountAttemptAsync(Pool, "name", now, Quiet, LockAtTwo, None));
        Assert.Equal(now.AddSeconds(10), await Stores.Passwords.CountAttemptAsync(Pool, "name", now.AddSeconds(5), Quiet, LockAtTwo, None));
        // The refused attempt did not extend the lockout; the next one counts (3rd) and locks again.
        Assert.Null(await Stores.Passwords.CountAttemptAsync(Pool, "name", now.AddSeconds(10), Quiet, LockAtTwo, None));
        Assert.Equal(now.AddSeconds(20), await Stores.Passwords.CountAttemptAsync(Pool, "name", now.AddSeconds(11), Quiet, LockAtTwo, None));
        // After the quiet period the count starts over: the 1st attempt locks nothing.
        var later = now.AddSeconds(20) + Quiet;
        Assert.Null(await Stores.Passwords.CountAttemptAsync(Pool, "name", later, Quiet, LockAtTwo, None));
        Assert.Null(await Stores.Passwords.CountAttemptAsync(Pool, "name", later, Quiet, n => n >= 2 ? TimeSpan.FromSeconds(1) : null, None));
        Assert.NotNull(await Stores.Passwords.CountAttemptAsync(Pool, "name", later, Quiet, LockAtTwo, None));
        // Names are counted apart, pool by pool.
        Assert.Null(await Stores.Passwords.CountAttemptAsync(Pool, "other", later, Quiet, LockAtTwo, None));
        Assert.Null(await Stores.Passwords.CountAttemptAsync(OtherPool, "name", later, Quiet, LockAtTwo, None));

        await Stores.Passwords.ResetAttemptsAsync(Pool, "name", None);
        Assert.Null(await Stores.Passwords.CountAttemptAsync(Pool, "name", later, Quiet, LockAtTwo, None));
    }

    [StoreFact]
    public async Task CountPasswordAttempt_ConcurrentGuesses_NoneSlipPastTheLockout()
    {
        static TimeSpan? LockAtFive(int n) => n >= 5 ? TimeSpan.FromMinutes(1) : null;

        var locked = await ConcurrentlyAsync(_ => Stores.Passwords.CountAttemptAsync(Pool, "name", Now, Quiet, LockAtFive, None).AsTask());

        // Five guesses are counted (the fifth locks); every later one is refused.
        Assert.Equal(5, locked.Count(l => l is null));
        Assert.All(locked.Where(l => l is not null), l => Assert.Equal(Now.AddMinutes(1), l));
    }
}
