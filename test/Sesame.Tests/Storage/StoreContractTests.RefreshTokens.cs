using System.Security.Cryptography;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>IRefreshTokenStore and IRefreshTokenRotationStore: revocation by sign-in; one successor per token; reuse revokes the family.</summary>
public abstract partial class StoreContractTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private protected async Task<RefreshTokenRecord> SavedTokenAsync(string clientId = "client", string? originJti = null)
    {
        var token = Token(await CreatedAsync(status: UserStatus.Confirmed), clientId, originJti);
        Assert.True(await Stores.RefreshTokens.SaveAsync(token, None));
        return token;
    }

    [StoreFact]
    public async Task SaveRefreshToken_UserDisabledDeletedOrReplaced_NothingStored()
    {
        var disabled = await CreatedAsync(status: UserStatus.Confirmed);
        Assert.True(await Stores.Accounts.SetEnabledAsync(Pool, Key(disabled), false, Now, None));
        var deleted = await CreatedAsync(status: UserStatus.Confirmed);
        Assert.True(await Stores.Accounts.DeleteAsync(Pool, Key(deleted), Now, None));
        // Deleted and signed up again under the same name: a new sub, which the old sign-in's token must not name.
        var replaced = await CreatedAsync(status: UserStatus.Confirmed);
        Assert.True(await Stores.Accounts.DeleteAsync(Pool, Key(replaced), Now, None));
        await CreatedAsync(status: UserStatus.Confirmed, username: replaced.Username);
        var inOtherPool = Token(await CreatedAsync(status: UserStatus.Confirmed)) with { PoolId = "us-east-1_Other" };

        foreach (var token in new[] { Token(disabled), Token(deleted), Token(replaced), Token(NewUser()), inOtherPool })
        {
            Assert.False(await Stores.RefreshTokens.SaveAsync(token, None));
            Assert.Null(await Stores.RefreshTokens.FindAsync(token.TokenHash, None));
        }

        // Enabled again: its next sign-in's token is stored.
        Assert.True(await Stores.Accounts.SetEnabledAsync(Pool, Key(disabled), true, Now, None));
        var revived = Token(disabled);
        Assert.True(await Stores.RefreshTokens.SaveAsync(revived, None));
        Assert.NotNull(await Stores.RefreshTokens.FindAsync(revived.TokenHash, None));
    }

    [StoreFact]
    public async Task SaveRefreshToken_RacingDisable_EitherRefusedOrRevoked()
    {
        // However a disable interleaves with the token's write, no live token of a disabled user remains.
        for (var round = 0; round < 10; round++)
        {
            var user = await CreatedAsync(status: UserStatus.Confirmed);
            var tokens = Enumerable.Range(0, 4).Select(_ => Token(user)).ToArray();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var saves = tokens.Select(token => Task.Run(async () =>
            {
                await start.Task;
                return await Stores.RefreshTokens.SaveAsync(token, None);
            })).ToArray();
            var disable = Task.Run(async () =>
            {
                await start.Task;
                return await Stores.Accounts.SetEnabledAsync(Pool, Key(user), false, Now, None);
            });
            start.SetResult();
            Assert.True(await disable);
            var saved = await Task.WhenAll(saves);

            for (var i = 0; i < tokens.Length; i++)
            {
                var stored = await Stores.RefreshTokens.FindAsync(tokens[i].TokenHash, None);
                Assert.Equal(saved[i], stored is not null);
                Assert.True(stored is null || stored.RevokedAt is not null, $"round {round}: a token of the disabled user is live");
            }
        }
    }

    private protected ValueTask<RotationResult> RotateAsync(RefreshTokenRecord token, byte[] successor, string clientId = "client") =>
        Stores.Rotation.RotateAsync(token.TokenHash, successor, clientId, Now, Grace, None);

    [StoreFact]
    public async Task FindRefreshToken_Saved_EveryFieldAsStored()
    {
        var token = await SavedTokenAsync();

        var found = await Stores.RefreshTokens.FindAsync(token.TokenHash, None);

        Assert.Equal(token, found! with { TokenHash = token.TokenHash });
        Assert.Equal(token.TokenHash, found.TokenHash);
        Assert.Null(await Stores.RefreshTokens.FindAsync(RandomNumberGenerator.GetBytes(32), None));
    }

    [StoreFact]
    public async Task RevokeRefreshToken_OneSignIn_EveryTokenOfItAndNoOther()
    {
        var token = await SavedTokenAsync();
        var sibling = await SavedTokenAsync(originJti: token.OriginJti);
        var other = await SavedTokenAsync();
        var revokedAt = Now;

        await Stores.RefreshTokens.RevokeAsync(token.OriginJti, revokedAt, None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Stores.RefreshTokens.RevokeAsync(token.OriginJti, Now, None);

        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(token.OriginJti, None));
        Assert.False(await Stores.RefreshTokens.IsRevokedAsync(other.OriginJti, None));
        Assert.False(await Stores.RefreshTokens.IsRevokedAsync("never-issued", None));
        // Revoking again keeps the first time.
        Assert.Equal(revokedAt, (await Stores.RefreshTokens.FindAsync(sibling.TokenHash, None))!.RevokedAt);
        Assert.Null((await Stores.RefreshTokens.FindAsync(other.TokenHash, None))!.RevokedAt);
    }

    [StoreFact]
    public async Task Rotate_LiveToken_SuccessorInheritsTheSignInAndItsAbsoluteExpiry()
    {
        var token = await SavedTokenAsync();
        Clock.Advance(TimeSpan.FromHours(1));
        var successor = RandomNumberGenerator.GetBytes(32);

        var result = await RotateAsync(token, successor);

        Assert.Equal(RotationOutcome.Rotated, result.Outcome);
        Assert.Equal(token.OriginJti, result.Token!.OriginJti);
        var next = await Stores.RefreshTokens.FindAsync(successor, None);
        Assert.Equal(token with { TokenHash = successor, CreatedAt = Now }, next! with { TokenHash = successor });
        // The rotated-out token lives on only through its grace period.
        Assert.Equal(Now + Grace, (await Stores.RefreshTokens.FindAsync(token.TokenHash, None))!.ExpiresAt);
    }

    [StoreFact]
    public async Task Rotate_Twice_WithinGrace_SameSuccessor()
    {
        var token = await SavedTokenAsync();
        var successor = RandomNumberGenerator.GetBytes(32);
        await RotateAsync(token, successor);
        Clock.Advance(Grace - TimeSpan.FromSeconds(1));

        var retry = await RotateAsync(token, successor);

        Assert.Equal(RotationOutcome.Retried, retry.Outcome);
        Assert.Null((await Stores.RefreshTokens.FindAsync(successor, None))!.RevokedAt);
    }

    [StoreFact]
    public async Task Rotate_AgainAfterGrace_ReusedAndTheWholeFamilyRevoked()
    {
        var token = await SavedTokenAsync();
        var successor = RandomNumberGenerator.GetBytes(32);
        await RotateAsync(token, successor);
        Clock.Advance(Grace + TimeSpan.FromSeconds(1));

        var reuse = await RotateAsync(token, successor);

        Assert.Equal(RotationOutcome.Reused, reuse.Outcome);
        Assert.NotNull((await Stores.RefreshTokens.FindAsync(successor, None))!.RevokedAt);
        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(token.OriginJti, None));
    }

    [StoreFact]
    public async Task Rotate_WithinGraceToAnotherSuccessor_Reused()
    {
        var token = await SavedTokenAsync();
        var successor = RandomNumberGenerator.GetBytes(32);
        await RotateAsync(token, successor);

        Assert.Equal(RotationOutcome.Reused, (await RotateAsync(token, RandomNumberGenerator.GetBytes(32))).Outcome);
        Assert.NotNull((await Stores.RefreshTokens.FindAsync(successor, None))!.RevokedAt);
    }

    [StoreFact]
    public async Task Rotate_RetryAfterTheSuccessorMovedOn_Reused()
    {
        var token = await SavedTokenAsync();
        var (second, third) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        await RotateAsync(token, second);
        Assert.Equal(RotationOutcome.Rotated, (await Stores.Rotation.RotateAsync(second, third, "client", Now, Grace, None)).Outcome);

        Assert.Equal(RotationOutcome.Reused, (await RotateAsync(token, second)).Outcome);
        Assert.NotNull((await Stores.RefreshTokens.FindAsync(third, None))!.RevokedAt);
    }

    [StoreFact]
    public async Task Rotate_ConcurrentRefreshesOfOneToken_OneRotatedTheRestRetried()
    {
        var token = await SavedTokenAsync();
        var successor = RandomNumberGenerator.GetBytes(32);

        var results = await ConcurrentlyAsync(_ => RotateAsync(token, successor).AsTask());

        Assert.Single(results, r => r.Outcome == RotationOutcome.Rotated);
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { RotationOutcome.Rotated, RotationOutcome.Retried }));
        Assert.Null((await Stores.RefreshTokens.FindAsync(successor, None))!.RevokedAt);
    }

    [StoreFact]
    public async Task Rotate_UnknownOrOtherClientsToken_UnknownAndNothingWritten()
    {
        var token = await SavedTokenAsync(clientId: "client");
        var successor = RandomNumberGenerator.GetBytes(32);

        Assert.Equal(new RotationResult(RotationOutcome.Unknown, null), await RotateAsync(token, successor, clientId: "other"));
        Assert.Equal(RotationOutcome.Unknown, (await Stores.Rotation.RotateAsync(successor, token.TokenHash, "client", Now, Grace, None)).Outcome);

        Assert.Null(await Stores.RefreshTokens.FindAsync(successor, None));
        Assert.Equal(RotationOutcome.Rotated, (await RotateAsync(token, successor)).Outcome);
    }

    [StoreFact]
    public async Task Rotate_PastItsExpiry_ExpiredAndNoSuccessor()
    {
        var token = await SavedTokenAsync();
        Clock.Advance(TimeSpan.FromDays(30));
        var successor = RandomNumberGenerator.GetBytes(32);

        Assert.Equal(RotationOutcome.Expired, (await RotateAsync(token, successor)).Outcome);
        Assert.Null(await Stores.RefreshTokens.FindAsync(successor, None));
    }

    [StoreFact]
    public async Task Rotate_RevokedToken_RevokedAndNoSuccessor()
    {
        var token = await SavedTokenAsync();
        await Stores.RefreshTokens.RevokeAsync(token.OriginJti, Now, None);
        var successor = RandomNumberGenerator.GetBytes(32);

        Assert.Equal(RotationOutcome.Revoked, (await RotateAsync(token, successor)).Outcome);
        Assert.Null(await Stores.RefreshTokens.FindAsync(successor, None));
    }
}
