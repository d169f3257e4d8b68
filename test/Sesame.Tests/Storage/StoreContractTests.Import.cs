using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>IUserImportStore: imported users keep username and sub, never replace anyone, and a re-run changes nothing.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Import_Batch_WritesEachUserWithItsSubOrSaysWhoHoldsItsKeys()
    {
        var unconfirmed = await CreatedAsync(phone: "+15550003333");
        var first = NewUser(status: UserStatus.Confirmed, username: "imported-1");
        var sameUsername = NewUser(status: UserStatus.Confirmed, username: "IMPORTED-1");
        var sameSub = new User { PoolId = Pool, Username = "imported-2", Sub = first.Sub, Status = UserStatus.Confirmed, Attributes = [], CreatedAt = Now, ModifiedAt = Now };
        var samePhone = NewUser(phone: "+15550003333", status: UserStatus.Confirmed, username: "imported-3");
        var sameEmail = NewUser(email: first.Email!.ToUpperInvariant(), status: UserStatus.Confirmed, username: "imported-4");

        var outcomes = await Stores.Import.ImportAsync([first, sameUsername, sameSub, samePhone, sameEmail], None);

        Assert.Equal([ImportOutcome.Imported, ImportOutcome.UsernameTaken, ImportOutcome.SubTaken, ImportOutcome.PhoneNumberTaken, ImportOutcome.EmailTaken], outcomes);
        var stored = await Stores.Users.FindAsync(Pool, "imported-1", None);
        Assert.Equal((first.Sub, UserStatus.Confirmed, first.PhoneNumber), (stored!.Sub, stored.Status, stored.PhoneNumber));
        // An import never replaces a user, not even an abandoned (UNCONFIRMED) sign-up.
        Assert.Equal(unconfirmed.Sub, (await Stores.Users.FindAsync(Pool, unconfirmed.Username, None))!.Sub);
        Assert.Equal(2, await Stores.Admin.CountAsync(Pool, None));
    }

    [StoreFact]
    public async Task Import_RunAgain_SkipsWhatExistsAndWritesTheRest()
    {
        var users = Enumerable.Range(0, 6).Select(i => NewUser(status: UserStatus.Confirmed, username: $"again-{i}")).ToList();
        Assert.All(await Stores.Import.ImportAsync(users[..3], None), o => Assert.Equal(ImportOutcome.Imported, o));

        var again = await Stores.Import.ImportAsync(users, None);

        Assert.Equal([.. Enumerable.Repeat(ImportOutcome.Exists, 3), .. Enumerable.Repeat(ImportOutcome.Imported, 3)], again);
        Assert.Equal(6, await Stores.Admin.CountAsync(Pool, None));
    }

    [StoreFact]
    public async Task Import_ConcurrentBatchesOfTheSameUsers_EachWrittenOnce()
    {
        var users = Enumerable.Range(0, 20).Select(i => NewUser(status: UserStatus.Confirmed, username: $"race-{i}")).ToList();

        var results = await ConcurrentlyAsync(_ => Stores.Import.ImportAsync(users, None).AsTask());

        for (var i = 0; i < users.Count; i++)
        {
            Assert.Equal(1, results.Count(r => r[i] == ImportOutcome.Imported));
            Assert.All(results, r => Assert.Contains(r[i], new[] { ImportOutcome.Imported, ImportOutcome.Exists }));
        }

        Assert.Equal(20, await Stores.Admin.CountAsync(Pool, None));
    }
}
