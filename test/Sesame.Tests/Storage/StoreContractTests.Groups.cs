using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>IGroupStore: one group per name in any case, members by sub that go with the user and the group.</summary>
public abstract partial class StoreContractTests
{
    private protected GroupRecord Group(string name, int? precedence = null, string? role = null, string pool = Pool) =>
        new(pool, name, "about " + name, role, precedence, Now, Now);

    [StoreFact]
    public async Task CreateGroup_SameNameInOtherCase_FalseAndTheFirstKept()
    {
        Assert.True(await Stores.Groups.CreateAsync(Group("Admins", 1), None));

        Assert.False(await Stores.Groups.CreateAsync(Group("ADMINS", 2), None));
        Assert.True(await Stores.Groups.CreateAsync(Group("Admins", 3, pool: OtherPool), None));

        var found = await Stores.Groups.FindAsync(Pool, "admins", None);
        Assert.Equal(("Admins", 1, "about Admins"), (found!.GroupName, found.Precedence, found.Description));
        Assert.Null(await Stores.Groups.FindAsync(Pool, "editors", None));
    }

    [StoreFact]
    public async Task CreateGroup_ManyWritersOneName_OneCreated()
    {
        var created = await ConcurrentlyAsync(i => Stores.Groups.CreateAsync(Group("racers", i), None).AsTask());

        Assert.Single(created, c => c);
    }

    [StoreFact]
    public async Task ListGroups_Paged_InNameKeyOrderAfterTheKey()
    {
        foreach (var name in new[] { "b", "A", "c" })
        {
            await Stores.Groups.CreateAsync(Group(name), None);
        }

        await Stores.Groups.CreateAsync(Group("a-other", pool: OtherPool), None);

        Assert.Equal(["A", "b"], (await Stores.Groups.ListAsync(Pool, null, 2, None)).Select(g => g.GroupName));
        Assert.Equal(["c"], (await Stores.Groups.ListAsync(Pool, "b", 2, None)).Select(g => g.GroupName));
    }

    [StoreFact]
    public async Task UpdateGroup_OnlyNamedMembers_ChangedAndModifiedAtMoved()
    {
        await Stores.Groups.CreateAsync(Group("editors", 5, "arn:aws:iam::123456789012:role/editor"), None);
        Clock.Advance(TimeSpan.FromSeconds(3));

        var updated = await Stores.Groups.UpdateAsync(Pool, "Editors", new GroupChange("new text", null, 0), Now, None);

        Assert.Equal(("editors", "new text", "arn:aws:iam::123456789012:role/editor", 0), (updated!.GroupName, updated.Description, updated.RoleArn, updated.Precedence));
        Assert.Equal(Now, updated.ModifiedAt);
        Assert.Equal(Now.AddSeconds(-3), updated.CreatedAt);
        Assert.Null(await Stores.Groups.UpdateAsync(Pool, "missing", new GroupChange(null, null, 1), Now, None));
    }

    [StoreFact]
    public async Task AddMember_TwiceAndUnknowns_OneMembershipAndOutcomesNamed()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        await Stores.Groups.CreateAsync(Group("readers"), None);

        Assert.Equal(MembershipOutcome.Member, await Stores.Groups.AddMemberAsync(Pool, "readers", user.Sub, Now, None));
        Assert.Equal(MembershipOutcome.Member, await Stores.Groups.AddMemberAsync(Pool, "READERS", user.Sub, Now, None));
        Assert.Equal(MembershipOutcome.NoSuchGroup, await Stores.Groups.AddMemberAsync(Pool, "writers", user.Sub, Now, None));
        Assert.Equal(MembershipOutcome.NoSuchUser, await Stores.Groups.AddMemberAsync(Pool, "readers", Guid.NewGuid().ToString(), Now, None));

