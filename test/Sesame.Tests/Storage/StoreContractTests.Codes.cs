using System.Security.Cryptography;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>
/// One-time codes (<see cref="IOneTimeCodeStore"/>): one code per pool, purpose and user; a re-issued code replaces the
/// old one; counting and consuming are atomic under concurrent answers (32 at once); codes written with the user or
/// the attributes they verify, in the same write.
/// </summary>
public abstract partial class StoreContractTests
{
    private const int CodeAnswers = 32;

    [StoreFact]
    public async Task SaveCode_ThenFind_SameCodeNothingCounted()
    {
        var code = Code("ada", "verify:email", attribute: UserAttributes.Email, pendingValue: "new@example.com");
        await Stores.Codes.SaveAsync(code, null, None);

        var found = await Stores.Codes.FindAsync(code.Key, None);
        var again = await Stores.Codes.FindAsync(code.Key, None);

        AssertSameCode(code, found);
        Assert.Equal(0, again!.Code.Attempts);
    }

    [StoreFact]
    public async Task FindCode_OtherPurposePoolOrSubject_Null()
    {
        var code = Code("ada", "signup");
        await Stores.Codes.SaveAsync(code, null, None);

        Assert.Null(await Stores.Codes.FindAsync(code.Key with { Purpose = "verify:phone_number" }, None));
        Assert.Null(await Stores.Codes.FindAsync(code.Key with { PoolId = OtherPool }, None));
        Assert.Null(await Stores.Codes.FindAsync(code.Key with { Subject = "grace" }, None));
        Assert.Null(await Stores.Codes.CountAttemptAsync(code.Key with { Subject = "grace" }, None));
    }

    [StoreFact]
    public async Task SaveCode_Again_ReplacesTheOldOne_CountStartsAgain()
    {
        var old = Code("ada", "signup");
        await Stores.Codes.SaveAsync(old, null, None);
        await Stores.Codes.CountAttemptAsync(old.Key, None);
        var fresh = Code("ada", "signup");

        await Stores.Codes.SaveAsync(fresh, null, None);

        AssertSameCode(fresh, await Stores.Codes.FindAsync(old.Key, None));
        Assert.Null(await Stores.Codes.ConsumeAsync(old.Key, old.Code.Mac, None));
    }

    [StoreFact]
    public async Task SaveCode_SamePurposeOtherUserOrPool_BothKept()
    {
        var ada = Code("ada", "signup");
        var grace = Code("grace", "signup");
        var elsewhere = Code("ada", "signup", pool: OtherPool);
        var attribute = Code("ada", "verify:phone_number");
        foreach (var code in new[] { ada, grace, elsewhere, attribute })
        {
            await Stores.Codes.SaveAsync(code, null, None);
        }

        foreach (var code in new[] { ada, grace, elsewhere, attribute })
        {
            AssertSameCode(code, await Stores.Codes.FindAsync(code.Key, None));
        }
    }

    [StoreFact]
    public async Task SaveCode_WithMessage_MessageQueued()
    {
        await Stores.Codes.SaveAsync(Code("ada", "signup"), Message(), None);

        Assert.Equal(1, await QueuedAsync());
    }

    [StoreFact]
    public async Task CountAttempt_NoCode_Null()
    {
        Assert.Null(await Stores.Codes.CountAttemptAsync(new OneTimeCodeKey(Pool, "signup", "nobody"), None));
    }

    [StoreFact]
    public async Task CountAttempt_EachAnswer_ReturnsCountIncludingIt()
    {
        var code = Code("ada", "signup");
        await Stores.Codes.SaveAsync(code, null, None);

        Assert.Equal(1, (await Stores.Codes.CountAttemptAsync(code.Key, None))!.Code.Attempts);
        var second = await Stores.Codes.CountAttemptAsync(code.Key, None);

        Assert.Equal(2, second!.Code.Attempts);
        Assert.Equal(code.Code.Mac, second.Code.Mac);
        Assert.Equal(2, (await Stores.Codes.FindAsync(code.Key, None))!.Code.Attempts);
    }

    [StoreFact]
    public async Task CountAttempt_ConcurrentAnswers_EachSeesItsOwnCount()
    {
        var code = Code("ada", "signup");
        await Stores.Codes.SaveAsync(code, null, None);

        var counted = await Concurrently.RunAsync(CodeAnswers, () => Stores.Codes.CountAttemptAsync(code.Key, None));

        // No count is lost or shared: a cap of n lets exactly n answers be compared, however many arrive at once.
        Assert.Equal(Enumerable.Range(1, CodeAnswers), counted.Select(c => c!.Code.Attempts).Order());
    }

