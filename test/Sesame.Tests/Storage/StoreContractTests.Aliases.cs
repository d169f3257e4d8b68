using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>
/// Pools with <c>AliasAttributes</c>: a phone number or email is an alias (indexed, unique) only while verified; another
/// user may hold the same unverified value. Confirming takes the alias, refused while a confirmed user holds it unless
/// forced (ForceAliasCreation), which leaves the old holder the value, unverified. The database decides races.
/// </summary>
public abstract partial class StoreContractTests
{
    private static readonly string[] EmailAlias = [UserAttributes.Email];

    private User AliasUser(string email, string status = UserStatus.Unconfirmed, bool verified = false)
    {
        var user = NewUser(email: email, status: status);
        user.AliasAttributes = EmailAlias;
        user.Attributes[UserAttributes.EmailVerified] = verified ? "true" : "false";
        return user;
    }

    private async Task<User> AliasHolderAsync(string email)
    {
        var holder = AliasUser(email, UserStatus.Confirmed, verified: true);
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(holder, null, null, None));
        return holder;
    }

    private Task<AttributeWriteOutcome> ConfirmByEmailAsync(User user, bool force) =>
        Stores.Users.ConfirmWithAliasesAsync(Pool, Key(user), user.Sub, UserAttributes.Email, null, Logins.EmailKey(user.Email!), null, force, Now, None).AsTask();

    [StoreFact]
    public async Task AliasPool_UnverifiedEmailOfAnAliasHolder_SignsUpAndIsNoAlias()
    {
        var email = NewEmail();
        var holder = await AliasHolderAsync(email);

        var newcomer = AliasUser(email.ToUpperInvariant());
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(newcomer, SignUpCode(newcomer), null, None));

        // The email still finds its alias holder; the newcomer is known by username only.
        Assert.Equal(holder.Sub, (await Stores.Users.FindAsync(Pool, email, None))!.Sub);
        Assert.Equal(newcomer.Sub, (await Stores.Users.FindAsync(Pool, newcomer.Username, None))!.Sub);
    }

    [StoreFact]
    public async Task AliasPool_ConfirmWithAliasHeldByConfirmedUser_EmailExistsAndNothingWritten()
    {
        var email = NewEmail();
        var holder = await AliasHolderAsync(email);
        var newcomer = AliasUser(email);
        await Stores.Users.CreateAsync(newcomer, null, null, None);

        Assert.Equal(AttributeWriteOutcome.EmailExists, await ConfirmByEmailAsync(newcomer, force: false));

        Assert.Equal(UserStatus.Unconfirmed, (await Stores.Users.FindAsync(Pool, newcomer.Username, None))!.Status);
        var kept = (await Stores.Users.FindAsync(Pool, email, None))!;
        Assert.Equal(holder.Sub, kept.Sub);
        Assert.Equal("true", kept.Attributes[UserAttributes.EmailVerified]);
    }

    [StoreFact]
    public async Task AliasPool_ConfirmForced_AliasMovesAndOldHolderKeepsValueUnverified()
    {
        var email = NewEmail();
        var holder = await AliasHolderAsync(email);
        var newcomer = AliasUser(email);
        await Stores.Users.CreateAsync(newcomer, null, null, None);

        Assert.Equal(AttributeWriteOutcome.Written, await ConfirmByEmailAsync(newcomer, force: true));

        var confirmed = (await Stores.Users.FindAsync(Pool, email, None))!;
        Assert.Equal(newcomer.Sub, confirmed.Sub);
        Assert.Equal(UserStatus.Confirmed, confirmed.Status);
        Assert.Equal("true", confirmed.Attributes[UserAttributes.EmailVerified]);
        var old = (await Stores.Users.FindAsync(Pool, holder.Username, None))!;
        Assert.Equal(email, old.Email);
        Assert.Equal("false", old.Attributes[UserAttributes.EmailVerified]);
        Assert.Equal(UserStatus.Confirmed, old.Status);
    }

    [StoreFact]
    public async Task AliasPool_CreateVerifiedEmailOfAliasHolder_RefusedUnlessMoved()
    {
        var email = NewEmail();
        var holder = await AliasHolderAsync(email);

        Assert.Equal(CreateUserOutcome.EmailExists, await Stores.Users.CreateAsync(AliasUser(email, UserStatus.Confirmed, verified: true), null, null, None));
        var moved = AliasUser(email, UserStatus.Confirmed, verified: true);
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(moved, null, null, ifTaken: null, moveAliases: true, None));

        Assert.Equal(moved.Sub, (await Stores.Users.FindAsync(Pool, email, None))!.Sub);
        Assert.Equal("false", (await Stores.Users.FindAsync(Pool, holder.Username, None))!.Attributes[UserAttributes.EmailVerified]);
    }

    [StoreFact]
    public async Task AliasPool_ConcurrentConfirmationsOfOneEmail_ExactlyOneTakesTheAlias()
    {
        var email = NewEmail();
        var users = Enumerable.Range(0, Writers).Select(_ => AliasUser(email)).ToArray();
        foreach (var user in users)
        {
            Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(user, null, null, None));
        }

        var outcomes = await ConcurrentlyAsync(i => ConfirmByEmailAsync(users[i], force: false));

        Assert.Single(outcomes, o => o == AttributeWriteOutcome.Written);
        Assert.Equal(Writers - 1, outcomes.Count(o => o == AttributeWriteOutcome.EmailExists));
        var holder = (await Stores.Users.FindAsync(Pool, email, None))!;
        Assert.Equal(AttributeWriteOutcome.Written, outcomes[Array.FindIndex(users, u => u.Sub == holder.Sub)]);
    }

    [StoreFact]
    public async Task AliasPool_VerifyEmailHeldAsAlias_EmailExistsThenUnlistedAttributeIsNoAlias()
    {
        var email = NewEmail();
        await AliasHolderAsync(email);
        var other = AliasUser(email, UserStatus.Confirmed);
        await Stores.Users.CreateAsync(other, null, null, None);

        Assert.Equal(AttributeWriteOutcome.EmailExists,
            await Stores.Accounts.VerifyAliasAsync(Pool, Key(other), other.Sub, UserAttributes.Email, email, Logins.EmailKey(email), Now, None));
        // Verified without becoming an alias (the pool does not list it): written, and the email still finds its holder.
        Assert.Equal(AttributeWriteOutcome.Written,
            await Stores.Accounts.VerifyAliasAsync(Pool, Key(other), other.Sub, UserAttributes.Email, email, aliasKey: null, Now, None));
        Assert.Equal("true", (await Stores.Users.FindAsync(Pool, other.Username, None))!.Attributes[UserAttributes.EmailVerified]);
        Assert.NotEqual(other.Sub, (await Stores.Users.FindAsync(Pool, email, None))!.Sub);
    }

    private static readonly string[] PreferredAlias = [UserAttributes.PreferredUsername];

    [StoreFact]
    public async Task AliasPool_PreferredUsernameOfConfirmedUsers_FoundInAnyCaseAndUnique()
    {
        var first = NewUser(status: UserStatus.Confirmed);
        first.AliasAttributes = PreferredAlias;
        first.Attributes[UserAttributes.PreferredUsername] = "Grace";
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(first, null, null, None));
        Assert.Equal(first.Sub, (await Stores.Users.FindAsync(Pool, "GRACE", None))!.Sub);

        var second = NewUser(status: UserStatus.Confirmed);
        second.AliasAttributes = PreferredAlias;
        second.Attributes[UserAttributes.PreferredUsername] = "grace";
        Assert.Equal(CreateUserOutcome.PreferredUsernameExists, await Stores.Users.CreateAsync(second, null, null, ifTaken: null, moveAliases: true, None));

        // Unconfirmed users hold no preferred-username alias: created, and the name still finds the first user.
        var pending = NewUser();
        pending.AliasAttributes = PreferredAlias;
        pending.Attributes[UserAttributes.PreferredUsername] = "grace";
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(pending, null, null, None));
        Assert.Equal(first.Sub, (await Stores.Users.FindAsync(Pool, "grace", None))!.Sub);

        second.Attributes[UserAttributes.PreferredUsername] = "Hopper";
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(second, null, null, None));
        second.Attributes[UserAttributes.PreferredUsername] = "GRACE";
        Assert.Equal(AttributeWriteOutcome.PreferredUsernameExists, await Stores.Accounts.WriteAttributesAsync(second, [], [], Now, None));
        Assert.Equal(second.Sub, (await Stores.Users.FindAsync(Pool, "hopper", None))!.Sub);
    }
}
