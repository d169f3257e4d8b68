using Sesame.Cognito;
using Sesame.Pools;
using Sesame.SignIn;
using Sesame.SignIn.Passwords;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.SignUp;

/// <summary>
/// Where a one-time code sign-in through the hosted page stands between two requests: kept by the page (sealed), handed
/// back with each answer. <see cref="Kind"/> is <c>signin</c> (a USER_AUTH code challenge) or <c>signup</c> (a sign-up
/// confirmation code that, answered, confirms the account and signs in).
/// </summary>
internal sealed record CodeSignInState(
    string Kind, string Login, string? Username, string? Session, string? ChallengeName, string Destination, string Medium,
    DateTimeOffset SentAt, DateTimeOffset ExpiresAt, int AttemptsLeft)
{
    public const string SignInKind = "signin";
    public const string SignUpKind = "signup";

    /// <summary>The code was right and the user has a temporary password: <see cref="Session"/> is NEW_PASSWORD_REQUIRED's.</summary>
    public const string NewPasswordKind = "newpassword";
}

/// <summary>A right code's outcome: the signed-in user, or the step that asks a user with a temporary password for a new one.</summary>
internal sealed record CodeSignInAnswer(User? User, CodeSignInState? NewPasswordStep);

/// <summary>
/// "Sign in or sign up with the same code": a known, confirmed user gets a sign-in code (USER_AUTH SMS_OTP / EMAIL_OTP);
/// an unknown (or abandoned, UNCONFIRMED) login gets a sign-up code where the pool allows sign-up, and answering it creates
/// the confirmed account and signs in with the Session ConfirmSignUp returns — one message in all. Both go through the
/// same flows, limits and code issuer as the Cognito API. The answer to an unknown login where sign-up is closed is the
/// stand-in challenge USER_AUTH gives unknown users, so the page reveals nothing about who has an account. An UNCONFIRMED
/// user where sign-up is closed gets a new confirmation code (ResendConfirmationCode) with the same outcome; a user with a
/// temporary password (FORCE_CHANGE_PASSWORD) signs in with a code and then chooses a password (NEW_PASSWORD_REQUIRED).
/// </summary>
internal sealed class SignInOrSignUp(IUserStore users, UserAuthFlow userAuth, SignUpFlow signUp, PasswordSignIn passwords, TimeProvider time)
{
    public async ValueTask<CodeSignInState> StartAsync(AppClient client, string login, CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        var user = await users.FindAsync(pool.Id, login, cancellationToken);
        if (user is { Status: UserStatus.Unconfirmed } && pool.Options.AllowAdminCreateUserOnly)
        {
            return SignUpStep(client, login, await signUp.ResendAsync(client, login, clientMetadata: null, cancellationToken));
        }

        if ((user is null || user.Status == UserStatus.Unconfirmed) && !pool.Options.AllowAdminCreateUserOnly)
        {
            var result = await signUp.SignUpAsync(client, login, password: null, Attributes(login), validationData: null, clientMetadata: null, cancellationToken);
            if (result.CodeDeliveryDetails is { } delivery)
            {
                return SignUpStep(client, login, delivery);
            }

            // PreSignUp confirmed the user at once: no code went out, so sign in as a known user.
        }

        return await StartSignInAsync(client, login, cancellationToken);
    }

    /// <summary>A new code for the same login (the send limits decide whether it goes out).</summary>
    public async ValueTask<CodeSignInState> ResendAsync(AppClient client, CodeSignInState state, CancellationToken cancellationToken)
    {
        if (state.Kind == CodeSignInState.SignUpKind)
        {
            return SignUpStep(client, state.Login, await signUp.ResendAsync(client, state.Login, clientMetadata: null, cancellationToken));
        }

        return await StartSignInAsync(client, state.Login, cancellationToken);
    }

