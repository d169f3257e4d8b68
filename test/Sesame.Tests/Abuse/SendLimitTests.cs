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

        Assert.Equal((a.Status, a.Body, a.Headers["retry-after"]), (b.Status, b.Body, b.Headers["retry-after"]));
        Assert.Contains("LimitExceededException", a.Body, StringComparison.Ordinal);
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
