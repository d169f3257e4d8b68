using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>IUserAdminStore: ListUsers pages in username-key order and matches Cognito's searchable attributes literally.</summary>
public abstract partial class StoreContractTests
{
    private async Task<IReadOnlyList<string>> ListedAsync(UserCondition? condition) =>
        [.. (await Stores.Admin.ListAsync(Pool, condition, null, 100, None)).Select(u => u.Username)];

    [StoreFact]
    public async Task ListUsers_Pages_InUsernameKeyOrderAfterTheLastKey()
    {
        foreach (var name in new[] { "delta", "Alpha", "charlie", "bravo", "echo" })
        {
            await CreatedAsync(username: name);
        }

        await CreatedAsync(username: "aaa", pool: OtherPool);

        var first = await Stores.Admin.ListAsync(Pool, null, null, 2, None);
        var second = await Stores.Admin.ListAsync(Pool, null, Key(first[^1]), 2, None);
        var last = await Stores.Admin.ListAsync(Pool, null, Key(second[^1]), 2, None);

        Assert.Equal(["Alpha", "bravo", "charlie", "delta", "echo"], first.Concat(second).Concat(last).Select(u => u.Username));
        Assert.Single(last);
        Assert.Equal(5, await Stores.Admin.CountAsync(Pool, None));
        Assert.Equal(1, await Stores.Admin.CountAsync(OtherPool, None));
    }

    [StoreFact]
    public async Task ListUsers_Conditions_MatchTheirAttributeOnly()
    {
        var ada = await CreatedAsync(username: "ada", phone: "+15550001111", email: "Ada@Example.com", status: UserStatus.Confirmed);
        var bob = NewUser(username: "bob", phone: "+15550002222");
        bob.Attributes["given_name"] = "Bob";
        bob.Attributes["family_name"] = "Lovelace";
        await Stores.Users.CreateAsync(bob, null, null, None);
        await Stores.Accounts.SetEnabledAsync(Pool, "bob", false, Now, None);

        Assert.Equal(["ada"], await ListedAsync(new UserCondition("email", false, "ada@example.COM")));
        Assert.Equal(["ada", "bob"], await ListedAsync(new UserCondition("phone_number", true, "+1555000")));
        Assert.Equal(["bob"], await ListedAsync(new UserCondition("phone_number", false, "+15550002222")));
        Assert.Equal(["ada"], await ListedAsync(new UserCondition("given_name", false, "Ada")));
        Assert.Equal(["bob"], await ListedAsync(new UserCondition("given_name", true, "Bo")));
        Assert.Equal(["bob"], await ListedAsync(new UserCondition("family_name", false, "Lovelace")));
        Assert.Equal(["ada"], await ListedAsync(new UserCondition("cognito:user_status", false, "confirmed")));
        Assert.Equal(["ada"], await ListedAsync(new UserCondition("status", false, "Enabled")));
        Assert.Equal(["bob"], await ListedAsync(new UserCondition("status", false, "Disabled")));
        Assert.Empty(await ListedAsync(new UserCondition("status", false, "disabled")));
        Assert.Equal(["ada"], await ListedAsync(new UserCondition("sub", false, ada.Sub)));
        Assert.Equal(["bob"], await ListedAsync(new UserCondition("username", true, "b")));
        Assert.Empty(await ListedAsync(new UserCondition("name", false, "Ada")));
    }

    [StoreFact]
    public async Task ListUsers_PrefixWithWildcardCharacters_MatchedLiterally()
    {
        await CreatedAsync(username: "a_b%c");
        await CreatedAsync(username: "axbyc");

        Assert.Equal(["a_b%c"], await ListedAsync(new UserCondition("username", true, "a_b%")));
        Assert.Empty(await ListedAsync(new UserCondition("username", true, "a%")));
        Assert.Empty(await ListedAsync(new UserCondition("given_name", true, "_")));
    }

    [StoreFact]
    public async Task QueueMessages_Several_AllQueued()
    {
        await Stores.Admin.QueueAsync([Message(), Message("a@***.com")], None);

        Assert.Equal(2, await QueuedAsync());
    }
}
