using System.Security.Cryptography;
using Sesame.Storage;

namespace Sesame.Tests.Storage;

/// <summary>IOAuthGrantStore: a code is redeemed once, even under races; a replay is seen and marked; expired codes die.</summary>
public abstract partial class StoreContractTests
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    private protected async Task<AuthorizationCodeRecord> SavedCodeAsync(string? nonce = "n-0S6_WzA2Mj")
    {
        var code = new AuthorizationCodeRecord(
            RandomNumberGenerator.GetBytes(32), Guid.NewGuid().ToString(), Pool, "client", "https://app.example.com/callback",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "openid email", nonce, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(),
            DateTimeOffset.FromUnixTimeMilliseconds(Now.ToUnixTimeMilliseconds()),
            DateTimeOffset.FromUnixTimeMilliseconds((Now + CodeLifetime).ToUnixTimeMilliseconds()));
        await Stores.OAuthGrants.SaveCodeAsync(code, Now, None);
        return code;
    }

    [StoreFact]
    public async Task RedeemAuthorizationCode_Saved_EveryFieldAsStoredAndScopeFoundAfter()
    {
        var code = await SavedCodeAsync();
        var withoutNonce = await SavedCodeAsync(nonce: null);

        var (outcome, redeemed) = await Stores.OAuthGrants.RedeemAsync(code.CodeHash, Now, Now + TimeSpan.FromDays(30), None);
        var (_, second) = await Stores.OAuthGrants.RedeemAsync(withoutNonce.CodeHash, Now, Now + TimeSpan.FromDays(30), None);

        Assert.Equal(CodeRedemption.Redeemed, outcome);
        Assert.Equal(code, redeemed! with { CodeHash = code.CodeHash });
        Assert.Null(second!.Nonce);
        Assert.Equal("openid email", await Stores.OAuthGrants.FindScopeAsync(code.OriginJti, None));
        Assert.Null(await Stores.OAuthGrants.FindScopeAsync(Guid.NewGuid().ToString(), None));
    }

    [StoreFact]
    public async Task RedeemAuthorizationCode_Twice_SecondIsAReplayAndMarked()
    {
        var code = await SavedCodeAsync();
        await Stores.OAuthGrants.RedeemAsync(code.CodeHash, Now, Now + TimeSpan.FromDays(30), None);
        Assert.False(await Stores.OAuthGrants.IsReplayedAsync(code.CodeHash, None));

        var (outcome, replayed) = await Stores.OAuthGrants.RedeemAsync(code.CodeHash, Now, Now + TimeSpan.FromDays(30), None);

        Assert.Equal(CodeRedemption.Replayed, outcome);
        Assert.Equal(code.OriginJti, replayed!.OriginJti);
        Assert.True(await Stores.OAuthGrants.IsReplayedAsync(code.CodeHash, None));
    }

    [StoreFact]
    public async Task RedeemAuthorizationCode_AfterExpiry_UnknownAndNoScope()
    {
        var code = await SavedCodeAsync();
        Clock.Advance(CodeLifetime);

        var (outcome, record) = await Stores.OAuthGrants.RedeemAsync(code.CodeHash, Now, Now + TimeSpan.FromDays(30), None);

        Assert.Equal(CodeRedemption.Unknown, outcome);
        Assert.Null(record);
        Assert.Null(await Stores.OAuthGrants.FindScopeAsync(code.OriginJti, None));
    }

    [StoreFact]
    public async Task RedeemAuthorizationCode_UnknownCode_Unknown()
    {
        var (outcome, _) = await Stores.OAuthGrants.RedeemAsync(RandomNumberGenerator.GetBytes(32), Now, Now + TimeSpan.FromDays(30), None);

        Assert.Equal(CodeRedemption.Unknown, outcome);
    }

    [StoreFact]
    public async Task RedeemAuthorizationCode_ConcurrentRedemptions_ExactlyOneWins()
    {
        var code = await SavedCodeAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ =>
            Task.Run(async () => (await Stores.OAuthGrants.RedeemAsync(code.CodeHash, Now, Now + TimeSpan.FromDays(30), None)).Outcome)));

        Assert.Equal(1, outcomes.Count(o => o == CodeRedemption.Redeemed));
        Assert.Equal(Writers - 1, outcomes.Count(o => o == CodeRedemption.Replayed));
    }

    [StoreFact]
    public async Task SaveAuthorizationCode_ExpiredRowsOfOthers_SweptButRedeemedGrantsKept()
    {
        var expired = await SavedCodeAsync();
        var redeemed = await SavedCodeAsync();
        await Stores.OAuthGrants.RedeemAsync(redeemed.CodeHash, Now, Now + TimeSpan.FromDays(30), None);
        Clock.Advance(CodeLifetime + TimeSpan.FromSeconds(1));

        await SavedCodeAsync();

        Assert.Equal(CodeRedemption.Unknown, (await Stores.OAuthGrants.RedeemAsync(expired.CodeHash, Now, Now, None)).Outcome);
        Assert.Equal("openid email", await Stores.OAuthGrants.FindScopeAsync(redeemed.OriginJti, None));
    }

    [StoreFact]
    public async Task PageSession_Saved_LiveUntilEndedOrExpired()
    {
        var ended = RandomNumberGenerator.GetBytes(32);
        var expiring = RandomNumberGenerator.GetBytes(32);
        await Stores.OAuthGrants.SavePageSessionAsync(ended, Pool, "user-1", Now + TimeSpan.FromHours(1), Now, None);
        await Stores.OAuthGrants.SavePageSessionAsync(expiring, Pool, "user-2", Now + TimeSpan.FromMinutes(10), Now, None);
        Assert.True(await Stores.OAuthGrants.IsPageSessionLiveAsync(ended, Now, None));
        Assert.False(await Stores.OAuthGrants.IsPageSessionLiveAsync(RandomNumberGenerator.GetBytes(32), Now, None));

        await Stores.OAuthGrants.EndPageSessionAsync(ended, None);
        await Stores.OAuthGrants.EndPageSessionAsync(ended, None);
        Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.False(await Stores.OAuthGrants.IsPageSessionLiveAsync(ended, Now, None));
        Assert.False(await Stores.OAuthGrants.IsPageSessionLiveAsync(expiring, Now, None));
    }
}
