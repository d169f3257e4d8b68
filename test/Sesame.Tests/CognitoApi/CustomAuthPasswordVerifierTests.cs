using Microsoft.Extensions.DependencyInjection;
using Sesame.Pools;
using Sesame.SignIn;
using Sesame.SignIn.Passwords;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Triggers;

namespace Sesame.Tests.CognitoApi;

/// <summary>Cognito's documented CUSTOM_WITH_SRP Define: SRP_A → PASSWORD_VERIFIER → tokens if it passed.</summary>
internal sealed class PasswordThenTokens : ITrigger<DefineAuthChallengeEvent>
{
    public List<string> Seen { get; } = [];

    public ValueTask HandleAsync(DefineAuthChallengeEvent triggerEvent, CancellationToken cancellationToken)
    {
        var session = triggerEvent.Request.Session;
        Seen.Add(string.Join(",", session.Select(r => $"{r.ChallengeName}:{r.Result}:{r.ChallengeMetadata ?? "null"}")));
        if (session is [{ ChallengeName: "SRP_A", Result: true }])
        {
            triggerEvent.Response.ChallengeName = "PASSWORD_VERIFIER";
        }
        else if (session is [_, { ChallengeName: "PASSWORD_VERIFIER", Result: true }])
        {
            triggerEvent.Response.IssueTokens = true;
        }
        else
        {
            triggerEvent.Response.FailAuthentication = true;
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The PASSWORD_VERIFIER step inside CUSTOM_AUTH (Amplify's CUSTOM_WITH_SRP): after SRP_A, DefineAuthChallenge asks for
/// PASSWORD_VERIFIER; the answer is checked with SRP and Define is called again with [SRP_A true, PASSWORD_VERIFIER r].
/// The SRP_A start belongs to the CUSTOM_AUTH flow; these tests open the session at the point where Define has answered
/// PASSWORD_VERIFIER, then drive the rest over the wire.
/// </summary>
public sealed class CustomAuthPasswordVerifierTests : IDisposable
{
    private const string Password = "correct horse 42";

    private readonly PasswordThenTokens _define = new();
    private readonly SesameApp _app;

    public CustomAuthPasswordVerifierTests()
    {
        _app = new SesameApp(services: s => s.AddSingleton<ITrigger<DefineAuthChallengeEvent>>(_define));
    }

    public void Dispose() => _app.Dispose();

    private async Task<(string Session, Dictionary<string, string> Parameters)> OpenAsync(string login, SrpClient client)
    {
        var appClient = _app.Services.GetRequiredService<UserPools>().FindClient(SesameApp.ClientId)!;
        var user = await _app.Services.GetRequiredService<IUserStore>().FindAsync(SesameApp.PoolId, login, CancellationToken.None);
        var state = new SignInSessionState
        {
            Kind = "CUSTOM_AUTH",
            ClientId = SesameApp.ClientId,
            Username = user!.Username,
            Login = login,
            History = [new ChallengeResult { ChallengeName = "SRP_A", Result = true }],
        };
        var parameters = await _app.Services.GetRequiredService<SrpChallenges>().AddToSessionAsync(appClient.Pool, user, state, client.AHex, CancellationToken.None);
        var session = await _app.Services.GetRequiredService<SignInSessions>().CreateAsync(appClient, state, [], CancellationToken.None);
        return (session, parameters);
    }

    private async Task<string> SignUpAsync()
    {
        var phone = SesameApp.NewPhone();
        (await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, Password })).AssertOk();
        var code = await _app.CodeAsync(phone);
        (await _app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = code })).AssertOk();
        return phone;
    }

    private Task<CognitoResponse> AnswerAsync(string session, Dictionary<string, string> responses) =>
        _app.CallAsync("RespondToAuthChallenge", new { SesameApp.ClientId, ChallengeName = "PASSWORD_VERIFIER", Session = session, ChallengeResponses = responses });

    [Fact]
    public async Task PasswordVerifier_InCustomAuthRightPassword_DefineSeesBothStepsPassedAndTokensIssued()
    {
        var phone = await SignUpAsync();
        var client = new SrpClient();
        var (session, parameters) = await OpenAsync(phone, client);

        var response = await AnswerAsync(session, client.Answer(SesameApp.PoolId, Password, parameters, _app.Clock.GetUtcNow()));

        response.AssertOk();
        Assert.NotNull(response.Json["AuthenticationResult"]!["AccessToken"]);
        Assert.Equal("SRP_A:True:null,PASSWORD_VERIFIER:True:null", _define.Seen[^1]);
    }

    [Fact]
    public async Task PasswordVerifier_InCustomAuthWrongPassword_DefineSeesFalseAndFailsTheSignIn()
    {
        var phone = await SignUpAsync();
        var client = new SrpClient();
        var (session, parameters) = await OpenAsync(phone, client);

        var response = await AnswerAsync(session, client.Answer(SesameApp.PoolId, Password + "!", parameters, _app.Clock.GetUtcNow()));

        response.AssertError("NotAuthorizedException", "Incorrect username or password.");
        Assert.Equal("SRP_A:True:null,PASSWORD_VERIFIER:False:null", _define.Seen[^1]);
        Assert.Equal(["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"], parameters.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PasswordVerifier_CustomAuthSessionAnsweredAsCustomChallenge_InvalidSession()
    {
        var phone = await SignUpAsync();
        var (session, _) = await OpenAsync(phone, new SrpClient());
        var response = await _app.CallAsync("RespondToAuthChallenge", new
        {
            SesameApp.ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = session,
            ChallengeResponses = new { USERNAME = phone, ANSWER = "123456" },
        });
        response.AssertError("NotAuthorizedException", "Invalid session for the user.");
    }
}
