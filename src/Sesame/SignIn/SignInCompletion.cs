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
internal sealed class SignInCompletion(IUserStore users, TriggerInvoker triggers, TokenIssuer tokens)
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
    /// </summary>
    /// <param name="clientMetadata">RespondToAuthChallenge's ClientMetadata; null after InitiateAuth, whose ClientMetadata
    /// Cognito gives to neither PostAuthentication nor PreTokenGeneration (API reference, InitiateAuth, "ClientMetadata").</param>
    public async ValueTask<SignInStep.SignedIn> CompleteAsync(
        AppClient client, User authenticated, Dictionary<string, string>? clientMetadata, string issuerOrigin, CancellationToken cancellationToken)
    {
        var user = await AuthenticateAsync(client, authenticated, clientMetadata, cancellationToken);
        return new SignInStep.SignedIn(await tokens.IssueAsync(user, client, issuerOrigin, clientMetadata, cancellationToken));
    }

    /// <summary>
    /// <see cref="CompleteAsync"/> without tokens, for the hosted sign-in page: the code flow mints them when the
    /// authorization code is redeemed. With <paramref name="issuerOrigin"/> null the step is <see cref="SignInStep.Authenticated"/>.
    /// </summary>
    public async ValueTask<SignInStep> CompleteOrAuthenticateAsync(
        AppClient client, User authenticated, Dictionary<string, string>? clientMetadata, string? issuerOrigin, CancellationToken cancellationToken) =>
        issuerOrigin is null
            ? new SignInStep.Authenticated(await AuthenticateAsync(client, authenticated, clientMetadata, cancellationToken))
            : await CompleteAsync(client, authenticated, clientMetadata, issuerOrigin, cancellationToken);

    private async ValueTask<User> AuthenticateAsync(
        AppClient client, User authenticated, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(client.Pool.Id, authenticated.Username, cancellationToken);
        if (user is null || user.Sub != authenticated.Sub)
        {
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        Admit(user);
        var postAuthentication = new PostAuthenticationEvent
        {
            Request = new PostAuthenticationRequest { UserAttributes = User.EventAttributes(user), ClientMetadata = clientMetadata },
        };
        postAuthentication.Address("PostAuthentication_Authentication", client, user.Username);
        // A throwing trigger becomes UserLambdaValidationException "PostAuthentication failed with error …" (TriggerInvoker).
        await triggers.InvokeAsync("PostAuthentication", postAuthentication, cancellationToken);
        return user;
    }

    /// <summary>Disabled and unconfirmed users get no challenge and no tokens.</summary>
    public static void Admit(User user)
    {
        if (!user.Enabled)
        {
            throw CognitoErrors.UserDisabled();
        }

        if (!user.IsConfirmed)
        {
            throw CognitoErrors.Error(CognitoErrors.UserNotConfirmed, "User is not confirmed.");
        }
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
