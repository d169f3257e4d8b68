using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>
/// IUserAccountStore: attribute writes are optimistic (by version) and keep aliases unique; verification codes are single
/// use and counted; disabling and deleting revoke every token. Each call is one transaction: nothing is half-written.
/// </summary>
public abstract partial class StoreContractTests
{
    private async Task<User> ReadAsync(User user) => (await Stores.Users.FindAsync(user.PoolId, user.Username, None))!;

    [StoreFact]
    public async Task WriteAttributes_CurrentVersion_WrittenAliasesFollowAndVersionBumped()
    {
        var user = await ReadAsync(await CreatedAsync(status: UserStatus.Confirmed));
        var (oldPhone, newPhone, newEmail) = (user.PhoneNumber!, NewPhone(), "New@Example.com");
        user.Attributes[UserAttributes.PhoneNumber] = newPhone;
        user.Attributes[UserAttributes.Email] = newEmail;
        user.Attributes["given_name"] = "Augusta";

        var outcome = await Stores.Accounts.WriteAttributesAsync(user, [AttributeCodeFor(user, UserAttributes.Email)], [Message()], Now, None);

        Assert.Equal(AttributeWriteOutcome.Written, outcome);
        Assert.Equal(2, user.Version);
        var stored = await ReadAsync(user);
        Assert.Equal(("Augusta", 2L), (stored.Attributes["given_name"], stored.Version));
        Assert.Equal(user.Sub, (await Stores.Users.FindAsync(Pool, newPhone, None))?.Sub);
        Assert.Equal(user.Sub, (await Stores.Users.FindAsync(Pool, "new@example.com", None))?.Sub);
        Assert.Null(await Stores.Users.FindAsync(Pool, oldPhone, None));
        Assert.NotNull(await CodeOfAsync(user, "verify:" + UserAttributes.Email));
        Assert.Equal(1, await QueuedAsync());
    }

    [StoreFact]
    public async Task WriteAttributes_StaleVersion_UserChangedAndNothingWritten()
    {
        var user = await ReadAsync(await CreatedAsync(status: UserStatus.Confirmed));
        var stale = await ReadAsync(user);
        user.Attributes["given_name"] = "First";
        await Stores.Accounts.WriteAttributesAsync(user, [], [], Now, None);
        // The stale write would also take a phone from an abandoned sign-up: that removal must roll back with it.
        var abandoned = await CreatedAsync();
        stale.Attributes[UserAttributes.PhoneNumber] = abandoned.PhoneNumber!;
        stale.Attributes["given_name"] = "Second";

        var outcome = await Stores.Accounts.WriteAttributesAsync(stale, [AttributeCodeFor(stale, UserAttributes.PhoneNumber)], [Message()], Now, None);

        Assert.Equal(AttributeWriteOutcome.UserChanged, outcome);
        Assert.Equal("First", (await ReadAsync(user)).Attributes["given_name"]);
        Assert.Equal(abandoned.Sub, (await Stores.Users.FindAsync(Pool, abandoned.PhoneNumber!, None))?.Sub);
        Assert.Null(await CodeOfAsync(user, "verify:" + UserAttributes.PhoneNumber));
        Assert.Equal(0, await QueuedAsync());
    }

    [StoreFact]
    public async Task WriteAttributes_UnconfirmedHolderOfTheNewPhone_IsReplaced()
    {
        var user = await ReadAsync(await CreatedAsync(status: UserStatus.Confirmed));
        var abandoned = NewUser();
        await Stores.Users.CreateAsync(abandoned, SignUpCode(abandoned), null, None);
        user.Attributes[UserAttributes.PhoneNumber] = abandoned.PhoneNumber!;

        Assert.Equal(AttributeWriteOutcome.Written, await Stores.Accounts.WriteAttributesAsync(user, [], [], Now, None));

        Assert.Null(await Stores.Users.FindAsync(Pool, abandoned.Username, None));
        Assert.Null(await CodeOfAsync(abandoned, "signup"));
        Assert.Equal(user.Sub, (await Stores.Users.FindAsync(Pool, abandoned.PhoneNumber!, None))?.Sub);
    }

