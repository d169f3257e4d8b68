using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tokens;
using Sesame.Triggers;
using Sesame.Users;

namespace Sesame.SignIn;

/// <summary>
/// The one way every sign-in ends (custom auth, USER_AUTH codes and the sign-in after ConfirmSignUp, USER_PASSWORD_AUTH
/// and its admin twin, USER_SRP_AUTH, CUSTOM_WITH_SRP): the user is re-read and admitted, PostAuthentication runs, and
/// the tokens are minted (PreTokenGeneration, <c>TokenGeneration_Authentication</c>, inside <see cref="TokenIssuer"/>).
/// Cognito runs PostAuthentication after every successful authentication, and a trigger that throws refuses the
/// sign-in (AWS developer guide, "Post authentication Lambda trigger"). Refreshes do not come here: Cognito runs only
/// PreTokenGeneration for them (<c>TokenGeneration_RefreshTokens</c>).
/// </summary>
internal sealed class SignInCompletion(
    IUserStore users, TriggerInvoker triggers, TokenIssuer tokens, SignInSessions sessions, Passwords.PasswordHistory passwordHistory)
{
    /// <summary>
    /// The user behind a session, re-read at each step (they may have been deleted or disabled meanwhile) and admitted,
    /// checked against the name the client answered with; null for a user that does not exist (its session carries a
    /// stand-in name and can never end in tokens).
    /// </summary>
    public async ValueTask<User?> SessionUserAsync(AppClient client, SignInSessionState state, string username, CancellationToken cancellationToken)
    {
        User? user = null;
        if (!state.UserNotFound)
        {
            user = await users.FindAsync(client.Pool.Id, state.Username, cancellationToken) ?? throw CognitoErrors.IncorrectUsernameOrPassword();
            Admit(user);
        }

        // ChallengeResponses.USERNAME may be the canonical name (Amplify) or what the user typed (the legacy library).
        return Names(state, user).Contains(username) ? user : throw CognitoErrors.InvalidSession();
    }

    /// <summary>
    /// Ends a sign-in that <paramref name="authenticated"/> has passed: re-reads the user (the triggers that ran since
    /// the flow read it may have changed, disabled or deleted it), admits it, runs PostAuthentication, and issues tokens.
    /// A user with a temporary password (<c>FORCE_CHANGE_PASSWORD</c>) gets Cognito's <c>NEW_PASSWORD_REQUIRED</c>
    /// challenge instead, in every flow; its answer comes back here once the new password is stored.
    /// </summary>
    /// <param name="clientMetadata">RespondToAuthChallenge's ClientMetadata; null after InitiateAuth, whose ClientMetadata
    /// Cognito gives to neither PostAuthentication nor PreTokenGeneration (API reference, InitiateAuth, "ClientMetadata").</param>
    public ValueTask<SignInStep> CompleteAsync(
        AppClient client, User authenticated, Dictionary<string, string>? clientMetadata, string issuerOrigin, CancellationToken cancellationToken) =>
        FinishAsync(client, authenticated, reread: true, clientMetadata, issuerOrigin, cancellationToken);

    /// <summary>
    /// <see cref="CompleteAsync"/> for a user that this request read and admitted (<see cref="SessionUserAsync"/>) with
    /// nothing run since that changes users (no trigger, or only the built-in ones: <see cref="TriggerInvoker.IsBuiltInOrNone"/>):
    /// it is not read again. A disable or delete meanwhile is still refused, by the refresh token's write, which checks the
    /// user in the same statement; the refusal then reads the user once more, for Cognito's words.
    /// </summary>
    public ValueTask<SignInStep> CompleteCurrentAsync(
        AppClient client, User current, Dictionary<string, string>? clientMetadata, string issuerOrigin, CancellationToken cancellationToken) =>
        FinishAsync(client, current, reread: false, clientMetadata, issuerOrigin, cancellationToken);

    /// <summary>
    /// <see cref="CompleteAsync"/> without tokens, for the hosted sign-in page: the code flow mints them when the
    /// authorization code is redeemed. With <paramref name="issuerOrigin"/> null the step is <see cref="SignInStep.Authenticated"/>.
    /// </summary>
    public async ValueTask<SignInStep> CompleteOrAuthenticateAsync(
        AppClient client, User authenticated, Dictionary<string, string>? clientMetadata, string? issuerOrigin, CancellationToken cancellationToken) =>
        issuerOrigin is null
            ? await AuthenticateAsync(client, authenticated, reread: true, clientMetadata, cancellationToken)
            : await CompleteAsync(client, authenticated, clientMetadata, issuerOrigin, cancellationToken);

    private async ValueTask<SignInStep> FinishAsync(
        AppClient client, User authenticated, bool reread, Dictionary<string, string>? clientMetadata, string issuerOrigin,
        CancellationToken cancellationToken)
    {
        var step = await AuthenticateAsync(client, authenticated, reread, clientMetadata, cancellationToken);
        if (step is not SignInStep.Authenticated { User: var user })
        {
            return step;
        }

        return new SignInStep.SignedIn(await tokens.IssueAsync(user, client, issuerOrigin, clientMetadata, cancellationToken)
            ?? throw await RefusedAsync(client, user, cancellationToken));
    }

    /// <summary>
    /// The user re-read (unless <paramref name="reread"/> is false) and admitted, and PostAuthentication run:
    /// <see cref="SignInStep.Authenticated"/>, or NEW_PASSWORD_REQUIRED.
    /// </summary>
    private async ValueTask<SignInStep> AuthenticateAsync(
        AppClient client, User authenticated, bool reread, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var user = reread ? await users.FindAsync(client.Pool.Id, authenticated.Username, cancellationToken) : authenticated;
        if (user is null || user.Sub != authenticated.Sub)
        {
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        Admit(user);
        if (user.Status == UserStatus.ForceChangePassword)
        {
            // Every flow, code sign-ins too (UNCONFIRMED): an account nobody claimed in time waits for its administrator.
            passwordHistory.EnsureTemporaryPasswordValid(client.Pool, user);
            return await NewPasswordRequiredAsync(client, user, cancellationToken);
        }

        var postAuthentication = new PostAuthenticationEvent
        {
            Request = new PostAuthenticationRequest { UserAttributes = User.EventAttributes(user), ClientMetadata = clientMetadata },
        };
        postAuthentication.Address("PostAuthentication_Authentication", client, user.Username);
        // A throwing trigger becomes UserLambdaValidationException "PostAuthentication failed with error …" (TriggerInvoker).
        await triggers.InvokeAsync("PostAuthentication", postAuthentication, cancellationToken);
        return new SignInStep.Authenticated(user);
    }

    /// <summary>
    /// The refresh token's write found the user disabled, deleted or replaced (another sub) since it was read, so no tokens:
    /// Cognito's words for which.
    /// </summary>
    private async ValueTask<CognitoException> RefusedAsync(AppClient client, User user, CancellationToken cancellationToken) =>
        await users.FindAsync(client.Pool.Id, user.Username, cancellationToken) is { Enabled: false } now && now.Sub == user.Sub
            ? CognitoErrors.UserDisabled()
            : CognitoErrors.IncorrectUsernameOrPassword();

    /// <summary>
    /// Disabled and unconfirmed users get no challenge and no tokens. A user with a temporary password is let through
    /// to <c>NEW_PASSWORD_REQUIRED</c>. A user whose password an administrator reset (<c>RESET_REQUIRED</c>) gets
    /// Cognito's <c>PasswordResetRequiredException</c> in every flow, which Amplify turns into its RESET_PASSWORD step.
    /// </summary>
    public static void Admit(User user)
    {
        if (!user.Enabled)
        {
            throw CognitoErrors.UserDisabled();
        }

        if (user.Status == UserStatus.ResetRequired)
        {
            throw CognitoErrors.Error(CognitoErrors.PasswordResetRequired, "Password reset required for the user");
        }

        if (!user.IsConfirmed && user.Status != UserStatus.ForceChangePassword)
        {
            throw CognitoErrors.Error(CognitoErrors.UserNotConfirmed, "User is not confirmed.");
        }
    }

    /// <summary>
    /// Cognito's NEW_PASSWORD_REQUIRED: <c>USER_ID_FOR_SRP</c>, the attributes the pool requires that the user lacks
    /// (<c>requiredAttributes</c>, a JSON array of <c>userAttributes.&lt;name&gt;</c> from the pool's <c>Schema</c>) and the user's attributes
    /// (<c>userAttributes</c>, a JSON object of the writable ones: amazon-cognito-identity-js hands it to the app).
    /// </summary>
    private async ValueTask<SignInStep> NewPasswordRequiredAsync(AppClient client, User user, CancellationToken cancellationToken)
    {
        var state = new SignInSessionState
        {
            Kind = SignInSessionState.NewPasswordRequiredKind,
            Username = user.Username,
            Login = user.Username,
            ChallengeName = ChallengeNames.NewPasswordRequired,
        };
        var session = await sessions.CreateAsync(client, state, [], cancellationToken);
        var attributes = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in user.Attributes)
        {
            if (name is not (UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified))
            {
                attributes[name] = value;
            }
        }

        return new SignInStep.Challenge(ChallengeNames.NewPasswordRequired, session, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["USER_ID_FOR_SRP"] = user.Username,
            ["requiredAttributes"] = new System.Text.Json.Nodes.JsonArray([.. AttributeSchema.MissingRequired(client.Pool, user)
                .Select(name => (System.Text.Json.Nodes.JsonNode?)("userAttributes." + name))]).ToJsonString(),
            ["userAttributes"] = attributes.ToJsonString(),
        });
    }

    /// <summary>Every name a client may use for the user in a later step: canonical, typed, or an alias.</summary>
    public static HashSet<string> Names(SignInSessionState state, User? user)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { state.Username, state.Login };
        if (user?.PhoneNumber is { } phone)
        {
            names.Add(phone);
        }

        if (user?.Email is { } email)
        {
            names.Add(email);
        }

        return names;
    }
}
