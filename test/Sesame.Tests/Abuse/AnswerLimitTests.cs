using Microsoft.Extensions.DependencyInjection;
using Sesame.Codes;
using Sesame.Pools;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Abuse;

/// <summary>
/// The per-account cap on failed code answers across re-issued codes (NIST SP 800-63B §3.2.2; security.md S3), at the
/// API, on the manual clock. The send limits are off here so that the loops can ask for as many codes as they like:
/// only the answer cap stands between them and the account.
/// </summary>
public sealed class AnswerLimitTests
{
    private const string Pool = "Sesame:UserPools:us-east-1_SesameDev:Limits:";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        [Pool + "CodeFailuresPerDay"] = "20",
        [Pool + "ConsecutiveCodeFailures"] = "100",
        [Pool + "DestinationInterval"] = "00:00:00",
        [Pool + "DestinationPerTenMinutes"] = "0",
        [Pool + "DestinationPerDay"] = "0",
        [Pool + "ClientIpPerHour"] = "0",
        [Pool + "ClientIpPerDay"] = "0",
        [Pool + "SmsPerHour"] = "0",
        [Pool + "SmsPerDay"] = "0",
    };

    [Fact]
    public async Task CustomAuth_ReinitiateAndGuess_RefusedAtTheCapEvenWithTheRightCode_UntilTheDayPasses()
    {
        using var app = new SesameApp(Settings);
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        // The probe's loop: a fresh sign-in (a fresh code, three fresh answers) whenever the last one ends.
        var (evaluated, refusal) = await GuessUntilRefusedAsync(app, phone, maxGuesses: 200);

        Assert.Equal(20, evaluated);
        Assert.Equal(400, refusal.Status);
        Assert.Equal("NotAuthorizedException", refusal.Json["__type"]!.GetValue<string>());
        Assert.Equal("Attempt limit exceeded, please try after some time.", refusal.Json["message"]!.GetValue<string>());
        Assert.Equal("86400", refusal.Headers["retry-after"]);

        // The right code of a new sign-in is refused too, in the same words…
        var (start, code) = await StartAsync(app, phone);
        var right = await AnswerAsync(app, start, code);
        Assert.Equal((400, refusal.Body), (right.Status, right.Body));

        // …until the first failure is a day old.
        app.Clock.Advance(TimeSpan.FromDays(1));
        (start, code) = await StartAsync(app, phone);
        (await AnswerAsync(app, start, code)).AssertOk();

        // The success cleared the count: twenty more wrong answers are compared before the next refusal.
        Assert.Equal(20, (await GuessUntilRefusedAsync(app, phone, maxGuesses: 200)).Evaluated);
        Assert.Contains("sesame_limits_code_answers_total{outcome=\"refused\",reason=\"per_day\"}",
            await app.CreateClient().GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomAuth_GuessingForThirtyDays_AtMostTheConsecutiveCapEvaluated_UntilAnOperatorRecovers()
    {
        using var app = new SesameApp(Settings);
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        // security.md S3: guess whenever allowed for 30 days, a new code each time the last one dies.
        var evaluated = 0;
        CognitoResponse? last = null;
        for (var day = 0; day < 30; day++)
        {
            var (today, refusal) = await GuessUntilRefusedAsync(app, phone, maxGuesses: 25);
            evaluated += today;
            last = refusal;
            app.Clock.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal(100, evaluated);
        Assert.Equal("NotAuthorizedException", last!.Json["__type"]!.GetValue<string>());
        Assert.False(last.Headers.ContainsKey("retry-after")); // no wait ends it
        var (start, code) = await StartAsync(app, phone);
        Assert.Equal(400, (await AnswerAsync(app, start, code)).Status);

        // NIST §3.2.2 ends in account recovery: the operator re-enables the user, and the right code works again.
        (await app.AdminCallAsync("AdminEnableUser", new { UserPoolId = SesameApp.PoolId, Username = phone })).AssertOk();
        (start, code) = await StartAsync(app, phone);
        (await AnswerAsync(app, start, code)).AssertOk();
    }

    [Fact]
    public async Task ConfirmSignUp_GuessingAcrossResends_LimitExceededEvenForTheRightCode()
    {
        using var app = new SesameApp(Settings);
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone })).AssertOk();

        // Five answers per code, then a resend: without the account cap this loop never ends.
        var evaluated = 0;
        var sent = 1;
        CognitoResponse refusal;
        while (true)
        {
            var answer = await ConfirmAsync(app, phone, Wrong(await app.CodeAsync(phone, sent)));
            if (answer.Body.Contains("LimitExceededException", StringComparison.Ordinal))
            {
                refusal = answer;
                break;
            }

            Assert.Contains("CodeMismatchException", answer.Body, StringComparison.Ordinal);
            Assert.True(++evaluated <= 20, "more wrong answers were compared than the cap allows");
            if (evaluated % 5 == 0)
            {
                (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone })).AssertOk();
                sent++;
            }
        }

        Assert.Equal(20, evaluated);
        Assert.Equal("Attempt limit exceeded, please try after some time.", refusal.Json["message"]!.GetValue<string>());
        Assert.Equal("86400", refusal.Headers["retry-after"]);
        (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone })).AssertOk();
        var fresh = await app.CodeAsync(phone, sent + 1);
        Assert.Equal(refusal.Body, (await ConfirmAsync(app, phone, fresh)).Body);

        // A day later (that code long expired) a new code confirms the number.
        app.Clock.Advance(TimeSpan.FromDays(1));
        (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = phone })).AssertOk();
        (await ConfirmAsync(app, phone, await app.CodeAsync(phone, sent + 2))).AssertOk();
    }

    [Fact]
    public async Task ConfirmSignUp_UnknownUserAtTheCap_SameAnswerAsAKnownOne()
    {
        using var app = new SesameApp(Settings);
        var known = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = known })).AssertOk();
        var code = await app.CodeAsync(known);
        var unknown = SesameApp.NewPhone();

        for (var i = 0; i < 20; i++)
        {
            var a = await ConfirmAsync(app, known, Wrong(code));
            var b = await ConfirmAsync(app, unknown, Wrong(code));
            Assert.Equal(a.Status, b.Status);
            Assert.Equal(a.Json["__type"]!.GetValue<string>(), b.Json["__type"]!.GetValue<string>());
            if (i % 5 == 4)
            {
                (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = known })).AssertOk();
                code = await app.CodeAsync(known, 2 + (i / 5));
            }
        }

        var knownRefusal = await ConfirmAsync(app, known, code);
        var unknownRefusal = await ConfirmAsync(app, unknown, code);

        Assert.Contains("LimitExceededException", knownRefusal.Body, StringComparison.Ordinal);
        Assert.Equal((knownRefusal.Status, knownRefusal.Body, knownRefusal.Headers["retry-after"]),
            (unknownRefusal.Status, unknownRefusal.Body, unknownRefusal.Headers["retry-after"]));
    }

    [Fact]
    public async Task UserAuthSmsOtp_ReinitiateAndGuess_NotAuthorizedAtTheCap()
    {
        using var app = new SesameApp(Settings);
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        var evaluated = 0;
        CognitoResponse? refusal = null;
        for (var sent = 2; refusal is null; sent++)
        {
            var start = await app.CallAsync("InitiateAuth", new
            {
                SesameApp.ClientId,
                AuthFlow = "USER_AUTH",
                AuthParameters = new { USERNAME = phone, PREFERRED_CHALLENGE = "SMS_OTP" },
            });
            start.AssertOk();
            var code = await app.CodeAsync(phone, sent);
            for (var i = 0; i < 3; i++)
            {
                var answer = await app.CallAsync("RespondToAuthChallenge", new
                {
                    SesameApp.ClientId,
                    ChallengeName = "SMS_OTP",
                    Session = start.Json["Session"]!.GetValue<string>(),
                    ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), SMS_OTP_CODE = Wrong(code) },
                });
                if (answer.Body.Contains("Attempt limit exceeded", StringComparison.Ordinal))
                {
                    refusal = answer;
                    break;
                }

                evaluated++;
                Assert.True(evaluated <= 20, "more wrong answers were compared than the cap allows");
            }
        }

        Assert.Equal(20, evaluated);
        Assert.Equal("NotAuthorizedException", refusal.Json["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Verifier_64ConcurrentWrongAnswers_ExactlyTheDailyCapCompared()
    {
        using var app = new SesameApp(Settings);
        var pool = app.Services.GetRequiredService<UserPools>().FindPool(SesameApp.PoolId)!;
        var verifier = app.Services.GetRequiredService<CodeVerifier>();
        var answer = new CodeAnswer(pool, CodePurposes.SignIn, "ada", Sub: null, Destination: null, "000000");
        var code = new Sesame.Storage.OneTimeCode("nonce", new byte[32], app.Clock.GetUtcNow().AddMinutes(3), 1, 3);

        var outcomes = await Concurrently.RunAsync(64, async ValueTask<CodeCheck?> () =>
        {
            try
            {
                return await verifier.VerifyTravellingAsync(answer, code, CancellationToken.None);
            }
            catch (Sesame.Cognito.CognitoException e) when (e.Type == "NotAuthorizedException")
            {
                return (CodeCheck?)null;
            }
        });

        Assert.Equal(20, outcomes.Count(o => o == CodeCheck.Mismatch));
        Assert.Equal(44, outcomes.Count(o => o is null));
    }

    /// <summary>
    /// Signs in again and again, answering each code wrong until its sign-in ends, until an answer is refused by the
    /// account cap (or <paramref name="maxGuesses"/> run out); returns how many wrong answers were compared.
    /// </summary>
    private static async Task<(int Evaluated, CognitoResponse Refusal)> GuessUntilRefusedAsync(SesameApp app, string login, int maxGuesses)
    {
        var evaluated = 0;
        while (evaluated < maxGuesses)
        {
            var (step, code) = await StartAsync(app, login);
            while (true)
            {
                var answer = await AnswerAsync(app, step, Wrong(code));
                if (answer.Body.Contains("Attempt limit exceeded", StringComparison.Ordinal))
                {
                    return (evaluated, answer);
                }

                evaluated++;
                if (answer.Status != 200)
                {
                    Assert.Contains("Incorrect username or password.", answer.Body, StringComparison.Ordinal);
                    break;
                }

                step = answer;
            }
        }

        throw new InvalidOperationException($"{maxGuesses} wrong answers and no refusal.");
    }

    private static async Task<(CognitoResponse Start, string Code)> StartAsync(SesameApp app, string login)
    {
        var before = app.Outbox.For(login).Count;
        var start = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = login } });
        start.AssertOk();
        return (start, await app.CodeAsync(login, before + 1));
    }

    private static Task<CognitoResponse> AnswerAsync(SesameApp app, CognitoResponse step, string answer) =>
        app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = step.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = step.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = answer },
        });

    private static Task<CognitoResponse> ConfirmAsync(SesameApp app, string login, string code) =>
        app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = login, ConfirmationCode = code });

    private static string Wrong(string code) => code[..^1] + (code[^1] == '0' ? '1' : '0');
}