    /// <summary>
    /// Checks the code: the authenticated user (PostAuthentication ran) or, for a user with a temporary password, the
    /// step that asks for a new one; or a <see cref="CognitoException"/> — <c>CodeMismatchException</c> while attempts
    /// remain, <c>ExpiredCodeException</c>, <c>NotAuthorizedException</c> when the sign-in is over.
    /// </summary>
    public async ValueTask<CodeSignInAnswer> AnswerAsync(AppClient client, CodeSignInState state, string code, CancellationToken cancellationToken)
    {
        SignInStep step;
        if (state.Kind == CodeSignInState.SignUpKind)
        {
            var session = await signUp.ConfirmAsync(client, state.Login, code, forceAliasCreation: false, clientMetadata: null, cancellationToken);
            step = await userAuth.SignInAfterConfirmationAsync(client, state.Login, session, issuerOrigin: null, cancellationToken);
        }
        else
        {
            step = await userAuth.AnswerCodeAsync(client, state.ChallengeName!, state.Session!, state.Username!, code, clientMetadata: null,
                issuerOrigin: null, cancellationToken);
        }

        return step switch
        {
            SignInStep.Authenticated authenticated => new CodeSignInAnswer(authenticated.User, null),
            SignInStep.Challenge { ChallengeName: ChallengeNames.NewPasswordRequired } challenge => new CodeSignInAnswer(null, state with
            {
                Kind = CodeSignInState.NewPasswordKind,
                Session = challenge.Session,
                ChallengeName = challenge.ChallengeName,
                Username = challenge.Parameters["USER_ID_FOR_SRP"],
            }),
            _ => throw CognitoErrors.InvalidSession(),
        };
    }

    /// <summary>
    /// NEW_PASSWORD_REQUIRED's answer for a user with a temporary password who gave the right code: the new password is
    /// stored (the pool's policy decides; <c>InvalidPasswordException</c> leaves the step open) and the user is signed in.
    /// </summary>
    public async ValueTask<User> SetNewPasswordAsync(AppClient client, CodeSignInState state, string newPassword, CancellationToken cancellationToken)
    {
        if (state.Kind != CodeSignInState.NewPasswordKind)
        {
            throw CognitoErrors.InvalidSession();
        }

        var step = await passwords.RespondToNewPasswordAsync(client, state.Session!, state.Username!, newPassword, new Dictionary<string, string>(), clientMetadata: null, issuerOrigin: null,
            cancellationToken);
        return step is SignInStep.Authenticated authenticated ? authenticated.User : throw CognitoErrors.InvalidSession();
    }

    private CodeSignInState SignUpStep(AppClient client, string login, CodeDeliveryDetails delivery)
    {
        var now = time.GetUtcNow();
        var code = client.Pool.Options.ConfirmationCode;
        return new CodeSignInState(CodeSignInState.SignUpKind, login, null, null, null, delivery.Destination, delivery.DeliveryMedium,
            now, now + code.Lifetime, code.MaxAttempts);
    }

    private async ValueTask<CodeSignInState> StartSignInAsync(AppClient client, string login, CancellationToken cancellationToken)
    {
        var preferred = UserAttributes.IsPhoneNumber(login) ? UserAuthFlow.SmsOtp : UserAuthFlow.EmailOtp;
        var step = await userAuth.StartAsync(client, login, preferred, cancellationToken);
        if (step is SignInStep.Challenge { ChallengeName: UserAuthFlow.SelectChallenge } choice)
        {
            // The user cannot get a code where they typed (an unverified number, say): the other verified channel, if any.
            var factor = choice.AvailableChallenges?.FirstOrDefault(f => f is UserAuthFlow.SmsOtp or UserAuthFlow.EmailOtp)
                ?? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "No verified phone number or email to send a code to.");
            step = await userAuth.SelectAsync(client, choice.Session, choice.Parameters["USERNAME"], factor, cancellationToken);
        }

        var challenge = (SignInStep.Challenge)step;
        var now = time.GetUtcNow();
        var options = client.Pool.Options.OneTimeCode;
        var lifetime = options.Lifetime < client.Options.AuthSessionValidity ? options.Lifetime : client.Options.AuthSessionValidity;
        return new CodeSignInState(CodeSignInState.SignInKind, login, challenge.Parameters["USERNAME"], challenge.Session, challenge.ChallengeName,
            challenge.Parameters.GetValueOrDefault("CODE_DELIVERY_DESTINATION", string.Empty),
            challenge.Parameters.GetValueOrDefault("CODE_DELIVERY_DELIVERY_MEDIUM", "SMS"), now, now + lifetime, options.MaxAttempts);
    }

    private static Dictionary<string, string> Attributes(string login) => new(StringComparer.Ordinal)
    {
        [UserAttributes.IsPhoneNumber(login) ? UserAttributes.PhoneNumber : UserAttributes.Email] = login,
    };
}
