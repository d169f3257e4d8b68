using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tokens;
using Sesame.Triggers;
using Sesame.Users;

namespace Sesame.SignIn;

/// <summary>The outcome of one step of a sign-in. Failures are <see cref="CognitoException"/>s.</summary>
internal abstract record SignInStep
{
    public sealed record Challenge(string ChallengeName, string Session, Dictionary<string, string> Parameters) : SignInStep
    {
        /// <summary>USER_AUTH's SELECT_CHALLENGE: the factors the user may pick.</summary>
        public IReadOnlyList<string>? AvailableChallenges { get; init; }
    }

    public sealed record SignedIn(AuthenticationResult Tokens) : SignInStep;

    /// <summary>The hosted sign-in page's end: the user is authenticated (PostAuthentication ran); tokens come later from /oauth2/token.</summary>
    public sealed record Authenticated(User User) : SignInStep;
}

/// <summary>
/// Cognito's custom authentication loop
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-challenge.html), with no HTTP in it:
/// DefineAuthChallenge decides, CreateAuthChallenge makes the challenge, VerifyAuthChallengeResponse checks the
/// answer, and DefineAuthChallenge decides again from the updated session history. The built-in one-time-code flow
/// is simply the default set of those triggers.
/// </summary>
internal sealed partial class CustomAuthFlow(
    IUserStore users,
    SignInSessions sessions,
    TriggerInvoker triggers,
    SignInCompletion completion,
    Pseudonyms pseudonyms,
    Passwords.SrpChallenges srp,
    ILogger<CustomAuthFlow> logger)
{
    // A server-side cap on rounds, whatever the Define trigger says (Cognito has none we know of; a trigger that never
    // ends the loop must not let a client guess forever). NIST SP 800-63B §3.2.2 caps consecutive failures at 100.
    public const int MaxRounds = 10;

    /// <summary>
    /// Starts CUSTOM_AUTH. With <paramref name="srpA"/> (<c>CHALLENGE_NAME: SRP_A</c>, Amplify's CUSTOM_WITH_SRP) the session
    /// history starts as <c>[{SRP_A, true, null}]</c>, as in Cognito, and DefineAuthChallenge decides: a custom challenge
    /// (the tutorials' bypass) or PASSWORD_VERIFIER.
    /// </summary>
    public async ValueTask<SignInStep> StartAsync(AppClient client, string login, string? srpA, string issuerOrigin, CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        // An alias that is not verified (pools with AliasAttributes) signs no one in: the user is unknown by it.
        var user = AttributeSchema.SignInMatch(pool, await users.FindAsync(pool.Id, login, cancellationToken), login);
        if (user is { IsConfirmed: false, Enabled: true } && pool.StrictEnumeration)
        {
            // The strict mode: an unconfirmed account signs in exactly like one that does not exist (no code, no
            // UserNotConfirmedException); a new sign-up of the number replaces it anyway.
            user = null;
        }

        if (user is null && !pool.Options.PreventUserExistenceErrors)
        {
            throw CognitoErrors.UserDoesNotExist();
        }

        if (user is not null)
        {
            SignInCompletion.Admit(user);
        }

        var state = new SignInSessionState
        {
            Kind = "CUSTOM_AUTH",
            ClientId = client.ClientId,
            Username = user?.Username ?? pseudonyms.Username(pool.Id, login),
            Login = login,
            UserNotFound = user is null,
            SrpA = srpA,
        };
        if (srpA is not null)
        {
            // The user-pool-lambda-define-auth-challenge guide: with SRP the first Define sees the SRP_A step as passed.
            state.History.Add(new ChallengeResult { ChallengeName = ChallengeNames.SrpA, Result = true, ChallengeMetadata = null });
        }

        // Cognito forwards InitiateAuth's ClientMetadata to none of the challenge triggers (§3.1).
        return await AdvanceAsync(client, user, userCurrent: true, state, clientMetadata: null, issuerOrigin, cancellationToken);
    }

    public async ValueTask<SignInStep> RespondAsync(
        AppClient client, string challengeName, string session, string username, string answer,
        Dictionary<string, string>? clientMetadata, string issuerOrigin, CancellationToken cancellationToken)
    {
        var state = await sessions.TakeAsync(client, session, cancellationToken);
        if (state.Kind != "CUSTOM_AUTH" || state.ChallengeName != challengeName)
        {
            throw CognitoErrors.InvalidSession();
        }

        // Fresh attributes for the triggers; the user may have been deleted or disabled meanwhile.
        var user = await completion.SessionUserAsync(client, state, username, cancellationToken);
        var verify = new VerifyAuthChallengeResponseEvent
        {
            Request = new VerifyAuthChallengeResponseRequest
            {
                UserAttributes = User.EventAttributes(user),
                PrivateChallengeParameters = state.PrivateParameters,
                ChallengeAnswer = answer,
                ClientMetadata = clientMetadata,
                UserNotFound = state.UserNotFound,
            },
        };
        Prepare(verify, "VerifyAuthChallengeResponse_Authentication", client, state);
        await triggers.InvokeAsync("VerifyAuthChallengeResponse", verify, cancellationToken);

        state.History[^1].Result = verify.Response.AnswerCorrect && !state.UserNotFound;
        state.PrivateParameters = [];
        // The built-in Verify changes no user: the user read above is still the one to complete with.
        var userCurrent = triggers.IsBuiltInOrNone<VerifyAuthChallengeResponseEvent>(client.Pool.Id, "VerifyAuthChallengeResponse");
        return await AdvanceAsync(client, user, userCurrent, state, clientMetadata, issuerOrigin, cancellationToken);
    }

    /// <summary>
    /// Continues after a step that is answered outside this class (the SRP <c>PASSWORD_VERIFIER</c>, which
    /// <see cref="Passwords.PasswordSignIn"/> checks and records in the history): DefineAuthChallenge decides again.
    /// </summary>
    internal ValueTask<SignInStep> ContinueAsync(
        AppClient client, User? user, SignInSessionState state, Dictionary<string, string>? clientMetadata, string issuerOrigin,
        CancellationToken cancellationToken) =>
        AdvanceAsync(client, user, userCurrent: false, state, clientMetadata, issuerOrigin, cancellationToken);

    /// <param name="userCurrent">True when <paramref name="user"/> was read and admitted in this request and nothing that
    /// may change users ran since; with a built-in DefineAuthChallenge too, the sign-in completes without reading it again.</param>
    private async ValueTask<SignInStep> AdvanceAsync(
        AppClient client, User? user, bool userCurrent, SignInSessionState state, Dictionary<string, string>? clientMetadata,
        string issuerOrigin, CancellationToken cancellationToken)
    {
        var define = new DefineAuthChallengeEvent
        {
            Request = new DefineAuthChallengeRequest
            {
                UserAttributes = User.EventAttributes(user),
                Session = state.History,
                ClientMetadata = clientMetadata,
                UserNotFound = state.UserNotFound,
            },
        };
        Prepare(define, "DefineAuthChallenge_Authentication", client, state);
        await triggers.InvokeAsync("DefineAuthChallenge", define, cancellationToken);

        var decision = define.Response;
        if (decision.FailAuthentication)
        {
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        if (decision.IssueTokens)
        {
            // A user that does not exist never gets tokens, whatever a trigger says.
            if (user is null)
            {
                throw CognitoErrors.IncorrectUsernameOrPassword();
            }

            // Nor does a sign-in in which nothing was answered: SRP_A's "passed" step proves nothing (any client can
            // send any SRP_A), and a trigger that issues tokens on it (seed 003's) signs anyone in with no code.
            if (!state.History.Any(r => r.ChallengeName != ChallengeNames.SrpA && r.Result) && !client.Pool.Options.AllowTokensWithoutChallenge)
            {
                Log.TokensWithoutChallenge(logger, client.Pool.Id, triggers.Describe<DefineAuthChallengeEvent>(client.Pool.Id, "DefineAuthChallenge"),
                    string.Join(",", state.History.Select(r => r.ChallengeName)));
                throw CognitoErrors.IncorrectUsernameOrPassword();
            }

            return userCurrent && triggers.IsBuiltInOrNone<DefineAuthChallengeEvent>(client.Pool.Id, "DefineAuthChallenge")
                ? await completion.CompleteCurrentAsync(client, user, clientMetadata, issuerOrigin, cancellationToken)
                : await completion.CompleteAsync(client, user, clientMetadata, issuerOrigin, cancellationToken);
        }

        if (state.History.Count >= MaxRounds)
        {
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        if (decision.ChallengeName == ChallengeNames.PasswordVerifier && state.History is [{ ChallengeName: ChallengeNames.SrpA }])
        {
            return await PasswordVerifierAsync(client, user, state, cancellationToken);
        }

        if (decision.ChallengeName != ChallengeNames.CustomChallenge)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidLambdaResponse,
                decision.ChallengeName is null
                    ? "DefineAuthChallenge returned neither a challenge, issueTokens nor failAuthentication."
                    : $"DefineAuthChallenge returned an unsupported challenge: {decision.ChallengeName}.");
        }

        var create = new CreateAuthChallengeEvent
        {
            Request = new CreateAuthChallengeRequest
            {
                UserAttributes = User.EventAttributes(user),
                ChallengeName = decision.ChallengeName,
                Session = state.History,
                ClientMetadata = clientMetadata,
                UserNotFound = state.UserNotFound,
            },
        };
        Prepare(create, "CreateAuthChallenge_Authentication", client, state);
        await triggers.InvokeAsync("CreateAuthChallenge", create, cancellationToken);

        state.History.Add(new ChallengeResult
        {
            ChallengeName = decision.ChallengeName,
            Result = false,
            ChallengeMetadata = create.Response.ChallengeMetadata,
        });
        state.ChallengeName = decision.ChallengeName;
        state.PrivateParameters = create.Response.PrivateChallengeParameters;

        var parameters = new Dictionary<string, string>(create.Response.PublicChallengeParameters, StringComparer.Ordinal)
        {
            // Cognito adds the canonical username; Amplify answers with it.
            ["USERNAME"] = state.Username,
        };

        var session = await sessions.CreateAsync(client, state, create.PendingMessages, cancellationToken);
        return new SignInStep.Challenge(decision.ChallengeName, session, parameters);
    }

    /// <summary>
    /// DefineAuthChallenge answered PASSWORD_VERIFIER right after SRP_A (CUSTOM_WITH_SRP): the SRP challenge is made from
    /// <see cref="SignInSessionState.SrpA"/> (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP; §2.5.2) and recorded in the history;
    /// its answer (<c>PasswordSignIn.RespondToPasswordVerifierAsync</c>) sets the result and calls Define again.
    /// </summary>
    private async ValueTask<SignInStep> PasswordVerifierAsync(AppClient client, User? user, SignInSessionState state, CancellationToken cancellationToken)
    {
        Passwords.PasswordSignIn.EnsureEnabled(client.Pool);
        var parameters = await srp.AddToSessionAsync(client.Pool, user, state, state.SrpA!, cancellationToken);
        var session = await sessions.CreateAsync(client, state, [], cancellationToken);
        return new SignInStep.Challenge(ChallengeNames.PasswordVerifier, session, parameters);
    }

    private static void Prepare(TriggerEvent triggerEvent, string source, AppClient client, SignInSessionState state)
    {
        triggerEvent.Address(source, client, state.Username);
        triggerEvent.SignInLogin = state.Login;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "DefineAuthChallenge ({Trigger}) of pool {PoolId} issued tokens although no challenge was answered in this sign-in (session: [{History}]); refused. Fix the trigger, or set UserPools:{PoolId}:AllowTokensWithoutChallenge to allow it as Cognito does.")]
        public static partial void TokensWithoutChallenge(ILogger logger, string poolId, string trigger, string history);
    }
}
