using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Triggers;

/// <summary>
/// The SRP_A bypass: a CUSTOM_AUTH started with any SRP_A begins with <c>[{SRP_A, challengeResult: true}]</c>, and seed
/// 003's DefineAuthChallenge (tokens when the one round so far passed) then signs anyone in with no code. Sesame refuses
/// tokens unless a real challenge was answered, unless the pool allows it.
/// </summary>
public sealed class SrpABypassTests
{
    private static readonly string[] ChallengeTriggers = ["DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"];

    /// <summary>Seed 003's defineAuthChallenge, as its tutorial wrote it.</summary>
    private static Task<(int, string)> Seed003(string trigger, JsonNode e)
    {
        var response = e["response"]!;
        switch (trigger)
        {
            case "DefineAuthChallenge":
                TutorialDefine.Answer(e);
                break;
            case "CreateAuthChallenge":
                response["privateChallengeParameters"] = new JsonObject { ["answer"] = "123456" };
                break;
            case "VerifyAuthChallengeResponse":
                response["answerCorrect"] = e["request"]!["challengeAnswer"]!.GetValue<string>() == "123456";
                break;
        }

        return Task.FromResult((200, e.ToJsonString()));
    }

    private static Task<CognitoResponse> StartWithSrpAAsync(SesameApp app, string login, string clientId = SesameApp.ClientId) =>
        app.CallAsync("InitiateAuth", new
        {
            ClientId = clientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = login, SRP_A = "abcdef0123456789", CHALLENGE_NAME = "SRP_A" },
        });

    [Fact]
    public async Task Seed003Define_SrpAStart_NoTokensAndTheTriggerLogged()
    {
        await using var hooks = await HookServer.StartAsync(Seed003);
        var logs = new CollectingLogs();
        using var app = new SesameApp(hooks.Settings(ChallengeTriggers), s => s.AddSingleton<ILoggerProvider>(logs));
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        var response = await StartWithSrpAAsync(app, phone);

        response.AssertError("NotAuthorizedException", "Incorrect username or password.");
        var line = Assert.Single(logs.Lines, l => l.Contains("no challenge was answered", StringComparison.Ordinal));
        Assert.Contains($"HTTP hook {hooks.BaseUrl}/DefineAuthChallenge", line, StringComparison.Ordinal);
        Assert.Contains("AllowTokensWithoutChallenge", line, StringComparison.Ordinal);
        Assert.Contains("[SRP_A]", line, StringComparison.Ordinal);

        // The same trigger still signs in with its code when the sign-in starts without SRP_A.
        var challenge = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });
        var answer = await app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = challenge.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = challenge.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = "123456" },
        });
        answer.AssertOk();
    }

    [Fact]
    public async Task Seed003Define_SrpAStartInAPoolThatAllowsIt_TokensAsInCognito()
    {
        await using var hooks = await HookServer.StartAsync(Seed003);
        var settings = hooks.Settings(ChallengeTriggers);
        settings[$"Sesame:UserPools:{SesameApp.PoolId}:AllowTokensWithoutChallenge"] = "true";
        using var app = new SesameApp(settings);
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        var response = await StartWithSrpAAsync(app, phone);

        response.AssertOk();
        Assert.NotNull(response.Json["AuthenticationResult"]!["IdToken"]);
    }

    [Fact]
    public async Task SrpAStart_ClientWithoutSrp_InvalidParameter()
    {
        using var app = new SesameApp(new()
        {
            [$"Sesame:UserPools:{SesameApp.PoolId}:Clients:nosrpclient000000000000:ExplicitAuthFlows:0"] = "ALLOW_CUSTOM_AUTH",
        });

        var response = await StartWithSrpAAsync(app, SesameApp.NewPhone(), "nosrpclient000000000000");

        response.AssertError("InvalidParameterException", "USER_SRP_AUTH is not enabled for the client.");
    }
}
