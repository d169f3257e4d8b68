using Sesame.CognitoApi;
using Sesame.Configuration;
using Sesame.Storage;
using Sesame.Tokens;

namespace Sesame.SignIn;

/// <summary>
/// Cognito's choice-based <c>USER_AUTH</c> flow. With the <c>Session</c> that ConfirmSignUp returned, the confirmation
/// code was the sign-in factor: tokens come at once, one SMS in all (the model doc on InitiateAuthRequest.Session).
/// </summary>
internal sealed class UserAuthFlow(IUserStore users, SignInSessions sessions, TokenIssuer tokens)
{
    public async ValueTask<SignInStep> SignInAfterConfirmationAsync(
        AppClient client, string login, string session, string issuerOrigin, CancellationToken cancellationToken)
    {
        var state = await sessions.TakeAsync(client, session, cancellationToken);
        if (state.Kind != AuthSessionState.SignUpConfirmedKind)
        {
            throw CognitoErrors.InvalidSession();
        }

        var user = await users.FindAsync(client.Pool.Id, state.Username, cancellationToken) ?? throw CognitoErrors.InvalidSession();
        CustomAuthFlow.Admit(user);
        if (!CustomAuthFlow.Names(state, user).Contains(login))
        {
            throw CognitoErrors.InvalidSession();
        }

        return new SignInStep.SignedIn(await tokens.IssueAsync(user, client, issuerOrigin, cancellationToken));
    }
}
