using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;
using static Sesame.Tests.CognitoApi.PoolAttributeSettingsTests;

namespace Sesame.Tests.CognitoApi;

/// <summary>
/// Alias conflicts as Cognito has them in a pool with <c>AliasAttributes</c>: a phone number or email is an alias only
/// once verified, so a sign-up may carry one another user holds; confirming it answers <c>AliasExistsException</c> unless
/// <c>ForceAliasCreation</c> moves the alias (the old holder keeps the value, unverified). AdminCreateUser and
/// AdminUpdateUserAttributes with a verified taken alias answer the same.
/// </summary>
public sealed class AliasConflictTests
{
    private sealed record NameValue(string Name, string Value);

    private static NameValue[] EmailOf(string email) => [new("email", email)];

    private static Task<CognitoResponse> SignUpAsync(SesameApp app, string username, string email) =>
        app.CallAsync("SignUp", new { ClientId = AliasClientId, Username = username, UserAttributes = EmailOf(email) });

    private static Task<CognitoResponse> ConfirmAsync(SesameApp app, string username, string code, bool? force = null) =>
        app.CallAsync("ConfirmSignUp", new { ClientId = AliasClientId, Username = username, ConfirmationCode = code, ForceAliasCreation = force });

    private static async Task<JsonObject> AttributesAsync(SesameApp app, string username)
    {
        var user = await app.AdminCallAsync("AdminGetUser", new { UserPoolId = AliasPoolId, Username = username });
        user.AssertOk();
        return new JsonObject(user.Json["UserAttributes"]!.AsArray().Select(a => KeyValuePair.Create(a!["Name"]!.GetValue<string>(), (JsonNode?)a["Value"]!.GetValue<string>())));
    }

    private static async Task<string> ConfirmedHolderAsync(SesameApp app, string email)
    {
        var holder = "holder" + Guid.NewGuid().ToString("N")[..8];
        var before = app.Outbox.For(email).Count;
        (await SignUpAsync(app, holder, email)).AssertOk();
        (await ConfirmAsync(app, holder, await app.CodeAsync(email, before + 1))).AssertOk();
        return holder;
    }

    [Fact]
    public async Task ConfirmSignUp_EmailAnotherUserHoldsAsAlias_AliasExistsUntilForceAliasCreationMovesIt()
    {
        using var app = new SesameApp(AliasPool());
        var email = SesameApp.NewEmail();
        var holder = await ConfirmedHolderAsync(app, email);

        // Cognito lets the sign-up through: the email is no alias of the newcomer until verified.
        var newcomer = "newcomer" + Guid.NewGuid().ToString("N")[..8];
        (await SignUpAsync(app, newcomer, email)).AssertOk();
        (await ConfirmAsync(app, newcomer, await app.CodeAsync(email, 2)))
            .AssertError("AliasExistsException", "An account with the given email already exists.");
        // Nothing moved: the newcomer is unconfirmed and the email still signs the holder in.
        var refused = await app.AdminCallAsync("AdminGetUser", new { UserPoolId = AliasPoolId, Username = newcomer });
        Assert.Equal("UNCONFIRMED", refused.Json["UserStatus"]!.GetValue<string>());
        var tokens = await SignInAliasAsync(app, email, email);
        Assert.Equal(holder, Claims(tokens["IdToken"]!.GetValue<string>())["cognito:username"]!.GetValue<string>());

        // The code was right and stays usable: confirmed again with ForceAliasCreation, the alias moves.
        (await ConfirmAsync(app, newcomer, await app.CodeAsync(email, 2), force: true)).AssertOk();

        tokens = await SignInAliasAsync(app, email, email);
        Assert.Equal(newcomer, Claims(tokens["IdToken"]!.GetValue<string>())["cognito:username"]!.GetValue<string>());
        var old = await AttributesAsync(app, holder);
        Assert.Equal(email, old["email"]!.GetValue<string>());
        Assert.Equal("false", old["email_verified"]!.GetValue<string>());
        // The old holder still signs in by username (the code goes to the email it keeps).
        await SignInAliasAsync(app, holder, email);
    }

