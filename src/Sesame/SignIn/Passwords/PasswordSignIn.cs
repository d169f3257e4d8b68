using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.SignIn.Passwords;

/// <summary>
/// Password sign-in: <c>USER_PASSWORD_AUTH</c> (and <c>ADMIN_USER_PASSWORD_AUTH</c>, which is the same check), and
/// <c>USER_SRP_AUTH</c> followed by its <c>PASSWORD_VERIFIER</c> challenge. Passwords are optional in Sesame: a user
/// without one simply never gets past these flows. Every failure, unknown user included (with
/// PreventUserExistenceErrors), is <c>NotAuthorizedException: Incorrect username or password.</c>, and the password
/// is checked before the user's state (unconfirmed, disabled) is revealed, as Cognito does.
/// </summary>
internal sealed class PasswordSignIn(
    IUserStore users,
    SignInSessions sessions,
    SrpChallenges srp,
    PasswordLockout lockout,
    SignInCompletion completion,
    Pseudonyms pseudonyms,
    CustomAuthFlow customAuth,
    PasswordHasher hasher,
    IPasswordStore passwords,
    PasswordHistory history,
    AttemptLimits attempts,
    HashingSlots hashing,
    TimeProvider time)
{
    public const string UserSrpAuthKind = "USER_SRP_AUTH";

    private const string CustomAuthKind = "CUSTOM_AUTH";

    /// <summary>
    /// Refuses password sign-in in a pool whose <c>PasswordMode</c> is None, before anything is looked up, counted or
    /// hashed (the same answer for every user, so it tells nothing about any account).
    /// </summary>
    public static void EnsureEnabled(UserPool pool)
    {
        if (pool.Passwords == PasswordMode.None)
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, "Password sign-in is not enabled for this user pool.");
        }
    }

    /// <summary>
    /// Refuses an administrator's password (AdminCreateUser's <c>TemporaryPassword</c>, AdminSetUserPassword,
    /// AdminResetUserPassword) in a pool whose <c>PasswordMode</c> is None: stored, it could never be used, and an
    /// invitation would carry it. Unlike SignUp's invented password, an administrator's is a deliberate choice, so it is
    /// refused rather than dropped.
    /// </summary>
    public static void EnsureAdminCanSet(UserPool pool)
    {
        if (pool.Passwords == PasswordMode.None)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Passwords are not enabled for this user pool (PasswordMode None).");
        }
    }

    /// <summary>USER_PASSWORD_AUTH: the password in clear (over TLS), checked against the stored hash (upgraded when old).</summary>
    public async ValueTask<SignInStep> SignInWithPasswordAsync(
        AppClient client, string login, string password, string issuerOrigin, CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        EnsureEnabled(pool);
        var user = await FindAsync(pool, login, cancellationToken);
        if (!await VerifyAsync(pool, user, user?.Username ?? pseudonyms.Username(pool.Id, login), password, cancellationToken) || user is null)
        {
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        if (hasher.NeedsUpgrade(user.PasswordHash!))
        {
            // The password was just proven: store it hashed the current way (Argon2id, or a new cost). Only if the hash is
            // still the one that verified, so a password changed meanwhile stays changed.
            var key = Logins.UsernameKey(user.Username);
            if (await passwords.UpgradePasswordHashAsync(pool.Id, key, user.PasswordHash!, hasher.Hash(password), cancellationToken)
                && await passwords.FindVerifierAsync(pool.Id, key, cancellationToken) is null)
            {
                // A user imported with another system's hash has no SRP verifier yet: now that the password is known, USER_SRP_AUTH works too.
                await passwords.SaveVerifierAsync(pool.Id, key, user.Sub, PasswordCredentials.Verifier(pool.Id, user.Username, password), cancellationToken);
            }
        }

        // InitiateAuth's ClientMetadata reaches neither PostAuthentication nor PreTokenGeneration (see SignInCompletion).
        return await completion.CompleteAsync(client, user, clientMetadata: null, issuerOrigin, cancellationToken);
    }

    /// <summary>
    /// Checks a password against <paramref name="user"/>'s hash (USER_PASSWORD_AUTH, USER_AUTH <c>PASSWORD</c>,
    /// ChangePassword's <c>PreviousPassword</c>) with every limit before the hashing: the rate per IP and account, then a
    /// slot, then Cognito's lockout (inside the slot, so an attempt refused for want of a slot is not counted as a failed
    /// password). A success clears the lockout.
    /// </summary>
    /// <param name="name">The canonical username, or the stand-in of an unknown login (counted exactly like a known one).</param>
    public async ValueTask<bool> VerifyAsync(UserPool pool, User? user, string name, string password, CancellationToken cancellationToken)
    {
        await attempts.CheckAsync(pool, name, cancellationToken);
        var matches = await hashing.RunAsync(async () =>
        {
            await lockout.CountAsync(pool, name, cancellationToken);
            // Unknown users and users without a password still pay for one hash, so timing does not tell them apart.
            return hasher.Verify(password, user?.PasswordHash);
        }, cancellationToken);
        if (matches && user is not null)
        {
            await lockout.ResetAsync(pool, name, cancellationToken);
            return true;
        }

        return false;
    }

    /// <summary>USER_SRP_AUTH: answers <c>SRP_A</c> with a <c>PASSWORD_VERIFIER</c> challenge.</summary>
    public async ValueTask<SignInStep> StartSrpAsync(
        AppClient client, string login, string srpA, CancellationToken cancellationToken)
    {
        EnsureEnabled(client.Pool);
        var clientA = SrpChallenges.ParseA(srpA)
            ?? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "SRP_A is not a valid SRP public value.");
        var pool = client.Pool;
        var user = await FindAsync(pool, login, cancellationToken);
        var username = user?.Username ?? pseudonyms.Username(pool.Id, login);

        var (parameters, challenge) = await srp.CreateAsync(pool, user, username, clientA, cancellationToken);
        var state = new SignInSessionState
        {
            Kind = UserSrpAuthKind,
            ClientId = client.ClientId,
            Username = username,
            Login = login,
            UserNotFound = user is null,
            ChallengeName = ChallengeNames.PasswordVerifier,
            Srp = challenge,
        };
        var session = await sessions.CreateAsync(client, state, [], cancellationToken);
        return new SignInStep.Challenge(ChallengeNames.PasswordVerifier, session, parameters);
    }

    /// <summary>
    /// RespondToAuthChallenge <c>PASSWORD_VERIFIER</c>: of a USER_SRP_AUTH sign-in (tokens), or of a CUSTOM_AUTH one, where
    /// the result goes into the session history and DefineAuthChallenge decides what comes next.
    /// </summary>
    public async ValueTask<SignInStep> RespondToPasswordVerifierAsync(
        AppClient client, string session, string username, IReadOnlyDictionary<string, string> responses,
        Dictionary<string, string>? clientMetadata, string issuerOrigin, CancellationToken cancellationToken)
    {
        var state = await sessions.TakeAsync(client, session, cancellationToken);
        if (state.Kind is not (UserSrpAuthKind or CustomAuthKind) || state.ChallengeName != ChallengeNames.PasswordVerifier || state.Srp is null)
        {
            throw CognitoErrors.InvalidSession();
        }

        if (state.Kind == CustomAuthKind)
        {
            return await RespondInCustomAuthAsync(client, state, state.Srp, username, responses, clientMetadata, issuerOrigin, cancellationToken);
        }

        var pool = client.Pool;
        User? user = null;
        if (!state.UserNotFound)
        {
            // The user may have been deleted (or replaced) since the challenge: then the password cannot be right.
            user = await users.FindAsync(pool.Id, state.Username, cancellationToken);
        }

        // Clients answer with USER_ID_FOR_SRP; accept any name the user is known by, as for custom challenges.
        if (!SignInCompletion.Names(state, user).Contains(username))
        {
            throw CognitoErrors.InvalidSession();
        }

        // Not admitted before the password is proven (a disabled or unconfirmed state is not revealed without it):
        // the completion admits the user.
        if (!await srp.VerifyAsync(pool, state.Srp, responses, cancellationToken) || user is null || user.Username != state.Username)
        {
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        return await completion.CompleteAsync(client, user, clientMetadata, issuerOrigin, cancellationToken);
    }

    /// <summary>Answers one NEW_PASSWORD_REQUIRED session may take: a refused one (policy, history, attributes) leaves it for another try.</summary>
    public const int NewPasswordAnswers = 5;

    private const string UserAttributesPrefix = "userAttributes.";

    /// <summary>
    /// RespondToAuthChallenge <c>NEW_PASSWORD_REQUIRED</c>: the user proved a temporary password; the new one replaces it
    /// (hash and SRP verifier), the answer's <c>userAttributes.&lt;name&gt;</c> are written with it in one transaction,
    /// the user becomes <c>CONFIRMED</c>, and the sign-in ends as any other. An answer refused by the password policy,
    /// the password history or the attribute rules changes nothing and leaves the session for another try, up to
    /// <see cref="NewPasswordAnswers"/> answers. With <paramref name="issuerOrigin"/> null (the hosted page) the step is
    /// <see cref="SignInStep.Authenticated"/>, without tokens.
    /// </summary>
    public async ValueTask<SignInStep> RespondToNewPasswordAsync(
        AppClient client, string session, string username, string newPassword, IReadOnlyDictionary<string, string> responses,
        Dictionary<string, string>? clientMetadata, string? issuerOrigin, CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        var (state, answers, idHash) = await sessions.CountAttemptAsync(client, session, cancellationToken);
        if (state.Kind != SignInSessionState.NewPasswordRequiredKind || state.ChallengeName != ChallengeNames.NewPasswordRequired
            || answers > NewPasswordAnswers)
        {
            await sessions.ConsumeAsync(idHash, cancellationToken);
            throw CognitoErrors.InvalidSession();
        }

        var user = await completion.SessionUserAsync(client, state, username, cancellationToken) ?? throw CognitoErrors.InvalidSession();
        if (user.Status != UserStatus.ForceChangePassword || history.TemporaryPasswordExpired(pool, user))
        {
            // Set meanwhile (AdminSetUserPassword, another tab), or expired: this session's proof no longer counts.
            await sessions.ConsumeAsync(idHash, cancellationToken);
            history.EnsureTemporaryPasswordValid(pool, user);
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        CheckPolicy(pool, newPassword);
        var changes = UserAttributes.FromClient(
            [.. responses.Where(r => r.Key.StartsWith(UserAttributesPrefix, StringComparison.Ordinal))
                .Select(r => new AttributeType(r.Key[UserAttributesPrefix.Length..], r.Value))],
            "challengeResponses");
        AttributeSchema.CheckNewPasswordAnswer(client, user, changes);
        await history.EnsureNotReusedAsync(pool, user, newPassword, cancellationToken);

        // Two answers at once: only the one that consumes the session sets the password.
        if (!await sessions.ConsumeAsync(idHash, cancellationToken))
        {
            throw CognitoErrors.InvalidSession();
        }

        var change = history.Change(pool, user, newPassword, UserStatus.Confirmed);
        if (changes.Count > 0)
        {
            foreach (var (name, value) in changes)
            {
                user.Attributes[name] = value;
                if (name is UserAttributes.PhoneNumber or UserAttributes.Email)
                {
                    // Written as given, not verified: no code proved it (GetUserAttributeVerificationCode can).
                    user.Attributes[name + "_verified"] = "false";
                }
            }

            user.AliasAttributes = pool.Options.AliasAttributes;
            change = change with { Attributes = user };
        }

        var outcome = await passwords.SetPasswordAsync(pool.Id, Logins.UsernameKey(user.Username), change, time.GetUtcNow(), cancellationToken);
        if (outcome != AttributeWriteOutcome.Written)
        {
            throw AttributeSchema.AliasConflict(outcome) ?? CognitoErrors.IncorrectUsernameOrPassword();
        }

        return await completion.CompleteOrAuthenticateAsync(client, user, clientMetadata, issuerOrigin, cancellationToken);
    }

    /// <summary>
    /// The pool's password policy (minimum length, then uppercase, lowercase, numeric and symbol characters), answered
    /// with Cognito's message for the first rule the password breaks. Every operation that sets a password comes here.
    /// </summary>
    public static void CheckPolicy(UserPool pool, string password)
    {
        var policy = pool.Options;
        var broken = password.Length < policy.PasswordMinimumLength ? "Password not long enough"
            : policy.PasswordRequireUppercase && !password.Any(char.IsAsciiLetterUpper) ? "Password must have uppercase characters"
            : policy.PasswordRequireLowercase && !password.Any(char.IsAsciiLetterLower) ? "Password must have lowercase characters"
            : policy.PasswordRequireNumbers && !password.Any(char.IsAsciiDigit) ? "Password must have numeric characters"
            : policy.PasswordRequireSymbols && !HasSymbol(password) ? "Password must have symbol characters"
            : null;
        if (broken is not null)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidPassword, $"Password did not conform with policy: {broken}");
        }
    }

    // Cognito's special characters (developer guide, "Password requirements"); a space counts unless it is first or last.
    private static bool HasSymbol(string password) =>
        password.AsSpan().IndexOfAny(Symbols) >= 0 || password.Trim(' ').Contains(' ', StringComparison.Ordinal);

    private static readonly System.Buffers.SearchValues<char> Symbols = System.Buffers.SearchValues.Create("^$*.[]{}()?-\"!@#%&/\\,><':;|_~`+=");

    private async ValueTask<SignInStep> RespondInCustomAuthAsync(
        AppClient client, SignInSessionState state, SrpChallengeState challenge, string username, IReadOnlyDictionary<string, string> responses,
        Dictionary<string, string>? clientMetadata, string issuerOrigin, CancellationToken cancellationToken)
    {
        // As for a custom answer: fresh attributes for the triggers, and a deleted or disabled user stops here.
        var user = await completion.SessionUserAsync(client, state, username, cancellationToken);
        var verified = await srp.VerifyAsync(client.Pool, challenge, responses, cancellationToken) && user is not null;
        state.History[^1].Result = verified;
        state.Srp = null;
        return await customAuth.ContinueAsync(client, user, state, clientMetadata, issuerOrigin, cancellationToken);
    }

    private async ValueTask<User?> FindAsync(UserPool pool, string login, CancellationToken cancellationToken)
    {
        // An alias that is not verified (pools with AliasAttributes) signs no one in: the user is unknown by it.
        var user = AttributeSchema.SignInMatch(pool, await users.FindAsync(pool.Id, login, cancellationToken), login);
        return user is null && !pool.Options.PreventUserExistenceErrors ? throw CognitoErrors.UserDoesNotExist() : user;
    }
}
