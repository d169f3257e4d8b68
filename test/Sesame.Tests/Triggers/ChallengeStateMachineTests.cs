using System.Text;
using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;
using Sesame.Triggers;
using Sesame.Triggers.Http;

namespace Sesame.Tests.Triggers;

/// <summary>
/// The custom-auth state machine driven through HTTP triggers that answer with Cognito's recorded events
/// (Fixtures/), over the real wire format: Define → Create → Verify → Define, and every way a trigger can fail.
/// </summary>
public sealed class ChallengeStateMachineTests : IAsyncLifetime
{
    private static readonly string[] ChallengeTriggers = ["DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"];

    private HookServer _hooks = null!;
    private SesameApp _app = null!;
    private Func<string, JsonNode, Task<(int, string)>> _handler = (_, e) => Task.FromResult((200, e.ToJsonString()));

    public async Task InitializeAsync()
    {
        _hooks = await HookServer.StartAsync((trigger, e) => _handler(trigger, e));
        _app = new SesameApp(_hooks.Settings(ChallengeTriggers));
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _hooks.DisposeAsync();
    }

    /// <summary>Answers like the tutorials' triggers: one custom challenge, the fixture's Create response, answer compared.</summary>
    private static Task<(int, string)> OneChallenge(string trigger, JsonNode e)
    {
        var response = e["response"]!;
        switch (trigger)
        {
            case "DefineAuthChallenge":
                TutorialDefine.Answer(e);
                break;
            case "CreateAuthChallenge":
                e["response"] = JsonNode.Parse(TriggerEventJsonTests.Fixture("CreateAuthChallenge_Authentication"))!["response"]!.DeepClone();
                break;
            case "VerifyAuthChallengeResponse":
                response["answerCorrect"] = e["request"]!["privateChallengeParameters"]!["answer"]!.GetValue<string>()
                    == e["request"]!["challengeAnswer"]!.GetValue<string>();
                break;
        }

        return Task.FromResult((200, e.ToJsonString()));
    }