    [StoreFact]
    public async Task ConsumeCode_Twice_SecondIsNull()
    {
        var code = Code("ada", "verify:email", attribute: UserAttributes.Email, pendingValue: "new@example.com");
        await Stores.Codes.SaveAsync(code, null, None);

        AssertSameCode(code, await Stores.Codes.ConsumeAsync(code.Key, code.Code.Mac, None));
        Assert.Null(await Stores.Codes.ConsumeAsync(code.Key, code.Code.Mac, None));
        Assert.Null(await Stores.Codes.FindAsync(code.Key, None));
    }

    [StoreFact]
    public async Task ConsumeCode_OtherMac_NullAndCodeStays()
    {
        var code = Code("ada", "signup");
        await Stores.Codes.SaveAsync(code, null, None);

        Assert.Null(await Stores.Codes.ConsumeAsync(code.Key, RandomNumberGenerator.GetBytes(32), None));
        AssertSameCode(code, await Stores.Codes.FindAsync(code.Key, None));
    }

    [StoreFact]
    public async Task ConsumeCode_ConcurrentConsumers_ExactlyOneGetsIt()
    {
        var code = Code("ada", "signup");
        await Stores.Codes.SaveAsync(code, null, None);

        var consumed = await Concurrently.RunAsync(CodeAnswers, () => Stores.Codes.ConsumeAsync(code.Key, code.Code.Mac, None));

        Assert.Single(consumed, c => c is not null);
    }

    [StoreFact]
    public async Task CreateUser_WithCode_CodeStoredWithTheUser()
    {
        var user = NewUser();
        var code = Code(Logins.UsernameKey(user.Username), "signup");

        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(user, code, Message(), None));

        AssertSameCode(code, await Stores.Codes.FindAsync(code.Key, None));
        Assert.Equal(1, await QueuedAsync());
    }

    [StoreFact]
    public async Task DeleteUser_EveryCodeOfTheUserGoes_OthersStay()
    {
        var user = NewUser();
        var key = Logins.UsernameKey(user.Username);
        await Stores.Users.CreateAsync(user, Code(key, "signup"), null, None);
        await Stores.Codes.SaveAsync(Code(key, "verify:email", attribute: UserAttributes.Email), null, None);
        var other = Code("grace", "signup");
        await Stores.Codes.SaveAsync(other, null, None);

        Assert.True(await Stores.Accounts.DeleteAsync(Pool, key, Now, None));

        Assert.Null(await Stores.Codes.FindAsync(new OneTimeCodeKey(Pool, "signup", key), None));
        Assert.Null(await Stores.Codes.FindAsync(new OneTimeCodeKey(Pool, "verify:email", key), None));
        AssertSameCode(other, await Stores.Codes.FindAsync(other.Key, None));
    }

    [StoreFact]
    public async Task WriteAttributes_WithCode_CodeStoredInTheSameWrite()
    {
        var user = NewUser(status: UserStatus.Confirmed);
        await Stores.Users.CreateAsync(user, null, null, None);
        user.Attributes["given_name"] = "Grace";
        var code = Code(Logins.UsernameKey(user.Username), "verify:email", attribute: UserAttributes.Email, pendingValue: "new@example.com");

        Assert.Equal(AttributeWriteOutcome.Written, await Stores.Accounts.WriteAttributesAsync(user, [code], [Message()], Now, None));

        AssertSameCode(code, await Stores.Codes.FindAsync(code.Key, None));
        Assert.Equal(1, await QueuedAsync());
    }

    private StoredCode Code(string subject, string purpose, string pool = Pool, string attribute = UserAttributes.PhoneNumber, string? pendingValue = null) =>
        new(new OneTimeCodeKey(pool, purpose, subject),
            new OneTimeCode(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), RandomNumberGenerator.GetBytes(32), Now.AddMinutes(10), 0, 5),
            attribute, pendingValue);

    private static void AssertSameCode(StoredCode expected, StoredCode? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Code.Nonce, actual.Code.Nonce);
        Assert.Equal(expected.Code.Mac, actual.Code.Mac);
        Assert.Equal(expected.Code.ExpiresAt, actual.Code.ExpiresAt);
        Assert.Equal(expected.Code.Attempts, actual.Code.Attempts);
        Assert.Equal(expected.Code.MaxAttempts, actual.Code.MaxAttempts);
        Assert.Equal(expected.Attribute, actual.Attribute);
        Assert.Equal(expected.PendingValue, actual.PendingValue);
    }
}
