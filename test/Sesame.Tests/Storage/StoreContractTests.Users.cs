using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>IUserStore: one holder per username, phone number and email; abandoned sign-ups never block; codes are single use.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task FindUser_ByUsernamePhoneOrEmail_SameUserWhateverTheCase()
    {
        var user = await CreatedAsync(email: "Ada.Lovelace@Example.com", username: "AdaL");

        foreach (var login in new[] { "adal", "ADAL", user.PhoneNumber!, "ada.lovelace@example.com" })
        {
            var found = await Stores.Users.FindAsync(Pool, login, None);
            Assert.Equal(user.Sub, found?.Sub);
        }

        Assert.Null(await Stores.Users.FindAsync(OtherPool, "adal", None));
        var stored = await Stores.Users.FindAsync(Pool, "adal", None);
        Assert.Equal("AdaL", stored!.Username);
        Assert.Equal(user.Attributes, stored.Attributes);
        Assert.Equal(UserStatus.Unconfirmed, stored.Status);
        Assert.True(stored.Enabled);
        Assert.Equal(Now, stored.CreatedAt);
        Assert.Equal(1, stored.Version);
        Assert.Equal(1, user.Version);
    }

    [StoreFact]
    public async Task FindUser_LoginIsOneUsersNameAndAnothersEmail_UsernameWins()
    {
        var byEmail = await CreatedAsync(email: "shared@example.com", status: UserStatus.Confirmed);
        var byName = await CreatedAsync(username: "shared@example.com", email: NewEmail(), status: UserStatus.Confirmed);

        Assert.Equal(byName.Sub, (await Stores.Users.FindAsync(Pool, "shared@example.com", None))!.Sub);
        Assert.NotEqual(byEmail.Sub, byName.Sub);
    }

    [StoreFact]
    public async Task CreateUser_UnconfirmedHolderOfPhone_IsReplaced()
    {
        var abandoned = NewUser();
        await Stores.Users.CreateAsync(abandoned, SignUpCode(abandoned), Message(), None);
        await Stores.Passwords.SaveVerifierAsync(Pool, Key(abandoned), abandoned.Sub, new PasswordVerifier([1], [2]), None);
        var token = Token(abandoned);
        await Stores.RefreshTokens.SaveAsync(token, None);

        var replacement = NewUser(phone: abandoned.PhoneNumber);
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(replacement, null, null, None));

        Assert.Equal(replacement.Sub, (await Stores.Users.FindAsync(Pool, abandoned.PhoneNumber!, None))!.Sub);
        Assert.Null(await Stores.Users.FindAsync(Pool, abandoned.Username, None));
        // Everything of the abandoned sign-up goes with it: its code, its verifier, and (revoked) its tokens.
        Assert.Null(await CodeOfAsync(abandoned, "signup"));
        Assert.Null(await Stores.Passwords.FindVerifierAsync(Pool, Key(abandoned), None));
        Assert.True(await Stores.RefreshTokens.IsRevokedAsync(token.OriginJti, None));
    }

    [StoreFact]
    public async Task CreateUser_UnconfirmedHolderOfEmail_IsReplaced()
    {
        var abandoned = await CreatedAsync(email: "limbo@example.com");

        var replacement = NewUser(email: "LIMBO@example.com");
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(replacement, null, null, None));

        Assert.Null(await Stores.Users.FindAsync(Pool, abandoned.Username, None));
        Assert.Equal(replacement.Sub, (await Stores.Users.FindAsync(Pool, "limbo@example.com", None))!.Sub);
    }

    [StoreFact]
    public async Task CreateUser_UnconfirmedHolderOfUsername_IsReplaced()
    {
        var abandoned = await CreatedAsync(username: "grace");

        var replacement = NewUser(username: "Grace");
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(replacement, null, null, None));

        Assert.Equal(replacement.Sub, (await Stores.Users.FindAsync(Pool, "grace", None))!.Sub);
        Assert.Null(await Stores.Users.FindAsync(Pool, abandoned.PhoneNumber!, None));
    }

    [StoreTheory]
    [InlineData("username", nameof(CreateUserOutcome.UsernameExists))]
    [InlineData("phone", nameof(CreateUserOutcome.PhoneNumberExists))]
    [InlineData("email", nameof(CreateUserOutcome.EmailExists))]
    public async Task CreateUser_ConfirmedHolder_RefusedWithNothingWritten(string shared, string outcome)
    {
        var expected = Enum.Parse<CreateUserOutcome>(outcome);
        var holder = await CreatedAsync(status: UserStatus.Confirmed, username: "holder", email: "holder@example.com");
        var queued = await QueuedAsync();

        var user = shared switch
        {
            "username" => NewUser(username: "HOLDER"),
            "phone" => NewUser(phone: holder.PhoneNumber),
            _ => NewUser(email: "Holder@Example.com"),
        };
        Assert.Equal(expected, await Stores.Users.CreateAsync(user, SignUpCode(user), Message(), None));

        Assert.Null(await CodeOfAsync(user, "signup"));
        Assert.Equal(queued, await QueuedAsync());
        Assert.Equal(holder.Sub, (await Stores.Users.FindAsync(Pool, "holder", None))!.Sub);
        Assert.Equal(1, await Stores.Admin.CountAsync(Pool, None));
    }

    [StoreFact]
    public async Task CreateUser_SamePhoneAndEmailInAnotherPool_BothCreated()
    {
        var first = await CreatedAsync(status: UserStatus.Confirmed);

        await CreatedAsync(phone: first.PhoneNumber, email: first.Email, username: first.Username, status: UserStatus.Confirmed, pool: OtherPool);

        Assert.Equal(first.Sub, (await Stores.Users.FindAsync(Pool, first.PhoneNumber!, None))!.Sub);
        Assert.NotEqual(first.Sub, (await Stores.Users.FindAsync(OtherPool, first.PhoneNumber!, None))!.Sub);
    }

    [StoreFact]
    public async Task CreateUser_WithCodeAndMessage_BothStoredWithTheUser()
    {
        var user = NewUser();
        var code = SignUpCode(user);

        await Stores.Users.CreateAsync(user, code, Message(), None);

        Assert.Equal(1, await QueuedAsync());
        var counted = await CodeOfAsync(user, "signup");
        Assert.Equal(code.Code.Mac, counted!.Code.Mac);
    }

    [StoreFact]
    public async Task CreateUser_ConcurrentSignUpsOfOnePhone_OneHolderNeverAnError()
    {
        var phone = NewPhone();
        var users = Enumerable.Range(0, Writers).Select(_ => NewUser(phone: phone)).ToArray();

        var outcomes = await ConcurrentlyAsync(i => Stores.Users.CreateAsync(users[i], SignUpCode(users[i]), Message(), None).AsTask());

        // Unconfirmed writers replace each other, or (an engine that refuses the loser of a race) see the phone taken.
        Assert.All(outcomes, o => Assert.Contains(o, new[] { CreateUserOutcome.Created, CreateUserOutcome.PhoneNumberExists }));
        var holder = Assert.Single(await HoldersAsync("phone_number", phone));
        Assert.Equal(CreateUserOutcome.Created, outcomes[Array.FindIndex(users, u => u.Sub == holder.Sub)]);
        Assert.Equal(1, await Stores.Admin.CountAsync(Pool, None));
    }

    [StoreTheory]
    [InlineData("username", nameof(CreateUserOutcome.UsernameExists))]
    [InlineData("phone", nameof(CreateUserOutcome.PhoneNumberExists))]
    [InlineData("email", nameof(CreateUserOutcome.EmailExists))]
    public async Task CreateUser_ConcurrentConfirmedWriters_ExactlyOneCreated(string shared, string outcome)
    {
        var refused = Enum.Parse<CreateUserOutcome>(outcome);
        var (phone, email) = (NewPhone(), NewEmail());
        var users = Enumerable.Range(0, Writers).Select(_ => shared switch
        {
            "username" => NewUser(username: "same", status: UserStatus.Confirmed),
            "phone" => NewUser(phone: phone, status: UserStatus.Confirmed),
            _ => NewUser(email: email, status: UserStatus.Confirmed),
        }).ToArray();

        var outcomes = await ConcurrentlyAsync(i => Stores.Users.CreateAsync(users[i], null, Message(), None).AsTask());

        Assert.Single(outcomes, o => o == CreateUserOutcome.Created);
        Assert.Equal(Writers - 1, outcomes.Count(o => o == refused));
        Assert.Equal(1, await Stores.Admin.CountAsync(Pool, None));
        Assert.Equal(1, await QueuedAsync());
    }

    [StoreFact]
    public async Task ConfirmUser_Twice_SecondIsFalse()
    {
        var user = NewUser();
        await Stores.Users.CreateAsync(user, SignUpCode(user), null, None);

        // The code is consumed by the code store first (IOneTimeCodeStore.ConsumeAsync); confirming is its effect.
        Assert.True(await Stores.Users.ConfirmAsync(Pool, Key(user), user.Sub, UserAttributes.PhoneNumber, Now, None));
        Assert.False(await Stores.Users.ConfirmAsync(Pool, Key(user), user.Sub, UserAttributes.PhoneNumber, Now, None));

        var confirmed = await Stores.Users.FindAsync(Pool, user.Username, None);
        Assert.Equal(UserStatus.Confirmed, confirmed!.Status);
        Assert.Equal("true", confirmed.Attributes[UserAttributes.PhoneNumberVerified]);
        Assert.Equal("Ada", confirmed.Attributes["given_name"]);
        Assert.Equal(2, confirmed.Version);
    }

    [StoreFact]
    public async Task ConfirmUser_WithoutAttribute_ConfirmedNothingMarkedVerified()
    {
        var user = await CreatedAsync();

        // AdminConfirmSignUp: no code proved any attribute.
        Assert.True(await Stores.Users.ConfirmAsync(Pool, Key(user), user.Sub, attribute: null, Now, None));
        Assert.False(await Stores.Users.ConfirmAsync(Pool, Key(user), user.Sub, attribute: null, Now, None));

        var confirmed = await Stores.Users.FindAsync(Pool, user.Username, None);
        Assert.Equal(UserStatus.Confirmed, confirmed!.Status);
        Assert.False(confirmed.Attributes.ContainsKey(UserAttributes.PhoneNumberVerified));
        Assert.False(confirmed.Attributes.ContainsKey(UserAttributes.EmailVerified));
    }

    [StoreFact]
    public async Task ConfirmUser_AnotherUsersSub_FalseAndUserUnchanged()
    {
        var user = await CreatedAsync();

        // A sign-up replaced meanwhile (same username, new sub) is not confirmed by the old sign-up's code.
        Assert.False(await Stores.Users.ConfirmAsync(Pool, Key(user), Guid.NewGuid().ToString(), UserAttributes.PhoneNumber, Now, None));

        Assert.Equal(UserStatus.Unconfirmed, (await Stores.Users.FindAsync(Pool, user.Username, None))!.Status);
    }
}
