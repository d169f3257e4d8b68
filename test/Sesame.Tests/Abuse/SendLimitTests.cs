using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Abuse;

/// <summary>The send limits at the API, with their defaults, on the manual clock.</summary>
public sealed class SendLimitTests
{
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        // Naming one Limits setting (at its default) keeps every default on in SesameApp.
        ["Sesame:UserPools:us-east-1_SesameDev:Limits:DestinationInterval"] = "00:01:00",
    };

    [Fact]
    public async Task Resend_100ConcurrentToOneNumber_ExactlyOneMessage()
    {
        using var app = new SesameApp(Defaults);
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();
        await app.MessageAsync(phone);
        app.Clock.Advance(TimeSpan.FromSeconds(61));

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone });
        })).ToArray();
        start.SetResult();
        var responses = await Task.WhenAll(calls);

        Assert.Equal(1, responses.Count(r => r.Status == 200));
        var refused = responses.Where(r => r.Status != 200).ToList();
        Assert.All(refused, r => Assert.Contains("LimitExceededException", r.Body, StringComparison.Ordinal));
        Assert.All(refused, r => Assert.Equal("60", r.Headers["retry-after"]));
        await app.MessageAsync(phone, 2);
        // Exactly two rows were ever queued (the sign-up's and one resend): final once the responses are back.
        Assert.Equal(2, await app.QueuedMessagesAsync(phone));
    }

    [Fact]
    public async Task Resend_Sequential_SpacingTenMinutesAndDayEnforced()
    {
        using var app = new SesameApp(Defaults);
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();

        app.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(400, (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone })).Status);
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone })).AssertOk();

        // Five in ten minutes: three more at 61 s intervals, then the sixth waits for the first to leave the window.
        for (var i = 0; i < 3; i++)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(61));
            (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone })).AssertOk();
        }

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var sixth = await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone });
        Assert.Equal(400, sixth.Status);
        Assert.Contains("LimitExceededException", sixth.Body, StringComparison.Ordinal);
        Assert.Equal("295", sixth.Headers["retry-after"]); // the first send (t = 0) leaves the window at 600 s
    }

    [Fact]
    public async Task Resend_UnknownNumberAtTheLimit_SameAnswerAsAKnownOne()
    {
        using var app = new SesameApp(Defaults);
        var known = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = known })).AssertOk();
        var unknown = SesameApp.NewPhone();
        (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = unknown })).AssertOk();

        var a = await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = known });
        var b = await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = unknown });

        AssertSameRefusal(a, b);
        Assert.Contains("LimitExceededException", a.Body, StringComparison.Ordinal);
    }

    private static Task<CognitoResponse> InitiateAsync(SesameApp app, string flow, string login) => flow == "USER_AUTH"
        ? app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId, AuthFlow = flow,
            AuthParameters = new { USERNAME = login, PREFERRED_CHALLENGE = login.StartsWith('+') ? "SMS_OTP" : "EMAIL_OTP" },
        })
        : app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = flow, AuthParameters = new { USERNAME = login } });

    /// <summary>InitiateAuth for <paramref name="first"/>, then for <paramref name="second"/>.</summary>
    private static async Task<(CognitoResponse First, CognitoResponse Second)> BothAsync(SesameApp app, string flow, string first, string second) =>
        (await InitiateAsync(app, flow, first), await InitiateAsync(app, flow, second));

    /// <summary>Two refusals a client cannot tell apart: status, body and Retry-After.</summary>
    private static void AssertSameRefusal(CognitoResponse a, CognitoResponse b) =>
        Assert.Equal((a.Status, a.Body, a.Headers["retry-after"]), (b.Status, b.Body, b.Headers["retry-after"]));

    /// <summary>
    /// Issue 9: an unknown user hitting a send limit gets exactly what a known one gets. Both logins start a sign-in at
    /// the same instant; every later start meets the limits at the same moment, with the same status, body and wait —
    /// at the 60-second spacing, then (the clock moved past each spacing) at the five-per-ten-minutes count.
    /// </summary>
    [Theory]
    [InlineData("CUSTOM_AUTH", "phone")]
    [InlineData("CUSTOM_AUTH", "email")]
    [InlineData("USER_AUTH", "phone")]
    [InlineData("USER_AUTH", "email")]
    public async Task InitiateAuth_UnknownLoginAtTheSendLimits_SameAnswerAsAKnownOne(string flow, string kind)
    {
        using var app = new SesameApp(Defaults);
        var known = kind == "phone" ? SesameApp.NewPhone() : SesameApp.NewEmail();
        // Another first letter and domain than the known email's, so the two do not mask alike (QueuedMessagesAsync).
        var unknown = kind == "phone" ? SesameApp.NewPhone() : $"stranger{Guid.NewGuid():N}@example.org";
        await app.CreateConfirmedUserAsync(known);
        // The sign-up code counts in the ten-minute window of the known login only: let it leave the window.
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        var started = 0;
        foreach (var login in new[] { known, unknown })
        {
            (await InitiateAsync(app, flow, login)).AssertOk();
        }

        started++;
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        var (spacingKnown, spacingUnknown) = await BothAsync(app, flow, known, unknown);
        // InitiateAuth's model declares no LimitExceededException: a send limit is its TooManyRequestsException.
        spacingKnown.AssertError("TooManyRequestsException", "Rate exceeded");
        Assert.Equal("50", spacingKnown.Headers["retry-after"]);
        AssertSameRefusal(spacingKnown, spacingUnknown);

        CognitoResponse a, b;
        while (true)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(61));
            (a, b) = await BothAsync(app, flow, known, unknown);
            Assert.Equal(a.Status, b.Status);
            if (a.Status != 200)
            {
                break;
            }

            started++;
        }

        Assert.Equal(5, started); // the ten-minute count, not the spacing, refused the sixth
        a.AssertError("TooManyRequestsException", "Rate exceeded");
        AssertSameRefusal(a, b);
        // Only the known login was ever sent anything: the sign-up code and five sign-in codes.
        Assert.Equal(6, await app.QueuedMessagesAsync(known));
        Assert.Equal(0, await app.QueuedMessagesAsync(unknown));
    }

    [Theory]
    [InlineData("CUSTOM_AUTH")]
    [InlineData("USER_AUTH")]
    public async Task InitiateAuth_StrictPool_UnconfirmedUserAtTheSendLimits_SameAnswerAsAnUnknownLogin(string flow)
    {
        // The strict mode answers an unconfirmed user's sign-in like an unknown login's (nothing sent): at the send
        // limits too, the two must stay alike, with the limits counted under the login for both.
        using var app = new SesameApp(new Dictionary<string, string?>(Defaults) { [$"Sesame:UserPools:{SesameApp.PoolId}:EnumerationMode"] = "Strict" });
        var unconfirmed = SesameApp.NewPhone();
        var unknown = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = unconfirmed })).AssertOk();
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        var started = 0;
        CognitoResponse a, b;
        while (true)
        {
            (a, b) = await BothAsync(app, flow, unconfirmed, unknown);
            Assert.Equal(a.Status, b.Status);
            if (a.Status != 200)
            {
                break;
            }

            started++;
            app.Clock.Advance(TimeSpan.FromSeconds(10));
            var (spacingA, spacingB) = await BothAsync(app, flow, unconfirmed, unknown);
            spacingA.AssertError("TooManyRequestsException", "Rate exceeded");
            AssertSameRefusal(spacingA, spacingB);
            app.Clock.Advance(TimeSpan.FromSeconds(51));
        }

        Assert.Equal(5, started);
        a.AssertError("TooManyRequestsException", "Rate exceeded");
        AssertSameRefusal(a, b);
        // The unconfirmed user got its sign-up code and nothing since; the unknown login nothing at all.
        Assert.Equal(1, await app.QueuedMessagesAsync(unconfirmed));
        Assert.Equal(0, await app.QueuedMessagesAsync(unknown));
    }

    [Fact]
    public async Task SignUpThenSignIn_OneNumberWithinAMinute_BothCodesSent()
    {
        using var app = new SesameApp(Defaults);
        var phone = SesameApp.NewPhone();

        await app.CreateConfirmedUserAsync(phone);
        await app.SignInAsync(phone);

        Assert.Equal(2, app.Outbox.For(phone).Count);
    }

    [Fact]
    public async Task SignUp_SmsBudgetExhausted_SmsRefusedEmailStillSent()
    {
        using var app = new SesameApp(new() { ["Sesame:UserPools:us-east-1_SesameDev:Limits:SmsPerHour"] = "1" });
        var first = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = first })).AssertOk();

        var refused = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone() });
        var email = SesameApp.NewEmail();
        var byEmail = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = email });

        Assert.Equal(400, refused.Status);
        Assert.Contains("LimitExceededException", refused.Body, StringComparison.Ordinal);
        Assert.Equal("3600", refused.Headers["retry-after"]);
        byEmail.AssertOk();
        await app.MessageAsync(email);
        Assert.Contains("sesame_limits_sends_total{outcome=\"refused\",reason=\"sms_budget\"} 1",
            await app.CreateClient().GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