    [StoreTheory]
    [InlineData(UserAttributes.PhoneNumber, nameof(AttributeWriteOutcome.PhoneNumberExists))]
    [InlineData(UserAttributes.Email, nameof(AttributeWriteOutcome.EmailExists))]
    public async Task WriteAttributes_ConfirmedHolderOfTheNewAlias_RefusedWithNothingWritten(string attribute, string outcome)
    {
        var expected = Enum.Parse<AttributeWriteOutcome>(outcome);
        var holder = await CreatedAsync(status: UserStatus.Confirmed, email: "taken@example.com");
        var abandoned = await CreatedAsync(email: "abandoned@example.com");
        var user = await ReadAsync(await CreatedAsync(status: UserStatus.Confirmed));
        user.Attributes[attribute] = attribute == UserAttributes.Email ? "TAKEN@example.com" : holder.PhoneNumber!;
        // The other alias would replace an abandoned sign-up: not when the write as a whole is refused.
        user.Attributes[attribute == UserAttributes.Email ? UserAttributes.PhoneNumber : UserAttributes.Email] =
            attribute == UserAttributes.Email ? abandoned.PhoneNumber! : "abandoned@example.com";

        var written = await Stores.Accounts.WriteAttributesAsync(user, [AttributeCodeFor(user, attribute)], [Message()], Now, None);

        Assert.Equal(expected, written);
        Assert.Equal(1, (await ReadAsync(user)).Version);
        Assert.Equal(abandoned.Sub, (await Stores.Users.FindAsync(Pool, abandoned.Username, None))?.Sub);
        Assert.Equal(holder.Sub, (await Stores.Users.FindAsync(Pool, holder.PhoneNumber!, None))?.Sub);
        Assert.Null(await CodeOfAsync(user, "verify:" + attribute));
        Assert.Equal(0, await QueuedAsync());
    }

    [StoreFact]
    public async Task WriteAttributes_ConcurrentUsersTakingOnePhone_OneHolderNeverAnError()
    {
        var phone = NewPhone();
        var users = new User[Writers];
        for (var i = 0; i < Writers; i++)
        {
            users[i] = await ReadAsync(await CreatedAsync(status: UserStatus.Confirmed));
            users[i].Attributes[UserAttributes.PhoneNumber] = phone;
        }

        var outcomes = await ConcurrentlyAsync(i => Stores.Accounts.WriteAttributesAsync(users[i], [], [], Now, None).AsTask());

        Assert.Single(outcomes, o => o == AttributeWriteOutcome.Written);
        Assert.Equal(Writers - 1, outcomes.Count(o => o == AttributeWriteOutcome.PhoneNumberExists));
        var holder = Assert.Single(await HoldersAsync("phone_number", phone));
        Assert.Equal(AttributeWriteOutcome.Written, outcomes[Array.FindIndex(users, u => u.Sub == holder.Sub)]);
    }

    [StoreFact]
    public async Task VerifyAttribute_PendingValue_BecomesTheAttributeAndTheAlias()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        var abandoned = await CreatedAsync(email: "next@example.com");
        var code = AttributeCodeFor(user, UserAttributes.Email, pendingValue: "Next@Example.com");
        await Stores.Codes.SaveAsync(code, Message(), None);

        Assert.Equal(AttributeWriteOutcome.Written, await Stores.Accounts.VerifyAttributeAsync(Pool, Key(user), user.Sub, UserAttributes.Email, code.PendingValue, Now, None));

