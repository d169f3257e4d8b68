using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Tests.CognitoApi;
using Sesame.Tests.TestSupport;
using Sesame.Triggers;

namespace Sesame.Tests.Triggers;

/// <summary>
/// Every sign-in flow ends the same way: the user re-read and admitted, PostAuthentication, PreTokenGeneration, tokens.
/// Cognito runs PostAuthentication after each successful authentication, before the user receives tokens, and a
/// trigger that fails stops the sign-in (AWS developer guide, "Post authentication Lambda trigger"); the error is
/// UserLambdaValidationException "PostAuthentication failed with error …", as for every other trigger
/// ("Things to know about Lambda triggers").
/// </summary>
public sealed class PostAuthenticationTests
{
    private const string Password = "correct horse 42";
    private const string BackendClientId = "backendclient000000000000";

    /// <summary>Every flow that ends in tokens, by the name Cognito (or Amplify, for CUSTOM_WITH_SRP) gives it.</summary>
    public static TheoryData<string> Flows =>
    [
        "CUSTOM_AUTH", "USER_AUTH SMS_OTP", "USER_AUTH EMAIL_OTP", "USER_AUTH after ConfirmSignUp", "USER_PASSWORD_AUTH",
        "USER_SRP_AUTH", "CUSTOM_WITH_SRP", "ADMIN_USER_PASSWORD_AUTH", "AdminInitiateAuth CUSTOM_AUTH",
    ];

    /// <summary>What one run of a flow left behind.</summary>
    private sealed record Run(CognitoResponse Last, string Login, string Sub, bool Responded);

    /// <summary>Which trigger ran, in order, and with what.</summary>
    private sealed class Recorder
    {
        public ConcurrentQueue<string> Order { get; } = new();

        public ConcurrentQueue<PostAuthenticationEvent> PostAuthentications { get; } = new();

        public Exception? Refusal { get; init; }

        /// <summary>What the PostAuthentication trigger does besides recording.</summary>
        public Func<PostAuthenticationEvent, ValueTask>? Also { get; set; }
    }

    private sealed class RecordingPostAuthentication(Recorder recorder) : ITrigger<PostAuthenticationEvent>
    {
        public async ValueTask HandleAsync(PostAuthenticationEvent triggerEvent, CancellationToken cancellationToken)
        {
            recorder.Order.Enqueue(triggerEvent.TriggerSource);
            recorder.PostAuthentications.Enqueue(triggerEvent);
            if (recorder.Also is { } also)
            {
                await also(triggerEvent);
            }

            if (recorder.Refusal is { } refusal)
            {
                throw refusal;
            }
        }
    }

    private sealed class RecordingPreTokenGeneration(Recorder recorder) : ITrigger<PreTokenGenerationEvent>
    {
        public ValueTask HandleAsync(PreTokenGenerationEvent triggerEvent, CancellationToken cancellationToken)
        {
            recorder.Order.Enqueue(triggerEvent.TriggerSource);
            return ValueTask.CompletedTask;
        }
    }

