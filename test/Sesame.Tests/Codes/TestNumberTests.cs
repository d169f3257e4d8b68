using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Codes;
using Sesame.Tests.TestSupport;
using Sesame.Users;

namespace Sesame.Tests.Codes;

/// <summary>Declared test numbers (OneTimeCode:TestNumbers): a fixed code for every purpose, nothing sent, every use counted.</summary>
public sealed class TestNumberTests
{
    private const string TestNumber = "+15550000002";

    private static Dictionary<string, string?> Settings => new() { [$"Sesame:UserPools:{SesameApp.PoolId}:OneTimeCode:TestNumbers:{TestNumber}"] = "111111" };

    [Fact]
    public async Task SignUp_DeclaredTestNumber_NothingSentAndConfirmsWithItsFixedCode()
    {
        using var app = new SesameApp(Settings);
        var before = await app.QueuedMessagesAsync(TestNumber);

        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = TestNumber });
        (await app.CallAsync("ResendConfirmationCode", new { SesameApp.ClientId, Username = TestNumber })).AssertOk();
        var confirm = await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = TestNumber, ConfirmationCode = "111111" });

        signUp.AssertOk();
        Assert.Equal("+*******0002", signUp.Json["CodeDeliveryDetails"]!["Destination"]!.GetValue<string>());
        confirm.AssertOk();
        var start = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = TestNumber } });
        (await app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = "111111" },
        })).AssertOk();
        Assert.Equal(before, await app.QueuedMessagesAsync(TestNumber));
        Assert.Contains("sesame_test_numbers_used_total{environment=\"development\",purpose=\"signup\"} 2",
            await app.CreateClient().GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_OutsideDevelopment_WarningWithTheMaskedNumberAndCounted()
    {
        var logs = new CollectingLogs();
        using var app = new SesameApp(Settings, s => s.AddSingleton<ILoggerProvider>(logs));
        // The issuer as a server in Staging with Sesame:AllowTestNumbers would build it.
        var issuer = ActivatorUtilities.CreateInstance<CodeIssuer>(app.Services, new TestHostEnvironment("Staging"));
        var pool = app.Services.GetRequiredService<Sesame.Pools.UserPools>().FindPool(SesameApp.PoolId)!;

        var issued = await issuer.IssueAsync(new CodeRequest(pool, CodePurposes.SignIn, Sesame.Messages.MessagePurpose.SignIn, "tester", null,
            UserAttributes.PhoneNumber, TestNumber, new Dictionary<string, string>(), SesameApp.ClientId), CancellationToken.None);

        Assert.Null(issued.Message);
        var line = Assert.Single(logs.Entries, e => e.Text.Contains("declared test number", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("+*******0002", line.Text, StringComparison.Ordinal);
        Assert.Contains("Staging", line.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(TestNumber, StringComparison.Ordinal) || l.Contains("111111", StringComparison.Ordinal));
        Assert.Contains("sesame_test_numbers_used_total{environment=\"other\",purpose=\"signin\"} 1",
            await app.CreateClient().GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