        var stored = await ReadAsync(user);
        Assert.Equal(("Next@Example.com", "true"), (stored.Email, stored.Attributes[UserAttributes.EmailVerified]));
        Assert.Equal(user.Sub, (await Stores.Users.FindAsync(Pool, "next@example.com", None))?.Sub);
        Assert.Null(await Stores.Users.FindAsync(Pool, user.Email!, None));
        Assert.Null(await Stores.Users.FindAsync(Pool, abandoned.Username, None));
    }

    [StoreFact]
    public async Task VerifyAttribute_PendingPhoneTakenByAConfirmedUserMeanwhile_PhoneNumberExistsAndCodeKept()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        var phone = NewPhone();
        var code = AttributeCodeFor(user, UserAttributes.PhoneNumber, pendingValue: phone);
        await Stores.Codes.SaveAsync(code, Message(), None);
        var holder = await CreatedAsync(phone: phone, status: UserStatus.Confirmed);

        var outcome = await Stores.Accounts.VerifyAttributeAsync(Pool, Key(user), user.Sub, UserAttributes.PhoneNumber, code.PendingValue, Now, None);

        Assert.Equal(AttributeWriteOutcome.PhoneNumberExists, outcome);
        Assert.Equal(holder.Sub, (await Stores.Users.FindAsync(Pool, phone, None))?.Sub);
        Assert.Equal(1, (await ReadAsync(user)).Version);
        Assert.Equal(phone, (await CodeOfAsync(user, "verify:" + UserAttributes.PhoneNumber))?.PendingValue);
    }

    [StoreFact]
    public async Task SetEnabled_Disable_RevokesEveryTokenOfTheUserAndEnableRevivesNone()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        var other = await CreatedAsync(status: UserStatus.Confirmed);
        var token = Token(user);
        var othersToken = Token(other);
        await Stores.RefreshTokens.SaveAsync(token, None);
        await Stores.RefreshTokens.SaveAsync(othersToken, None);

        Assert.True(await Stores.Accounts.SetEnabledAsync(Pool, Key(user), false, Now, None));
        Assert.False((await ReadAsync(user)).Enabled);
        Assert.True(await Stores.Accounts.SetEnabledAsync(Pool, Key(user), true, Now, None));

        var stored = await ReadAsync(user);
        Assert.Equal((true, 3L), (stored.Enabled, stored.Version));
        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(token.OriginJti, None));
        Assert.False(await Stores.RefreshTokens.IsRevokedAsync(othersToken.OriginJti, None));
        Assert.False(await Stores.Accounts.SetEnabledAsync(Pool, "no-such-user", false, Now, None));
    }

    [StoreFact]
    public async Task DeleteUser_Twice_SecondIsFalseAndEverythingOfTheUserGone()
    {
        var user = NewUser(status: UserStatus.Confirmed);
        await Stores.Users.CreateAsync(user, SignUpCode(user, purpose: "forgot"), null, None);
        await Stores.Codes.SaveAsync(AttributeCodeFor(user, UserAttributes.Email), Message(), None);
        var token = Token(user);
        await Stores.RefreshTokens.SaveAsync(token, None);

        Assert.True(await Stores.Accounts.DeleteAsync(Pool, Key(user), Now, None));
        Assert.False(await Stores.Accounts.DeleteAsync(Pool, Key(user), Now, None));

        Assert.Null(await Stores.Users.FindAsync(Pool, user.PhoneNumber!, None));
        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(token.OriginJti, None));
        // A new account of the same name inherits none of the old one's codes.
        await CreatedAsync(username: user.Username);
        Assert.Null(await CodeOfAsync(user, "forgot"));
        Assert.Null(await CodeOfAsync(user, "verify:" + UserAttributes.Email));
    }

    [StoreFact]
    public async Task RevokeAllTokens_OneUser_EverySignInOfThatUserOnly()
    {
        var user = await CreatedAsync(status: UserStatus.Confirmed);
        var (first, second, others) = (Token(user), Token(user), Token(await CreatedAsync()));
        foreach (var token in new[] { first, second, others })
        {
            await Stores.RefreshTokens.SaveAsync(token, None);
        }

        await Stores.Accounts.RevokeAllTokensAsync(Pool, user.Sub, Now, None);

        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(first.OriginJti, None));
        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(second.OriginJti, None));
        Assert.False(await Stores.RefreshTokens.IsRevokedAsync(others.OriginJti, None));
    }
}
