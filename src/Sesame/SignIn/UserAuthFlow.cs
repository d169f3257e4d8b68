using Sesame.Codes;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.SignIn.Passwords;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.SignIn;

/// <summary>
/// Cognito's choice-based <c>USER_AUTH</c> flow (native passwordless, cognito-protocol.md §5): a one-time code by SMS
/// (<c>SMS_OTP</c>) or email (<c>EMAIL_OTP</c>), chosen with <c>PREFERRED_CHALLENGE</c> or through
/// <c>SELECT_CHALLENGE</c>; and, with the <c>Session</c> that ConfirmSignUp returned, tokens at once (the
/// confirmation code was the factor: one SMS in all). In a pool whose <c>PasswordMode</c> is not None, also the password
/// first factors: <c>PASSWORD</c> (the password in the request, as USER_PASSWORD_AUTH) and <c>PASSWORD_SRP</c> (<c>SRP_A</c>,
/// then the <c>PASSWORD_VERIFIER</c> challenge of USER_SRP_AUTH), with the same limits before any hashing.
/// </summary>
internal sealed class UserAuthFlow(
    IUserStore users, SignInSessions sessions, CodeIssuer codes, CodeVerifier verifier, Pseudonyms pseudonyms, SignInCompletion completion,
    PasswordSignIn passwordSignIn)
{
    public const string Kind = "USER_AUTH";
    public const string SelectChallenge = "SELECT_CHALLENGE";
    public const string SmsOtp = "SMS_OTP";
    public const string EmailOtp = "EMAIL_OTP";
    public const string Password = "PASSWORD";
    public const string PasswordSrp = "PASSWORD_SRP";

    /// <summary>Every first factor Cognito names; the ones Sesame can start are the OTPs and the passwords.</summary>
    public static readonly string[] KnownFactors = [EmailOtp, SmsOtp, Password, PasswordSrp, "WEB_AUTHN"];

    /// <summary>Whether <paramref name="factor"/> is a password first factor this pool offers.</summary>
    public static bool IsPasswordFactor(UserPool pool, string? factor) =>
        factor is Password or PasswordSrp && pool.Passwords != PasswordMode.None;

    /// <summary>
    /// USER_AUTH with a password first factor, preferred at InitiateAuth or chosen at SELECT_CHALLENGE: <c>PASSWORD</c>
    /// ends as USER_PASSWORD_AUTH does (tokens, or NEW_PASSWORD_REQUIRED); <c>PASSWORD_SRP</c> answers the
    /// <c>PASSWORD_VERIFIER</c> challenge of USER_SRP_AUTH. Any user, one without a password too, takes this path, so the
    /// answer (<c>Incorrect username or password.</c>) does not tell who has a password.
    /// </summary>
    /// <param name="parameters">AuthParameters or ChallengeResponses: <c>PASSWORD</c>, or <c>SRP_A</c>.</param>
    public ValueTask<SignInStep> StartPasswordAsync(
        AppClient client, string login, string factor, IReadOnlyDictionary<string, string> parameters, string issuerOrigin, CancellationToken cancellationToken) =>
        factor == Password
            ? passwordSignIn.SignInWithPasswordAsync(client, login, RequiredParameter(parameters, "PASSWORD"), issuerOrigin, cancellationToken)
            : passwordSignIn.StartSrpAsync(client, login, RequiredParameter(parameters, "SRP_A"), cancellationToken);

    private static string RequiredParameter(IReadOnlyDictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Missing required parameter {name}");

    public async ValueTask<SignInStep> SignInAfterConfirmationAsync(
        AppClient client, string login, string session, string? issuerOrigin, CancellationToken cancellationToken)
    {
        var state = await sessions.TakeAsync(client, session, cancellationToken);
        if (state.Kind != SignInSessionState.SignUpConfirmedKind)
        {
            throw CognitoErrors.InvalidSession();
        }

        var user = await completion.SessionUserAsync(client, state, login, cancellationToken) ?? throw CognitoErrors.InvalidSession();
        return await completion.CompleteOrAuthenticateAsync(client, user, clientMetadata: null, issuerOrigin, cancellationToken);
    }

    /// <summary>InitiateAuth USER_AUTH without a session: the preferred code challenge, or a choice.</summary>
    public async ValueTask<SignInStep> StartAsync(AppClient client, string login, string? preferred, CancellationToken cancellationToken)
    {
        if (preferred is not null && !KnownFactors.Contains(preferred))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Invalid PREFERRED_CHALLENGE: {preferred}.");
        }

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
            Kind = Kind,
            Username = user?.Username ?? pseudonyms.Username(pool.Id, login),
            Login = login,
            UserNotFound = user is null,
        };
        var available = Available(pool, user, login);
        if (preferred is not (null or Password or PasswordSrp) && available.Contains(preferred))
        {
            return await StartCodeAsync(client, user, state, preferred, cancellationToken);
        }

        // No preference, or one this user cannot use (UNCONFIRMED in Cognito): let the client choose.
        state.ChallengeName = SelectChallenge;
        state.Available = available;
        var session = await sessions.CreateAsync(client, state, [], cancellationToken);
        return new SignInStep.Challenge(SelectChallenge, session, new Dictionary<string, string> { ["USERNAME"] = state.Username })
        {
            AvailableChallenges = available,
        };
    }

    /// <summary>
    /// RespondToAuthChallenge SELECT_CHALLENGE: start the chosen factor. A password factor needs
    /// <paramref name="responses"/> (its <c>PASSWORD</c> or <c>SRP_A</c>) and <paramref name="issuerOrigin"/>.
    /// </summary>
    public async ValueTask<SignInStep> SelectAsync(
        AppClient client, string session, string username, string answer, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? responses = null, string? issuerOrigin = null)
    {
        if (IsPasswordFactor(client.Pool, answer) && (responses is null || issuerOrigin is null))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"The challenge {answer} is not available for this user.");
        }

        var state = await sessions.TakeAsync(client, session, cancellationToken);
        if (state.Kind != Kind || state.ChallengeName != SelectChallenge)
        {
            throw CognitoErrors.InvalidSession();
        }

        var user = await completion.SessionUserAsync(client, state, username, cancellationToken);
        if (!state.Available.Contains(answer))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"The challenge {answer} is not available for this user.");
        }

        return answer is Password or PasswordSrp
            ? await StartPasswordAsync(client, state.Login, answer, responses!, issuerOrigin!, cancellationToken)
            : await StartCodeAsync(client, user, state, answer, cancellationToken);
    }

    /// <summary>
    /// RespondToAuthChallenge SMS_OTP / EMAIL_OTP (and the hosted page, which passes no <paramref name="issuerOrigin"/>
    /// and gets <see cref="SignInStep.Authenticated"/> instead of tokens). A wrong code keeps the session (Amplify retries with the same one
    /// after CodeMismatchException) until the attempt cap, whose last wrong answer ends the sign-in.
    /// </summary>
    public async ValueTask<SignInStep> AnswerCodeAsync(
        AppClient client, string challengeName, string session, string username, string code, Dictionary<string, string>? clientMetadata,
        string? issuerOrigin, CancellationToken cancellationToken)
    {
        var (state, attempts, idHash) = await sessions.CountAttemptAsync(client, session, cancellationToken);
        if (state.Kind != Kind || state.ChallengeName != challengeName)
        {
            throw CognitoErrors.InvalidSession();
        }

        // The session counted this answer; the code it carries is checked by the one verifier.
        var maxAttempts = client.Pool.Options.OneTimeCode.MaxAttempts;
        var sealedCode = SealedCode.Unseal(state.PrivateParameters.GetValueOrDefault("code"), maxAttempts) is { } carried
            ? carried with { Attempts = attempts }
            : null;
        var answer = new CodeAnswer(client.Pool, CodePurposes.SignIn, state.Username, Sub: null, Destination: null, code) { UserExists = !state.UserNotFound };
        var check = await verifier.VerifyTravellingAsync(answer, sealedCode, cancellationToken);
        if (check == CodeCheck.TooManyAttempts)
        {
            await sessions.ConsumeAsync(idHash, cancellationToken);
            throw CognitoErrors.InvalidSession();
        }

        var user = await completion.SessionUserAsync(client, state, username, cancellationToken);
        if (user is null || check != CodeCheck.Match)
        {
            if (attempts < maxAttempts)
            {
                throw CognitoErrors.Error(CognitoErrors.CodeMismatch, "Invalid code or auth state for the user.");
            }

            await sessions.ConsumeAsync(idHash, cancellationToken);
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        // Two right answers at once: only the one that consumes the session gets tokens.
        if (!await sessions.ConsumeAsync(idHash, cancellationToken))
        {
            throw CognitoErrors.InvalidSession();
        }

        // No trigger ran since the user was read: tokens need no second read (their write checks the user). Without
        // tokens (the hosted page, issuerOrigin null) nothing checks the user before the authorization code is minted,
        // so that path reads it again.
        return issuerOrigin is null
            ? await completion.CompleteOrAuthenticateAsync(client, user, clientMetadata, issuerOrigin, cancellationToken)
            : await completion.CompleteCurrentAsync(client, user, clientMetadata, issuerOrigin, cancellationToken);
    }

    private async ValueTask<SignInStep> StartCodeAsync(AppClient client, User? user, SignInSessionState state, string factor, CancellationToken cancellationToken)
    {
        var attribute = factor == SmsOtp ? UserAttributes.PhoneNumber : UserAttributes.Email;
        var destination = user is null
            ? pseudonyms.MaskedDestination(client.Pool.Id, state.Login, CodeIssuer.Medium(attribute))
            : user.Attributes[attribute];
        var issued = await codes.IssueAsync(
            new CodeRequest(client.Pool, CodePurposes.SignIn, MessagePurpose.SignIn, state.Username, user?.Sub, attribute, destination,
                User.EventAttributes(user), client.ClientId)
            {
                UserExists = user is not null,
                Login = state.Login,
            },
            cancellationToken);

        state.ChallengeName = factor;
        state.Available = [];
        state.PrivateParameters = new Dictionary<string, string> { ["code"] = SealedCode.Seal(issued.Code) };
        var session = await sessions.CreateAsync(client, state, issued.Message is null ? [] : [issued.Message], cancellationToken);
        return new SignInStep.Challenge(factor, session, new Dictionary<string, string>
        {
            ["CODE_DELIVERY_DELIVERY_MEDIUM"] = issued.Delivery.DeliveryMedium,
            ["CODE_DELIVERY_DESTINATION"] = issued.Delivery.Destination,
            ["USERNAME"] = state.Username,
        });
    }

    /// <summary>
    /// The factors a user can use: a verified phone number for SMS_OTP, a verified email for EMAIL_OTP, and PASSWORD and
    /// PASSWORD_SRP for a user with a password where the pool allows passwords. For a user that does not exist, what the
    /// typed login suggests, and the password factors wherever passwords are allowed, so the answer looks like a real user's.
    /// </summary>
    private static List<string> Available(UserPool pool, User? user, string login)
    {
        List<string> passwords = pool.Passwords != PasswordMode.None && (user is null || user.PasswordHash is not null) ? [Password, PasswordSrp] : [];
        if (user is null)
        {
            return [.. UserAttributes.IsPhoneNumber(login) ? [SmsOtp] : UserAttributes.IsEmail(login) ? [EmailOtp] : (string[])[EmailOtp, SmsOtp], .. passwords];
        }

        var available = new List<string>();
        if (user.Email is not null && user.Attributes.GetValueOrDefault(UserAttributes.EmailVerified) == "true")
        {
            available.Add(EmailOtp);
        }

        if (user.PhoneNumber is not null && user.Attributes.GetValueOrDefault(UserAttributes.PhoneNumberVerified) == "true")
        {
            available.Add(SmsOtp);
        }

        available.AddRange(passwords);
        return available;
    }
}