    private static SesameApp NewApp(string flow, Recorder recorder) => new(
        new Dictionary<string, string?>
        {
            [$"Sesame:UserPools:{SesameApp.PoolId}:Clients:{BackendClientId}:ExplicitAuthFlows:0"] = "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        },
        services =>
        {
            services.AddSingleton<ITrigger<PostAuthenticationEvent>>(new RecordingPostAuthentication(recorder));
            services.AddSingleton<ITrigger<PreTokenGenerationEvent>>(new RecordingPreTokenGeneration(recorder));
            if (flow == "CUSTOM_WITH_SRP")
            {
                services.AddSingleton<ITrigger<DefineAuthChallengeEvent>, PasswordThenTokens>();
            }
        });

    [Theory]
    [MemberData(nameof(Flows))]
    public async Task PostAuthentication_EveryFlow_RunsWithTheUserThenPreTokenGenerationThenTokens(string flow)
    {
        var recorder = new Recorder();
        using var app = NewApp(flow, recorder);

        var run = await RunAsync(app, flow);

        run.Last.AssertOk();
        Assert.NotNull(run.Last.Json["AuthenticationResult"]!["AccessToken"]);
        Assert.Equal(["PostAuthentication_Authentication", "TokenGeneration_Authentication"], recorder.Order);
        var seen = Assert.Single(recorder.PostAuthentications);
        Assert.Equal(SesameApp.PoolId, seen.UserPoolId);
        Assert.Equal(flow.StartsWith("ADMIN", StringComparison.Ordinal) ? BackendClientId : SesameApp.ClientId, seen.CallerContext.ClientId);
        Assert.Equal(run.Sub, seen.Request.UserAttributes["sub"]);
        Assert.Equal(run.Login, seen.Request.UserAttributes[run.Login.StartsWith('+') ? "phone_number" : "email"]);
        Assert.Equal(IdTokenClaim(run.Last, "cognito:username"), seen.UserName);
        // RespondToAuthChallenge's ClientMetadata reaches PostAuthentication; InitiateAuth's does not (API reference).
        if (run.Responded)
        {
            Assert.Equal("respond", seen.Request.ClientMetadata!["step"]);
        }
        else
        {
            Assert.Null(seen.Request.ClientMetadata);
        }
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public async Task PostAuthentication_Throws_EveryFlowRefusedWithoutTokens(string flow)
    {
        var recorder = new Recorder { Refusal = new InvalidOperationException("Account on hold") };
        using var app = NewApp(flow, recorder);

        var run = await RunAsync(app, flow);

        run.Last.AssertError("UserLambdaValidationException", "PostAuthentication failed with error Account on hold.");
        Assert.Null(run.Last.Json["AuthenticationResult"]);
        // Refused before any token was minted: PreTokenGeneration never ran.
        Assert.Equal(["PostAuthentication_Authentication"], recorder.Order);
    }

    /// <summary>
    /// The user is disabled after the flow last read it (here by the trigger; an operator's AdminDisableUser at that moment
    /// is the same race): the refresh token's write checks the user in the same statement, so no tokens.
    /// </summary>
    [Theory]
    [MemberData(nameof(Flows))]
    public async Task PostAuthentication_UserDisabledMeanwhile_EveryFlowRefusedWithoutTokens(string flow)
    {
        var recorder = new Recorder();
        using var app = NewApp(flow, recorder);
        recorder.Also = async triggerEvent => Assert.True(await app.Services.GetRequiredService<Sesame.Storage.IUserAccountStore>().SetEnabledAsync(
            triggerEvent.UserPoolId, Sesame.Users.Logins.UsernameKey(triggerEvent.UserName), false, DateTimeOffset.UtcNow, CancellationToken.None));

        var run = await RunAsync(app, flow);

        run.Last.AssertError("NotAuthorizedException", "User is disabled.");
        Assert.Null(run.Last.Json["AuthenticationResult"]);
        Assert.Equal(["PostAuthentication_Authentication"], recorder.Order);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public async Task SignIn_UserDisabledBeforeTheLastStep_EveryFlowRefusedWithoutTriggers(string flow)
    {
        var recorder = new Recorder();
        using var app = NewApp(flow, recorder);

        var run = await RunAsync(app, flow, login => app.AdminCallAsync("AdminDisableUser", new { UserPoolId = SesameApp.PoolId, Username = login }));

        run.Last.AssertError("NotAuthorizedException", "User is disabled.");
        Assert.Empty(recorder.Order);
    }

    /// <summary>
    /// Runs <paramref name="flow"/> for a new confirmed user, calling <paramref name="beforeLastStep"/> (with the login)
    /// just before the request that should end in tokens. Every request carries ClientMetadata naming its operation.
    /// </summary>
    private static async Task<Run> RunAsync(SesameApp app, string flow, Func<string, Task<CognitoResponse>>? beforeLastStep = null)
    {
        async Task LastStepAsync(string login)
        {
            if (beforeLastStep is not null)
            {
                (await beforeLastStep(login)).AssertOk();
            }
        }

        var initiateMetadata = new { step = "initiate" };
        var respondMetadata = new { step = "respond" };
        switch (flow)
        {
            case "CUSTOM_AUTH" or "AdminInitiateAuth CUSTOM_AUTH":
            {
                var admin = flow != "CUSTOM_AUTH";
                var phone = SesameApp.NewPhone();
                var sub = await app.CreateConfirmedUserAsync(phone);
                var start = await CallAsync(app, admin, "InitiateAuth", new
                {
                    SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone }, ClientMetadata = initiateMetadata,
                });
                start.AssertOk();
                var code = await app.CodeAsync(phone, 2);
                await LastStepAsync(phone);
                var last = await CallAsync(app, admin, "RespondToAuthChallenge", new
                {
                    SesameApp.ClientId, ChallengeName = "CUSTOM_CHALLENGE", Session = Session(start),
                    ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = code },
                    ClientMetadata = respondMetadata,
                });
                return new Run(last, phone, sub, Responded: true);
            }

            case "USER_AUTH SMS_OTP" or "USER_AUTH EMAIL_OTP":
            {
                var factor = flow["USER_AUTH ".Length..];
                var login = factor == "SMS_OTP" ? SesameApp.NewPhone() : SesameApp.NewEmail();
                var sub = await app.CreateConfirmedUserAsync(login);
                var start = await app.CallAsync("InitiateAuth", new
                {
                    SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = new { USERNAME = login, PREFERRED_CHALLENGE = factor },
                    ClientMetadata = initiateMetadata,
                });
                start.AssertOk();
                Assert.Equal(factor, start.Json["ChallengeName"]!.GetValue<string>());
                var code = await app.CodeAsync(login, 2);
                await LastStepAsync(login);
                var last = await app.CallAsync("RespondToAuthChallenge", new
                {
                    SesameApp.ClientId, ChallengeName = factor, Session = Session(start),
                    ChallengeResponses = new Dictionary<string, string> { ["USERNAME"] = login, [factor + "_CODE"] = code },
                    ClientMetadata = respondMetadata,
                });
                return new Run(last, login, sub, Responded: true);
            }

            case "USER_AUTH after ConfirmSignUp":
            {
                var phone = SesameApp.NewPhone();
                var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone });
                signUp.AssertOk();
                var confirm = await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await app.CodeAsync(phone) });
                confirm.AssertOk();
                await LastStepAsync(phone);
                var last = await app.CallAsync("InitiateAuth", new
                {
                    SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = new { USERNAME = phone }, Session = Session(confirm),
                    ClientMetadata = initiateMetadata,
                });
                return new Run(last, phone, signUp.Json["UserSub"]!.GetValue<string>(), Responded: false);
            }

            case "USER_PASSWORD_AUTH" or "ADMIN_USER_PASSWORD_AUTH":
            {
                var (phone, sub) = await SignUpWithPasswordAsync(app);
                await LastStepAsync(phone);
                var admin = flow != "USER_PASSWORD_AUTH";
                var last = await CallAsync(app, admin, "InitiateAuth", new
                {
                    ClientId = admin ? BackendClientId : SesameApp.ClientId, AuthFlow = flow, AuthParameters = new { USERNAME = phone, PASSWORD = Password },
                    ClientMetadata = initiateMetadata,
                });
                return new Run(last, phone, sub, Responded: false);
            }

            case "USER_SRP_AUTH" or "CUSTOM_WITH_SRP":
            {
                var (phone, sub) = await SignUpWithPasswordAsync(app);
                var srp = new SrpClient();
                var start = await app.CallAsync("InitiateAuth", flow == "USER_SRP_AUTH"
                    ? new { SesameApp.ClientId, AuthFlow = flow, AuthParameters = (object)new { USERNAME = phone, SRP_A = srp.AHex }, ClientMetadata = initiateMetadata }
                    : new
                    {
                        SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = (object)new { USERNAME = phone, CHALLENGE_NAME = "SRP_A", SRP_A = srp.AHex },
                        ClientMetadata = initiateMetadata,
                    });
                start.AssertOk();
                Assert.Equal("PASSWORD_VERIFIER", start.Json["ChallengeName"]!.GetValue<string>());
                var parameters = start.Json["ChallengeParameters"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
                await LastStepAsync(phone);
                var last = await app.CallAsync("RespondToAuthChallenge", new
                {
                    SesameApp.ClientId, ChallengeName = "PASSWORD_VERIFIER", Session = Session(start),
                    ChallengeResponses = srp.Answer(SesameApp.PoolId, Password, parameters, app.Clock.GetUtcNow()),
                    ClientMetadata = respondMetadata,
                });
                return new Run(last, phone, sub, Responded: true);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(flow), flow, "No such flow in this test.");
        }
    }

    private static async Task<(string Phone, string Sub)> SignUpWithPasswordAsync(SesameApp app)
    {
        var phone = SesameApp.NewPhone();
        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password });
        signUp.AssertOk();
        (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await app.CodeAsync(phone) })).AssertOk();
        return (phone, signUp.Json["UserSub"]!.GetValue<string>());
    }

    /// <summary>The public operation, or its Admin twin with the pool id added (signed as a back end).</summary>
    private static Task<CognitoResponse> CallAsync(SesameApp app, bool admin, string operation, object body)
    {
        if (!admin)
        {
            return app.CallAsync(operation, body);
        }

        var request = JsonSerializer.SerializeToNode(body)!.AsObject();
        request["UserPoolId"] = SesameApp.PoolId;
        return app.AdminCallAsync("Admin" + operation, request.ToJsonString());
    }

    private static string Session(CognitoResponse response) => response.Json["Session"]!.GetValue<string>();

    private static string IdTokenClaim(CognitoResponse signedIn, string claim)
    {
        var payload = signedIn.Json["AuthenticationResult"]!["IdToken"]!.GetValue<string>().Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonNode.Parse(Convert.FromBase64String(payload + new string('=', (4 - (payload.Length % 4)) % 4)))![claim]!.GetValue<string>();
    }
}
