using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sesame.Abuse;
using Sesame.Configuration;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Abuse;

/// <summary>
/// Password and SRP attempts are limited per client IP and per account before any hashing, and password work runs in
/// a bounded number of slots, so a flood cannot take the CPU from passwordless sign-in. Real HTTP (Kestrel on loopback)
/// where the client IP matters; the manual clock everywhere.
/// </summary>
public sealed class PasswordAttemptLimitTests
{
    private const string Limits = "Sesame:UserPools:us-east-1_SesameDev:Limits";

    private static SesameApp Start(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            // Room for every caller in the slots' queue, so only the limits refuse.
            ["Sesame:Passwords:MaxQueuedHashes"] = "1000",
            [$"{Limits}:PasswordAttemptsPerClientIpPerFiveMinutes"] = "30",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = new SesameApp(all);
        app.UseKestrel(0);
        app.StartServer();
        return app;
    }

    private static Task<CognitoResponse> PasswordAsync(SesameApp app, string username, HttpClient? client = null) =>
        app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = username, PASSWORD = "Wrong-password-1" } }, client);

    private static async Task<double> MetricAsync(SesameApp app, string series)
    {
        var text = await app.CreateClient().GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task PasswordAuth_64ConcurrentUnknownNamesFromOneIp_OnlyTheIpLimitIsHashed()
    {
        using var app = Start();

        var responses = await Concurrently.RunAsync(64, () => new ValueTask<CognitoResponse>(PasswordAsync(app, "nobody-" + Guid.NewGuid().ToString("N"))));

        Assert.Equal(30, responses.Count(r => r.Body.Contains("NotAuthorizedException", StringComparison.Ordinal)));
        var refused = responses.Where(r => r.Body.Contains("TooManyRequestsException", StringComparison.Ordinal)).ToList();
        Assert.Equal(34, refused.Count);
        Assert.All(refused, r => Assert.Equal("300", r.Headers["retry-after"]));
        Assert.Equal(30, await MetricAsync(app, "sesame_passwords_hashing_total{outcome=\"run\"}"));
        Assert.Equal(34, await MetricAsync(app, "sesame_limits_attempts_total{outcome=\"refused\",reason=\"client_ip\"}"));

        // The window slides: five minutes later the IP has room again.
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Contains("NotAuthorizedException", (await PasswordAsync(app, "nobody")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SrpAuth_64ConcurrentFromOneIp_NoExponentiationBeyondTheIpLimit()
    {
        using var app = Start();
        var a = new SrpClient().AHex;

        var responses = await Concurrently.RunAsync(64, async () => await app.CallAsync("InitiateAuth",
            new { SesameApp.ClientId, AuthFlow = "USER_SRP_AUTH", AuthParameters = new { USERNAME = "nobody-" + Guid.NewGuid().ToString("N"), SRP_A = a } }));

        Assert.Equal(30, responses.Count(r => r.Status == 200 && r.Body.Contains("PASSWORD_VERIFIER", StringComparison.Ordinal)));
        Assert.Equal(34, responses.Count(r => r.Body.Contains("TooManyRequestsException", StringComparison.Ordinal)));
        Assert.Equal(30, await MetricAsync(app, "sesame_passwords_hashing_total{outcome=\"run\"}"));
    }

    [Fact]
    public async Task PasswordAuth_64ConcurrentForOneNameFromManyIps_AccountLimitHolds()
    {
        using var app = Start(("Sesame:TrustedProxies:0", "127.0.0.1"), ($"{Limits}:PasswordAttemptsPerAccountPerDay", "10"));

        var next = 0;
        var responses = await Concurrently.RunAsync(64, async () =>
        {
            using var client = app.CreateClient();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{Interlocked.Increment(ref next)}");
            return await PasswordAsync(app, "victim", client);
        });

        // Ten pass the account limit (Cognito's lockout may stop some of those before the hash); none beyond.
        Assert.Equal(54, responses.Count(r => r.Body.Contains("TooManyRequestsException", StringComparison.Ordinal)));
        Assert.True(await MetricAsync(app, "sesame_passwords_hashing_total{outcome=\"run\"}") <= 10);
        Assert.Equal(54, await MetricAsync(app, "sesame_limits_attempts_total{outcome=\"refused\",reason=\"account\"}"));
    }

    [Fact]
    public async Task PasswordAuth_AccountLimitReached_UnknownUserAnsweredLikeAKnownOne()
    {
        using var app = Start(($"{Limits}:PasswordAttemptsPerAccountPerDay", "2"), ($"{Limits}:PasswordAttemptsPerClientIpPerFiveMinutes", "0"));
        var known = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = known, Password = "Right-password-1" })).AssertOk();
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = known, ConfirmationCode = await app.CodeAsync(known) })).AssertOk();
        var unknown = SesameApp.NewPhone();

        for (var i = 0; i < 2; i++)
        {
            await PasswordAsync(app, known);
            await PasswordAsync(app, unknown);
        }

        var a = await PasswordAsync(app, known);
        var b = await PasswordAsync(app, unknown);

        Assert.Equal((a.Status, a.Body, a.Headers["retry-after"]), (b.Status, b.Body, b.Headers["retry-after"]));
        Assert.Contains("TooManyRequestsException", a.Body, StringComparison.Ordinal);
    }

    /// <summary>
    /// Only Cognito's lockout and NIST's consecutive cap (<paramref name="cap"/>): the per-IP and per-account rates are
    /// off, so that what stops the guessing is the cap, not a window. Returns a confirmed user with a password.
    /// </summary>
    private static async Task<(SesameApp App, string Known)> ConsecutiveCapAsync(int cap)
    {
        var app = Start(
            ($"{Limits}:PasswordAttemptsPerClientIpPerFiveMinutes", "0"), ($"{Limits}:PasswordAttemptsPerClientIpPerHour", "0"),
            ($"{Limits}:PasswordAttemptsPerAccountPerDay", "0"), ($"{Limits}:ConsecutivePasswordFailures", cap.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var known = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = known, Password = "Right-password-1" })).AssertOk();
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = known, ConfirmationCode = await app.CodeAsync(known) })).AssertOk();
        return (app, known);
    }

    [Fact]
    public async Task PasswordAuth_GuessingForDays_AtMostTheConsecutiveCapCompared_UntilRecovery_UnknownAnsweredAlike()
    {
        var (app, known) = await ConsecutiveCapAsync(100);
        using var _ = app;
        var unknown = SesameApp.NewPhone();
        Task<CognitoResponse> RightAsync() => app.CallAsync("InitiateAuth",
            new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = known, PASSWORD = "Right-password-1" } });

        // One guess each every 16 minutes, so Cognito's lockout (cleared by 15 quiet minutes) never refuses: ~28 hours.
        for (var i = 0; i < 100; i++)
        {
            Assert.Contains("Incorrect username or password.", (await PasswordAsync(app, known)).Body, StringComparison.Ordinal);
            Assert.Contains("Incorrect username or password.", (await PasswordAsync(app, unknown)).Body, StringComparison.Ordinal);
            app.Clock.Advance(TimeSpan.FromMinutes(16));
        }

        var knownRefused = await PasswordAsync(app, known);
        var unknownRefused = await PasswordAsync(app, unknown);
        Assert.Equal((knownRefused.Status, knownRefused.Body), (unknownRefused.Status, unknownRefused.Body));
        Assert.Contains("Password attempts exceeded", knownRefused.Body, StringComparison.Ordinal);

        // No quiet time clears it, and the right password is refused too (nothing is compared past the cap).
        app.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Contains("Password attempts exceeded", (await RightAsync()).Body, StringComparison.Ordinal);
        Assert.Contains("Password attempts exceeded", (await PasswordAsync(app, unknown)).Body, StringComparison.Ordinal);

        // Account recovery (NIST §3.2.2): the operator re-enables the user, and the right password works again.
        (await app.AdminCallAsync("AdminEnableUser", new { UserPoolId = SesameApp.PoolId, Username = known })).AssertOk();
        (await RightAsync()).AssertOk();
    }

    [Fact]
    public async Task PasswordAuth_ConsecutiveCap_LiftedByANewPassword()
    {
        var (app, known) = await ConsecutiveCapAsync(3);
        using var _ = app;
        for (var i = 0; i < 3; i++)
        {
            await PasswordAsync(app, known);
        }

        Assert.Contains("Password attempts exceeded", (await PasswordAsync(app, known)).Body, StringComparison.Ordinal);
        (await app.AdminCallAsync("AdminSetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = known, Password = "New-password-2", Permanent = true })).AssertOk();
        (await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = known, PASSWORD = "New-password-2" } })).AssertOk();
    }

    [Fact]
    public async Task PasswordAuth_EverySlotBusy_RefusedAtOnceWhilePasswordlessSignInWorks()
    {
        using var app = new SesameApp(new() { ["Sesame:Passwords:MaxConcurrentHashes"] = "1", ["Sesame:Passwords:MaxQueuedHashes"] = "0" });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var slots = app.Services.GetRequiredService<HashingSlots>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = slots.RunAsync(async () => await release.Task, CancellationToken.None);

        var refused = await PasswordAsync(app, "anyone");
        var signIn = await app.SignInAsync(phone);

        Assert.Contains("TooManyRequestsException", refused.Body, StringComparison.Ordinal);
        Assert.NotNull(signIn["IdToken"]);
        release.SetResult(0);
        await held;
        Assert.Contains("NotAuthorizedException", (await PasswordAsync(app, "anyone")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignUpWithPassword_EverySlotBusy_RefusedAtOnceNothingWrittenPasswordlessSignUpWorks()
    {
        using var app = new SesameApp(new() { ["Sesame:Passwords:MaxConcurrentHashes"] = "1", ["Sesame:Passwords:MaxQueuedHashes"] = "0" });
        var slots = app.Services.GetRequiredService<HashingSlots>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = slots.RunAsync(async () => await release.Task, CancellationToken.None);
        var withPassword = SesameApp.NewPhone();
        var passwordless = SesameApp.NewPhone();

        var refused = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = withPassword, Password = "Correct-horse-1" });
        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = passwordless });

        // The sign-up's hash waits for a slot like a sign-in's: with none free and no queue room it is refused before
        // anything is written or sent.
        refused.AssertError("TooManyRequestsException");
        Assert.Equal(0, await app.QueuedMessagesAsync(withPassword));
        signUp.AssertOk();
        release.SetResult(0);
        await held;
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = withPassword, Password = "Correct-horse-1" })).AssertOk();
    }

    [Fact]
    public async Task HashingSlots_64ConcurrentCallers_ConcurrencyAndQueueBounded()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var slots = new HashingSlots(Options.Create(new SesameOptions { Passwords = { MaxConcurrentHashes = 2, MaxQueuedHashes = 3 } }),
            provider.GetRequiredService<IMeterFactory>());
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var most = 0;

        var calls = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            try
            {
                return await slots.RunAsync(async () =>
                {
                    var now = Interlocked.Increment(ref running);
                    InterlockedMax(ref most, now);
                    await release.Task;
                    Interlocked.Decrement(ref running);
                    return 1;
                }, CancellationToken.None);
            }
            catch (Sesame.Cognito.CognitoException error) when (error.Type == "TooManyRequestsException")
            {
                return 0;
            }
        })).ToList();

        // Everyone beyond 2 running + 3 waiting is refused without waiting for the work to finish.
        while (calls.Count(c => c.IsCompleted) < 59)
        {
            await Task.Delay(10);
        }

        release.SetResult(0);
        var results = await Task.WhenAll(calls);
        Assert.Equal(5, results.Sum());
        Assert.Equal(2, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