    [Fact]
    public async Task AdminCreateUser_VerifiedEmailHeldAsAlias_AliasExistsUnlessForceAliasCreation()
    {
        using var app = new SesameApp(AliasPool());
        var email = SesameApp.NewEmail();
        var holder = await ConfirmedHolderAsync(app, email);
        NameValue[] verified = [new("email", email), new("email_verified", "true")];

        (await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = AliasPoolId, Username = "taker1", MessageAction = "SUPPRESS", UserAttributes = verified }))
            .AssertError("AliasExistsException", "An account with the given email already exists.");
        // Unverified, the same email is no alias: created beside the holder.
        (await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = AliasPoolId, Username = "taker2", MessageAction = "SUPPRESS", UserAttributes = EmailOf(email) }))
            .AssertOk();
        Assert.Equal("true", (await AttributesAsync(app, holder))["email_verified"]!.GetValue<string>());

        (await app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = AliasPoolId, Username = "taker3", MessageAction = "SUPPRESS", UserAttributes = verified, ForceAliasCreation = true,
        })).AssertOk();
        Assert.Equal("false", (await AttributesAsync(app, holder))["email_verified"]!.GetValue<string>());
        var tokens = await SignInAliasAsync(app, email, email);
        Assert.Equal("taker3", Claims(tokens["IdToken"]!.GetValue<string>())["cognito:username"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminUpdateUserAttributes_VerifiedEmailHeldAsAlias_AliasExistsUnverifiedAccepted()
    {
        using var app = new SesameApp(AliasPool());
        var email = SesameApp.NewEmail();
        await ConfirmedHolderAsync(app, email);
        (await app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = AliasPoolId, Username = "other", MessageAction = "SUPPRESS", UserAttributes = EmailOf(SesameApp.NewEmail()),
        })).AssertOk();

        (await app.AdminCallAsync("AdminUpdateUserAttributes", new
        {
            UserPoolId = AliasPoolId, Username = "other", UserAttributes = new NameValue[] { new("email", email), new("email_verified", "true") },
        })).AssertError("AliasExistsException", "An account with the given email already exists.");
        (await app.AdminCallAsync("AdminUpdateUserAttributes", new { UserPoolId = AliasPoolId, Username = "other", UserAttributes = EmailOf(email) }))
            .AssertOk();
        Assert.Equal("false", (await AttributesAsync(app, "other"))["email_verified"]!.GetValue<string>());
    }

    [Fact]
    public async Task PreferredUsername_AliasOfAConfirmedUser_SignsInInAnyCaseAndIsUniqueAliasExists()
    {
        var settings = AliasPool();
        settings[$"Sesame:UserPools:{AliasPoolId}:AliasAttributes:2"] = "preferred_username";
        using var app = new SesameApp(settings);
        var (email, other) = (SesameApp.NewEmail(), SesameApp.NewEmail());
        var preferred = "Ada" + Guid.NewGuid().ToString("N")[..6];
        var username = "user" + Guid.NewGuid().ToString("N")[..8];
        (await app.CallAsync("SignUp", new
        {
            ClientId = AliasClientId, Username = username, UserAttributes = new NameValue[] { new("email", email), new("preferred_username", preferred) },
        })).AssertOk();

        // Unconfirmed, the preferred username is no alias yet: a sign-in by it sends nothing.
        var queued = await app.QueuedMessagesAsync(email);
        (await StartAliasAsync(app, preferred)).AssertOk();
        Assert.Equal(queued, await app.QueuedMessagesAsync(email));

        (await ConfirmAsync(app, username, await app.CodeAsync(email))).AssertOk();
        var tokens = await SignInAliasAsync(app, preferred.ToUpperInvariant(), email);
        Assert.Equal(username, Claims(tokens["IdToken"]!.GetValue<string>())["cognito:username"]!.GetValue<string>());

        // A second user cannot take it, in any case; another name is theirs at once (it needs no verification).
        var second = await ConfirmedHolderAsync(app, other);
        var secondTokens = await SignInAliasAsync(app, second, other);
        var access = secondTokens["AccessToken"]!.GetValue<string>();
        (await app.CallAsync("UpdateUserAttributes", new { AccessToken = access, UserAttributes = new NameValue[] { new("preferred_username", preferred.ToLowerInvariant()) } }))
            .AssertError("AliasExistsException", "An account with the given preferred_username already exists.");
        (await app.CallAsync("UpdateUserAttributes", new { AccessToken = access, UserAttributes = new NameValue[] { new("preferred_username", "Bob" + preferred) } }))
            .AssertOk();
        await SignInAliasAsync(app, "bob" + preferred, other);
        Assert.Equal(username, Claims((await SignInAliasAsync(app, preferred, email))["IdToken"]!.GetValue<string>())["cognito:username"]!.GetValue<string>());
    }
}