    private async Task<(string Phone, string Username)> UserAsync()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        return (phone, phone);
    }

    private Task<CognitoResponse> StartAsync(string login) =>
        _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = login } });

    private Task<CognitoResponse> AnswerAsync(JsonNode challenge, string answer, object? clientMetadata = null) =>
        _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = challenge["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = challenge["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = answer },
            ClientMetadata = clientMetadata,
        });

    [Fact]
    public async Task HttpTriggers_RecordedCognitoAnswers_SignInWithCognitosSessionHistory()
    {
        _handler = OneChallenge;
        var (phone, _) = await UserAsync();

        var challenge = await StartAsync(phone);

        challenge.AssertOk();
        var parameters = challenge.Json["ChallengeParameters"]!.AsObject();
        Assert.Equal("j***@e***", parameters["email"]!.GetValue<string>());
        Assert.Equal(2, parameters.Count); // public parameters plus USERNAME, never the private answer
        Assert.DoesNotContain("123456", challenge.Body, StringComparison.Ordinal);

        var signedIn = await AnswerAsync(challenge.Json, "123456", new { k = "v" });

        signedIn.AssertOk();
        Assert.NotNull(signedIn.Json["AuthenticationResult"]!["IdToken"]);
        var defines = _hooks.For("DefineAuthChallenge").Select(r => r.Json).ToList();
        Assert.Equal(2, defines.Count);
        Assert.Empty(defines[0]["request"]!["session"]!.AsArray());
        Assert.Null(defines[0]["request"]!["clientMetadata"]); // InitiateAuth's ClientMetadata never reaches Define (§3.1)
        var round = defines[1]["request"]!["session"]![0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"challengeName":"CUSTOM_CHALLENGE","challengeResult":true,"challengeMetadata":"CODE-123456"}"""), round));
        Assert.Equal("v", defines[1]["request"]!["clientMetadata"]!["k"]!.GetValue<string>());
        var verify = _hooks.For("VerifyAuthChallengeResponse").Single().Json;
        Assert.Equal("123456", verify["request"]!["privateChallengeParameters"]!["answer"]!.GetValue<string>());
        Assert.Equal("VerifyAuthChallengeResponse_Authentication", verify["triggerSource"]!.GetValue<string>());
        Assert.Equal("us-east-1", verify["region"]!.GetValue<string>());
        Assert.Equal(SesameApp.ClientId, verify["callerContext"]!["clientId"]!.GetValue<string>());
        Assert.Equal(parameters["USERNAME"]!.GetValue<string>(), verify["userName"]!.GetValue<string>());
        Assert.Equal("CONFIRMED", verify["request"]!["userAttributes"]!["cognito:user_status"]!.GetValue<string>());
    }

    [Fact]
    public async Task HttpTriggers_EveryRequest_SignedOverTimestampAndBody()
    {
        _handler = OneChallenge;
        var (phone, _) = await UserAsync();

        (await StartAsync(phone)).AssertOk();

        foreach (var request in _hooks.Requests)
        {
            Assert.True(HttpTriggerSignature.Verify(HookServer.Secret, request.Headers["X-Sesame-Timestamp"], request.Headers["X-Sesame-Signature"],
                request.Body, _app.Clock.GetUtcNow()));
            Assert.Equal(request.Trigger, request.Headers["X-Sesame-Trigger"]);
            Assert.False(HttpTriggerSignature.Verify("another-secret-of-the-same-length-000000000", request.Headers["X-Sesame-Timestamp"],
                request.Headers["X-Sesame-Signature"], request.Body, _app.Clock.GetUtcNow()));
            var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(request.Body).Replace("CUSTOM", "CUSTOx", StringComparison.Ordinal) + " ");
            Assert.False(HttpTriggerSignature.Verify(HookServer.Secret, request.Headers["X-Sesame-Timestamp"], request.Headers["X-Sesame-Signature"],
                tampered, _app.Clock.GetUtcNow()));
            // Replayed after the window: refused.
            Assert.False(HttpTriggerSignature.Verify(HookServer.Secret, request.Headers["X-Sesame-Timestamp"], request.Headers["X-Sesame-Signature"],
                request.Body, _app.Clock.GetUtcNow().AddMinutes(6)));
        }

        Assert.Equal(2, _hooks.Requests.Select(r => r.Headers["X-Sesame-Delivery"]).Distinct().Count());
    }

    [Fact]
    public async Task Define_FailAuthentication_NotAuthorized()
    {
        _handler = (trigger, e) =>
        {
            e["response"]!["failAuthentication"] = true;
            return Task.FromResult((200, e.ToJsonString()));
        };
        var (phone, _) = await UserAsync();

        (await StartAsync(phone)).AssertError("NotAuthorizedException", "Incorrect username or password.");
        Assert.Empty(_hooks.For("CreateAuthChallenge"));
    }

    [Fact]
    public async Task Define_FailAndIssueTokensBoth_FailWins()
    {
        _handler = (trigger, e) =>
        {
            e["response"]!["failAuthentication"] = true;
            e["response"]!["issueTokens"] = true;
            return Task.FromResult((200, e.ToJsonString()));
        };
        var (phone, _) = await UserAsync();

        (await StartAsync(phone)).AssertError("NotAuthorizedException", "Incorrect username or password.");
    }

    [Fact]
    public async Task Define_IssueTokensAtOnce_RefusedUnlessThePoolAllowsIt()
    {
        _handler = (trigger, e) =>
        {
            e["response"]!["issueTokens"] = true;
            return Task.FromResult((200, e.ToJsonString()));
        };
        var (phone, _) = await UserAsync();

        // No challenge was answered: by default no tokens (SrpABypassTests); with AllowTokensWithoutChallenge, Cognito's way.
        (await StartAsync(phone)).AssertError("NotAuthorizedException", "Incorrect username or password.");
        var settings = _hooks.Settings(ChallengeTriggers);
        settings[$"Sesame:UserPools:{SesameApp.PoolId}:AllowTokensWithoutChallenge"] = "true";
        using var allowing = new SesameApp(settings);
        await allowing.CreateConfirmedUserAsync(phone);
        var response = await allowing.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });

        response.AssertOk();
        Assert.NotNull(response.Json["AuthenticationResult"]!["AccessToken"]);
        Assert.Null(response.Json["ChallengeName"]);
    }

    [Fact]
    public async Task Define_UnknownUserAndIssueTokens_NeverTokens()
    {
        _handler = (trigger, e) =>
        {
            e["response"]!["issueTokens"] = true;
            return Task.FromResult((200, e.ToJsonString()));
        };

        (await StartAsync(SesameApp.NewPhone())).AssertError("NotAuthorizedException", "Incorrect username or password.");
        Assert.True(_hooks.For("DefineAuthChallenge").Single().Json["request"]!["userNotFound"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Define_MoreRoundsThanAnyoneConfigured_StoppedAtTheServerCap()
    {
        _handler = (trigger, e) =>
        {
            if (trigger == "DefineAuthChallenge")
            {
                e["response"]!["challengeName"] = "CUSTOM_CHALLENGE"; // never ends the loop
            }

            return Task.FromResult((200, e.ToJsonString()));
        };
        var (phone, _) = await UserAsync();
        var step = await StartAsync(phone);
        var rounds = 1;

        while (step.Status == 200)
        {
            step = await AnswerAsync(step.Json, "000000");
            rounds += step.Status == 200 ? 1 : 0;
            Assert.True(rounds <= 20, "the loop did not stop");
        }

        step.AssertError("NotAuthorizedException", "Incorrect username or password.");
        Assert.Equal(10, rounds);
    }

    [Fact]
    public async Task Define_AnswersNeitherChallengeNorDecision_InvalidLambdaResponse()
    {
        var (phone, _) = await UserAsync();

        (await StartAsync(phone)).AssertError("InvalidLambdaResponseException");
    }

    [Fact]
    public async Task Define_ThrowsBehindItsWrapper_UserLambdaValidationWithItsMessage()
    {
        _handler = (_, _) => Task.FromResult((500, """{"errorType":"Error","errorMessage":"No such customer","trace":[]}"""));
        var (phone, _) = await UserAsync();

        (await StartAsync(phone)).AssertError("UserLambdaValidationException", "DefineAuthChallenge failed with error No such customer.");
    }

    [Fact]
    public async Task Define_ReturnsGarbage_InvalidLambdaResponse()
    {
        _handler = (_, _) => Task.FromResult((200, "<html>not the event</html>"));
        var (phone, _) = await UserAsync();

        (await StartAsync(phone)).AssertError("InvalidLambdaResponseException", "Unrecognizable lambda output");
    }

    [Fact]
    public async Task Define_ReturnsWrongShape_InvalidLambdaResponse()
    {
        _handler = (_, _) => Task.FromResult((200, """{"response":{"issueTokens":{"yes":1}}}"""));
        var (phone, _) = await UserAsync();

        (await StartAsync(phone)).AssertError("InvalidLambdaResponseException", "Unrecognizable lambda output");
    }

    [Fact]
    public async Task Define_AnswerLargerThanTheBound_InvalidLambdaResponse()
    {
        _handler = (_, e) =>
        {
            e["response"]!["challengeName"] = "CUSTOM_CHALLENGE";
            e["padding"] = new string('x', HttpTrigger.MaxResponseBytes);
            return Task.FromResult((200, e.ToJsonString()));
        };
        var (phone, _) = await UserAsync();

        (await StartAsync(phone)).AssertError("InvalidLambdaResponseException", "Unrecognizable lambda output");
    }

    [Fact]
    public async Task Define_NoAnswerWithinFiveSeconds_UnexpectedLambda()
    {
        var (phone, _) = await UserAsync();
        var (reached, answer) = HoldDefineUntilAnswered();

        try
        {
            var response = StartAsync(phone);
            await reached.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(_app.Clock.PendingTimers > 0, "the trigger timeout is armed on the server's clock");
            _app.Clock.Advance(TriggerInvoker.Timeout);

            (await response).AssertError("UnexpectedLambdaException",
                "DefineAuthChallenge invocation failed due to error Socket timeout while invoking Lambda function.");
        }
        finally
        {
            answer.TrySetResult(); // lets the hook's request end, so the hook server stops at once
        }
    }

    [Fact]
    public async Task Define_AnswerJustWithinFiveSeconds_Challenge()
    {
        var (phone, _) = await UserAsync();
        var (reached, answer) = HoldDefineUntilAnswered();

        var response = StartAsync(phone);
        await reached.WaitAsync(TimeSpan.FromSeconds(10));
        _app.Clock.Advance(TriggerInvoker.Timeout - TimeSpan.FromMilliseconds(1));
        answer.SetResult();

        var challenge = await response;
        challenge.AssertOk();
        Assert.Equal("CUSTOM_CHALLENGE", challenge.Json["ChallengeName"]!.GetValue<string>());
    }

    /// <summary>
    /// DefineAuthChallenge answers (as <see cref="OneChallenge"/>) only once the test says so, on a clock whose timers the
    /// test moves: <c>reached</c> completes when the request is at the hook, so the invoker's timeout is armed.
    /// </summary>
    private (Task Reached, TaskCompletionSource Answer) HoldDefineUntilAnswered()
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Clock.TimersFollowClock = true;
        _handler = async (trigger, e) =>
        {
            if (trigger == "DefineAuthChallenge")
            {
                reached.TrySetResult();
                await answer.Task;
            }

            return await OneChallenge(trigger, e);
        };
        return (reached.Task, answer);
    }

    [Fact]
    public async Task Create_ThrowsOnSecondRound_SessionNotAdvancedAndErrorNamed()
    {
        _handler = (trigger, e) =>
        {
            if (trigger == "CreateAuthChallenge" && e["request"]!["session"]!.AsArray().Count > 0)
            {
                return Task.FromResult((500, """{"errorMessage":"SMS provider down"}"""));
            }

            if (trigger == "DefineAuthChallenge")
            {
                e["response"]!["challengeName"] = "CUSTOM_CHALLENGE";
            }

            return Task.FromResult((200, e.ToJsonString()));
        };
        var (phone, _) = await UserAsync();
        var challenge = await StartAsync(phone);

        (await AnswerAsync(challenge.Json, "1")).AssertError("UserLambdaValidationException", "CreateAuthChallenge failed with error SMS provider down.");
    }

    [Fact]
    public async Task InitiateAuth_StartsWithSrpA_DefineSeesPassedSrpARoundAndMayBypassIt()
    {
        // Seeds 001/002: Define answers CUSTOM_CHALLENGE to [SRP_A]; then tokens after the right answer.
        _handler = (trigger, e) =>
        {
            if (trigger == "DefineAuthChallenge")
            {
                var session = e["request"]!["session"]!.AsArray();
                if (session.Count == 1 && session[0]!["challengeName"]!.GetValue<string>() == "SRP_A")
                {
                    e["response"]!["challengeName"] = "CUSTOM_CHALLENGE";
                }
                else
                {
                    e["response"]!["issueTokens"] = session.Count == 2 && session[1]!["challengeResult"]!.GetValue<bool>();
                    e["response"]!["failAuthentication"] = !e["response"]!["issueTokens"]!.GetValue<bool>();
                }

                return Task.FromResult((200, e.ToJsonString()));
            }

            return OneChallenge(trigger, e);
        };
        var (phone, _) = await UserAsync();

        var challenge = await _app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = phone, SRP_A = "abcdef0123456789", CHALLENGE_NAME = "SRP_A" },
        });

        challenge.AssertOk();
        Assert.Equal("CUSTOM_CHALLENGE", challenge.Json["ChallengeName"]!.GetValue<string>());
        var first = _hooks.For("DefineAuthChallenge").First().Json["request"]!["session"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"challengeName":"SRP_A","challengeResult":true,"challengeMetadata":null}]"""), first));
        (await AnswerAsync(challenge.Json, "123456")).AssertOk();
    }

    [Fact]
    public async Task InitiateAuth_DefineAsksForPasswordVerifier_SrpChallenge()
    {
        _handler = (trigger, e) =>
        {
            e["response"]!["challengeName"] = "PASSWORD_VERIFIER";
            return Task.FromResult((200, e.ToJsonString()));
        };
        var (phone, _) = await UserAsync();

        var response = await _app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId,
            AuthFlow = "CUSTOM_AUTH",
            AuthParameters = new { USERNAME = phone, SRP_A = "abcdef0123456789", CHALLENGE_NAME = "SRP_A" },
        });

        response.AssertOk();
        Assert.Equal("PASSWORD_VERIFIER", response.Json["ChallengeName"]!.GetValue<string>());
        foreach (var name in new[] { "SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP" })
        {
            Assert.False(string.IsNullOrEmpty(response.Json["ChallengeParameters"]![name]?.GetValue<string>()), name);
        }
    }
}

/// <summary>An HTTP trigger whose endpoint does not answer at all.</summary>
public sealed class UnreachableTriggerTests
{
    [Fact]
    public async Task Define_EndpointRefusesConnections_UnexpectedLambda()
    {
        var port = FreePort();
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            [$"Sesame:UserPools:{SesameApp.PoolId}:Triggers:DefineAuthChallenge:Url"] = $"http://127.0.0.1:{port}/define",
            [$"Sesame:UserPools:{SesameApp.PoolId}:Triggers:DefineAuthChallenge:Secret"] = HookServer.Secret,
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        var response = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });

        response.AssertError("UnexpectedLambdaException", "DefineAuthChallenge invocation failed due to error Connection refused.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