        var members = await Stores.Groups.ListMembersAsync(Pool, "readers", null, 10, None);
        Assert.Equal(user.Username, Assert.Single(members).Username);
        Assert.Equal("readers", Assert.Single(await Stores.Groups.ListForUserAsync(Pool, user.Sub, null, null, None)).GroupName);
    }

    [StoreFact]
    public async Task RemoveMember_NotAMember_TrueWhileTheGroupExists()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        await Stores.Groups.CreateAsync(Group("readers"), None);
        await Stores.Groups.AddMemberAsync(Pool, "readers", user.Sub, Now, None);

        Assert.True(await Stores.Groups.RemoveMemberAsync(Pool, "readers", user.Sub, None));
        Assert.True(await Stores.Groups.RemoveMemberAsync(Pool, "readers", user.Sub, None));
        Assert.False(await Stores.Groups.RemoveMemberAsync(Pool, "writers", user.Sub, None));
        Assert.Empty(await Stores.Groups.ListForUserAsync(Pool, user.Sub, null, null, None));
    }

    [StoreFact]
    public async Task DeleteGroup_WithMembers_MembershipsGoneAndANewGroupOfTheNameEmpty()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        await Stores.Groups.CreateAsync(Group("old"), None);
        await Stores.Groups.AddMemberAsync(Pool, "old", user.Sub, Now, None);

        Assert.True(await Stores.Groups.DeleteAsync(Pool, "OLD", None));
        Assert.False(await Stores.Groups.DeleteAsync(Pool, "old", None));

        await Stores.Groups.CreateAsync(Group("old"), None);
        Assert.Empty(await Stores.Groups.ListMembersAsync(Pool, "old", null, 10, None));
        Assert.Empty(await Stores.Groups.ListForUserAsync(Pool, user.Sub, null, null, None));
    }

    [StoreFact]
    public async Task DeleteUser_Member_MembershipGoneAndNotInheritedByTheNextHolderOfTheName()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed, username: "reused");
        await Stores.Groups.CreateAsync(Group("staff"), None);
        await Stores.Groups.AddMemberAsync(Pool, "staff", user.Sub, Now, None);

        Assert.True(await Stores.Accounts.DeleteAsync(Pool, Logins.UsernameKey(user.Username), Now, None));
        var next = await CreatedAsync(status: UserStatus.Confirmed, username: "reused");

        Assert.Empty(await Stores.Groups.ListMembersAsync(Pool, "staff", null, 10, None));
        Assert.Empty(await Stores.Groups.ListForUserAsync(Pool, next.Sub, null, null, None));
    }

    [StoreFact]
    public async Task ListMembers_Paged_InUsernameKeyOrder()
    {
        await Stores.Groups.CreateAsync(Group("team"), None);
        foreach (var name in new[] { "carol", "Alice", "bob" })
        {
            var user = await CreatedAsync(status: UserStatus.Confirmed, username: name);
            await Stores.Groups.AddMemberAsync(Pool, "team", user.Sub, Now, None);
        }

        Assert.Equal(["Alice", "bob"], (await Stores.Groups.ListMembersAsync(Pool, "team", null, 2, None)).Select(u => u.Username));
        Assert.Equal(["carol"], (await Stores.Groups.ListMembersAsync(Pool, "team", "bob", 2, None)).Select(u => u.Username));
    }

    [StoreFact]
    public async Task AddMember_ManyWritersWhileTheGroupIsDeleted_NoMembershipOutlivesIt()
    {
        var users = new List<User>();
        for (var i = 0; i < Writers; i++)
        {
            users.Add(await CreatedAsync(status: UserStatus.Confirmed));
        }

        await Stores.Groups.CreateAsync(Group("fleeting"), None);
        await ConcurrentlyAsync(async i =>
        {
            if (i == Writers / 2)
            {
                return await Stores.Groups.DeleteAsync(Pool, "fleeting", None);
            }

            return await Stores.Groups.AddMemberAsync(Pool, "fleeting", users[i].Sub, Now, None) == MembershipOutcome.Member;
        });

        await Stores.Groups.CreateAsync(Group("fleeting"), None);
        Assert.Empty(await Stores.Groups.ListMembersAsync(Pool, "fleeting", null, 60, None));
    }
}
