using System.Text.RegularExpressions;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>
/// The strict enumeration mode: where Cognito's answers tell that an account exists (an unconfirmed user signing in,
/// Resend and ConfirmSignUp for a confirmed user), the pool answers exactly like for an unknown login.
/// </summary>
public sealed partial class EnumerationModeTests
{
    private static Dictionary<string, string?> Strict => new() { [$"Sesame:UserPools:{SesameApp.PoolId}:EnumerationMode"] = "Strict" };

    // Random per call: the session, and the masked digits of a destination (a stand-in's differ from a real one's).
    private static string Masked(CognitoResponse r) =>
        (r.Status + " " + SessionPattern().Replace(MaskedPhonePattern().Replace(r.Body, "+*******####"), "\"Session\":\"…\"")).Trim();

    [Fact]
    public async Task Strict_ResendAndConfirmForAConfirmedUser_SameAnswersAsAnUnknownOne()
    {
        using var app = new SesameApp(Strict);
        var confirmed = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(confirmed);
        var unknown = SesameApp.NewPhone();

        var before = await app.QueuedMessagesAsync(confirmed);
        var resendKnown = await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = confirmed });
        var resendUnknown = await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = unknown });
        var confirmKnown = await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = confirmed, ConfirmationCode = "123456" });
        var confirmUnknown = await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = unknown, ConfirmationCode = "123456" });

        resendKnown.AssertOk();
        Assert.Equal(Masked(resendUnknown), Masked(resendKnown));
        Assert.Equal(before, await app.QueuedMessagesAsync(confirmed)); // nothing sent to the owner
        confirmKnown.AssertError("CodeMismatchException");
        Assert.Equal(confirmUnknown.Body, confirmKnown.Body);
    }

    [Fact]
    public async Task Cognito_ResendAndConfirmForAConfirmedUser_CognitosAnswers()
    {
        using var app = new SesameApp();
        var confirmed = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(confirmed);

        (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = confirmed })).AssertError("InvalidParameterException", "User is already confirmed.");
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = confirmed, ConfirmationCode = "123456" }))
            .AssertError("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED");
    }

    [Fact]
    public async Task Strict_UnconfirmedUserSignsIn_ChallengeLikeAnUnknownOneAndNothingSent()
    {
        using var app = new SesameApp(Strict);
        var unconfirmed = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = unconfirmed })).AssertOk();
        var unknown = SesameApp.NewPhone();

        var before = await app.QueuedMessagesAsync(unconfirmed);
        var known = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = unconfirmed } });
        var stranger = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = unknown } });

        known.AssertOk();
        Assert.Equal(Masked(stranger).Replace(StandIn(stranger), "…", StringComparison.Ordinal), Masked(known).Replace(StandIn(known), "…", StringComparison.Ordinal));
        Assert.Equal(before, await app.QueuedMessagesAsync(unconfirmed));

        // In the Cognito mode the same request says the account exists and waits for confirmation.
        using var cognito = new SesameApp();
        var pending = SesameApp.NewPhone();
        (await cognito.CallAsync("SignUp", new { SesameApp.ClientId, Username = pending })).AssertOk();
        (await cognito.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = pending } }))
            .AssertError("UserNotConfirmedException");
    }

    [Fact]
    public async Task Strict_SignUpOfAConfirmedNumber_AnswersLikeANewSignUpAndTheOwnerIsToldInsteadOfSentACode()
    {
        using var app = new SesameApp(Strict);
        var owned = SesameApp.NewPhone();
        var ownerSub = await app.CreateConfirmedUserAsync(owned);
        var fresh = SesameApp.NewPhone();
        var (ownedBefore, freshBefore) = (await app.QueuedMessagesAsync(owned), await app.QueuedMessagesAsync(fresh));

        var taken = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = owned });
        var created = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = fresh });

        taken.AssertOk();
        Assert.Equal(MaskSub(created), MaskSub(taken));
        var sub = taken.Json["UserSub"]!.GetValue<string>();
        Assert.True(Guid.TryParse(sub, out _));
        Assert.NotEqual(ownerSub, sub);
        // Equal work: one outbox row on either path. The owner's is the notice, with no code in it.
        Assert.Equal((ownedBefore + 1, freshBefore + 1), (await app.QueuedMessagesAsync(owned), await app.QueuedMessagesAsync(fresh)));
        var notice = await app.MessageAsync(owned, 2);
        Assert.Contains("Someone tried to sign up", notice.Body, StringComparison.Ordinal);
        Assert.Null(notice.Code);
        Assert.DoesNotMatch(@"\d{6}", notice.Body);
        // The owner's account is untouched: they still sign in, and the pretend sign-up cannot be confirmed.
        Assert.NotNull((await app.SignInAsync(owned))["IdToken"]);
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = owned, ConfirmationCode = "123456" })).AssertError("CodeMismatchException");
    }

    [Fact]
    public async Task Strict_SignUpOfAConfirmedEmail_OwnerToldByEmail_CognitoModeStillSaysItExists()
    {
        using var app = new SesameApp(Strict);
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await app.CreateConfirmedUserAsync(email);

        var taken = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = email });

        taken.AssertOk();
        Assert.Equal("EMAIL", taken.Json["CodeDeliveryDetails"]!["DeliveryMedium"]!.GetValue<string>());
        Assert.Contains("email address", (await app.MessageAsync(email, 2)).Body, StringComparison.Ordinal);

        using var cognito = new SesameApp();
        await cognito.CreateConfirmedUserAsync(email);
        (await cognito.CallAsync("SignUp", new { SesameApp.ClientId, Username = email })).AssertError("UsernameExistsException");
    }

    [Fact]
    public async Task Strict_SignUpOfAConfirmedNumberAtTheSendLimit_SameRefusalAsANewNumberAndNoNotice()
    {
        // The notice goes through the send limits of the number like the code it replaces: a loop of sign-ups with
        // someone's number cannot flood its owner, and meets the refusal a new number meets.
        using var app = new SesameApp(new(Strict) { [$"Sesame:UserPools:{SesameApp.PoolId}:Limits:DestinationInterval"] = "00:01:00" });
        var owned = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(owned);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = owned })).AssertOk();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = fresh })).AssertOk();
        var before = await app.QueuedMessagesAsync(owned);

        var taken = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = owned });
        var created = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = fresh });

        taken.AssertError("LimitExceededException");
        Assert.Equal(created.Body, taken.Body);
        Assert.Equal(created.Headers.GetValueOrDefault("retry-after"), taken.Headers.GetValueOrDefault("retry-after"));
        Assert.Equal(before, await app.QueuedMessagesAsync(owned));
    }

    private static readonly string[] PhoneAndEmail = ["phone_number", "email"];

    /// <summary>A pool made through CreateUserPool (with <paramref name="tags"/>) and one public client: their ids.</summary>
    private static async Task<(string Pool, string Client)> ApiPoolAsync(SesameApp app, object? tags = null)
    {
        var created = tags is null
            ? await app.AdminCallAsync("CreateUserPool", new { PoolName = "new", UsernameAttributes = PhoneAndEmail })
            : await app.AdminCallAsync("CreateUserPool", new { PoolName = "new", UsernameAttributes = PhoneAndEmail, UserPoolTags = tags });
        created.AssertOk();
        var poolId = created.Json["UserPool"]!["Id"]!.GetValue<string>();
        var client = await app.AdminCallAsync("CreateUserPoolClient", new { UserPoolId = poolId, ClientName = "web" });
        client.AssertOk();
        return (poolId, client.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>());
    }

    private static async Task<string> ConfirmedUserAsync(SesameApp app, string poolId, string clientId, string phone)
    {
        var signUp = await app.CallAsync("SignUp", new { ClientId = clientId, Username = phone });
        signUp.AssertOk();
        (await app.AdminCallAsync("AdminConfirmSignUp", new { UserPoolId = poolId, Username = phone })).AssertOk();
        return signUp.Json["UserSub"]!.GetValue<string>();
    }

    private static async Task<string?> DescribedModeAsync(SesameApp app, string poolId) =>
        (await app.AdminCallAsync("DescribeUserPool", new { UserPoolId = poolId })).Json["UserPool"]!["UserPoolTags"]?["sesame:EnumerationMode"]?.GetValue<string>();

    [Fact]
    public async Task CreateUserPool_NoTag_StrictByDefault_SignUpOfAConfirmedNumberAnswersLikeANewSignUp()
    {
        using var app = new SesameApp();
        var (poolId, clientId) = await ApiPoolAsync(app);
        var owned = SesameApp.NewPhone();
        var ownerSub = await ConfirmedUserAsync(app, poolId, clientId, owned);
        // A new pool has every send limit on: the owner's sign-up code must be a minute old.
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var fresh = SesameApp.NewPhone();
        var (ownedBefore, freshBefore) = (await app.QueuedMessagesAsync(owned), await app.QueuedMessagesAsync(fresh));

        var taken = await app.CallAsync("SignUp", new { ClientId = clientId, Username = owned });
        var created = await app.CallAsync("SignUp", new { ClientId = clientId, Username = fresh });

        taken.AssertOk();
        Assert.Equal(MaskSub(created), MaskSub(taken));
        Assert.NotEqual(ownerSub, taken.Json["UserSub"]!.GetValue<string>());
        // The owner is told instead of sent a code: one row on either path.
        Assert.Equal((ownedBefore + 1, freshBefore + 1), (await app.QueuedMessagesAsync(owned), await app.QueuedMessagesAsync(fresh)));
        Assert.Contains("Someone tried to sign up", (await app.MessageAsync(owned, (int)ownedBefore + 1)).Body, StringComparison.Ordinal);
        Assert.Equal("Strict", await DescribedModeAsync(app, poolId));
        // A configured pool keeps its configured mode (Cognito's by default).
        Assert.Equal("Cognito", await DescribedModeAsync(app, SesameApp.PoolId));
        var configured = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(configured);
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = configured })).AssertError("UsernameExistsException");
    }

    [Fact]
    public async Task CreateUserPool_CognitoTag_CognitosAnswers_UpdateUserPoolSwitchesAndKeepsTheModeWhenLeftOut()
    {
        using var app = new SesameApp();
        (await app.AdminCallAsync("CreateUserPool", new { PoolName = "bad", UserPoolTags = new Dictionary<string, string> { ["sesame:EnumerationMode"] = "Loose" } }))
            .AssertError("InvalidParameterException", "The tag sesame:EnumerationMode must be Strict or Cognito.");
        var (poolId, clientId) = await ApiPoolAsync(app, new Dictionary<string, string> { ["sesame:EnumerationMode"] = "Cognito", ["team"] = "web" });
        var owned = SesameApp.NewPhone();
        await ConfirmedUserAsync(app, poolId, clientId, owned);
        app.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal("Cognito", await DescribedModeAsync(app, poolId));
        (await app.CallAsync("SignUp", new { ClientId = clientId, Username = owned }))
            .AssertError("UsernameExistsException", "An account with the given phone_number already exists.");

        // UpdateUserPool without the tag keeps the mode (leaving tags out must not change how much a pool tells) …
        (await app.AdminCallAsync("UpdateUserPool", new { UserPoolId = poolId })).AssertOk();
        Assert.Equal("Cognito", await DescribedModeAsync(app, poolId));
        // … a wrong value changes nothing …
        (await app.AdminCallAsync("UpdateUserPool", new { UserPoolId = poolId, UserPoolTags = new Dictionary<string, string> { ["sesame:EnumerationMode"] = "strict" } }))
            .AssertError("InvalidParameterException");
        Assert.Equal("Cognito", await DescribedModeAsync(app, poolId));
        // … and the tag switches it.
        (await app.AdminCallAsync("UpdateUserPool", new { UserPoolId = poolId, UserPoolTags = new Dictionary<string, string> { ["sesame:EnumerationMode"] = "Strict" } }))
            .AssertOk();
        Assert.Equal("Strict", await DescribedModeAsync(app, poolId));
        app.Clock.Advance(TimeSpan.FromSeconds(61)); // the refused sign-up's code counted a send too
        (await app.CallAsync("SignUp", new { ClientId = clientId, Username = owned })).AssertOk();
    }

    private static string MaskSub(CognitoResponse r) => SubPattern().Replace(Masked(r), "\"UserSub\":\"…\"");

    [GeneratedRegex("\"UserSub\":\"[^\"]*\"")]
    private static partial Regex SubPattern();

    private static string StandIn(CognitoResponse r) => r.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>();

    [GeneratedRegex(@"\+\*+\d{4}")]
    private static partial Regex MaskedPhonePattern();

    [GeneratedRegex("\"Session\":\"[^\"]*\"")]
    private static partial Regex SessionPattern();
}
