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

    private static string StandIn(CognitoResponse r) => r.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>();

    [GeneratedRegex(@"\+\*+\d{4}")]
    private static partial Regex MaskedPhonePattern();

    [GeneratedRegex("\"Session\":\"[^\"]*\"")]
    private static partial Regex SessionPattern();
}
