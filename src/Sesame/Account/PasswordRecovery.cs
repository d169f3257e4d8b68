using Sesame.Codes;
using Sesame.Cognito;
using Sesame.Delivery;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.SignIn.Passwords;
using Sesame.SignUp;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Account;

/// <summary>
/// Passwords after sign-up: a reset by code (ForgotPassword → ConfirmForgotPassword, and AdminResetUserPassword, which
/// sends the same code and blocks sign-in until it is used) and a change by the signed-in user (ChangePassword).
/// </summary>
/// <remarks>
/// A reset ends every sign-in of the user (its refresh tokens, and the access tokens minted from them, are revoked in
/// the transaction that sets the new password): a reset is what someone does who fears their password is known. Cognito
/// keeps them (UNCONFIRMED in its documentation; apps call GlobalSignOut themselves). ChangePassword keeps them, as
/// Cognito does: the user proved the old password, and GlobalSignOut is one call away. docs/compatibility.md says so.
/// </remarks>
internal sealed class PasswordRecovery(
    IUserStore users,
    IPasswordStore passwords,
    CodeIssuer codes,
    CodeVerifier verifier,
    Pseudonyms pseudonyms,
    PasswordSignIn passwordSignIn,
    PasswordHistory history,
    IOneTimeCodeStore storedCodes,
    SignUpFlow signUp,
    Outbox outbox,
    PasswordLockout lockout,
    TimeProvider time)
{
    private const string NoRecoveryChannel = "Cannot reset password for the user as there is no registered/verified email or phone_number";

    /// <summary>
    /// ForgotPassword: a code to the user's verified phone number or email. An unknown user (with
    /// PreventUserExistenceErrors) gets the same answer shape, to the destination a real user with that login would
    /// have, counted by the same send limits, and only a decoy is written (never sent).
    /// </summary>
    public async ValueTask<CodeDeliveryDetails> ForgotAsync(
        AppClient client, string login, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        PasswordSignIn.EnsureEnabled(pool);
        var user = await users.FindAsync(pool.Id, login, cancellationToken);
        if (user is null || (pool.StrictEnumeration && Refusal(user, login) is not null))
        {
            if (!pool.Options.PreventUserExistenceErrors)
            {
                throw CognitoErrors.UserDoesNotExist();
            }

            // Counted under the login and a decoy written, like a real send (CodeIssuer).
            var (medium, masked) = pseudonyms.Destination(pool.Id, login);
            return await codes.SendAsync(
                new CodeRequest(pool, CodePurposes.ForgotPassword, MessagePurpose.ForgotPassword, pseudonyms.Username(pool.Id, login), Sub: null,
                    CodeIssuer.Attribute(medium), masked, User.EventAttributes(null), client.ClientId)
                {
                    UserExists = false,
                    Login = login,
                },
                cancellationToken);
        }

        if (Refusal(user, login) is { } refusal)
        {
            throw refusal;
        }

        var (attribute, destination) = RecoveryDestination(user, login)!.Value;
        return await codes.SendAsync(CodeFor(pool, client.ClientId, user, attribute, destination, clientMetadata), cancellationToken);
    }

    /// <summary>
    /// ConfirmForgotPassword: the password is checked against the policy first (a refused one does not use up the code),
    /// then the code through the one verifier; the new password replaces hash and SRP verifier, a RESET_REQUIRED user is
    /// CONFIRMED again, every refresh token is revoked, and PostConfirmation runs as <c>PostConfirmation_ConfirmForgotPassword</c>.
    /// </summary>
    public async ValueTask ConfirmForgotAsync(
        AppClient client, string login, string answer, string password, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        PasswordSignIn.EnsureEnabled(pool);
        PasswordSignIn.CheckPolicy(pool, password);
        var user = await users.FindAsync(pool.Id, login, cancellationToken);
        if (user is null || (pool.StrictEnumeration && Refusal(user, login) is not null))
        {
            if (!pool.Options.PreventUserExistenceErrors)
            {
                throw CognitoErrors.UserDoesNotExist();
            }

            throw await verifier.RefuseUnknownAsync(pool, CodePurposes.ForgotPassword, pseudonyms.Username(pool.Id, login), answer, cancellationToken);
        }

        if (!user.Enabled)
        {
            throw CognitoErrors.UserDisabled();
        }

        var (check, code) = await verifier.VerifyAsync(
            new CodeAnswer(pool, CodePurposes.ForgotPassword, user.Username, user.Sub, Destination: null, answer), cancellationToken);
        CodeVerifier.ThrowUnlessMatch(check);

        try
        {
            // Only once the code is proven: before, the answer would tell anyone whether a password was once the user's.
            await history.EnsureNotReusedAsync(pool, user, password, cancellationToken);
        }
        catch (CognitoException e) when (e.Type == CognitoErrors.PasswordHistoryPolicyViolation)
        {
            // The code was right: it is put back (its answers counted), so the user can choose another password with it.
            await storedCodes.SaveAsync(code!, message: null, cancellationToken);
            throw;
        }

        var change = history.Change(pool, user, password, status: null);
        if (!await passwords.ResetPasswordAsync(pool.Id, Logins.UsernameKey(user.Username), user.Sub, change, time.GetUtcNow(), cancellationToken))
        {
            // Deleted, replaced or disabled-and-changed meanwhile: the code no longer belongs to anyone who can use it.
            throw CognitoErrors.ExpiredSignUpCode();
        }

        // The account is recovered (NIST SP 800-63B §3.2.2): failed attempts at the old password no longer count.
        await lockout.ResetAsync(pool, user.Username, cancellationToken);
        if (await users.FindAsync(pool.Id, user.Username, cancellationToken) is { } reset && reset.Sub == user.Sub)
        {
            await signUp.PostConfirmationAsync(pool, client.ClientId, reset, "PostConfirmation_ConfirmForgotPassword", clientMetadata, cancellationToken);
        }
    }

    /// <summary>
    /// AdminResetUserPassword: the user becomes RESET_REQUIRED (sign-in answers <c>PasswordResetRequiredException</c>
    /// until ConfirmForgotPassword), gets a reset code as from ForgotPassword, and every sign-in is ended, in one
    /// transaction. Without a verified phone number or email the reset could never be finished: refused, nothing written.
    /// </summary>
    public async ValueTask AdminResetAsync(UserPool pool, User user, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        PasswordSignIn.EnsureAdminCanSet(pool);

        if (Refusal(user, login: null) is { } refusal)
        {
            throw refusal;
        }

        var (attribute, destination) = RecoveryDestination(user, login: null)!.Value;
        var issued = await codes.IssueAsync(CodeFor(pool, SignUpFlow.AdminClientId, user, attribute, destination, clientMetadata), cancellationToken);
        if (!await passwords.RequireResetAsync(pool.Id, Logins.UsernameKey(user.Username), user.Sub, issued.Stored, issued.Message, time.GetUtcNow(), cancellationToken))
        {
            throw CannotReset();
        }

        if (issued.Message is not null)
        {
            outbox.Notify();
        }
    }

    /// <summary>
    /// ChangePassword: <paramref name="previous"/> is checked with every password-attempt limit before any hashing (as a
    /// sign-in is); a user without a password may leave it out, as Cognito's passwordless users may. Refresh tokens stay.
    /// </summary>
    public async ValueTask ChangeAsync(UserPool pool, User user, string? previous, string proposed, CancellationToken cancellationToken)
    {
        PasswordSignIn.EnsureEnabled(pool);
        PasswordSignIn.CheckPolicy(pool, proposed);
        if (previous is null ? user.PasswordHash is not null : !await passwordSignIn.VerifyAsync(pool, user, user.Username, previous, cancellationToken))
        {
            throw CognitoErrors.IncorrectUsernameOrPassword();
        }

        await history.EnsureNotReusedAsync(pool, user, proposed, cancellationToken);
        if (await passwords.SetPasswordAsync(pool.Id, Logins.UsernameKey(user.Username), history.Change(pool, user, proposed, status: null), time.GetUtcNow(),
            cancellationToken) != AttributeWriteOutcome.Written)
        {
            throw CognitoErrors.UserDoesNotExist();
        }
    }

    /// <summary>Why a password reset cannot start for this user, in Cognito's words; null when it can.</summary>
    private static CognitoException? Refusal(User user, string? login) =>
        !user.Enabled ? CognitoErrors.UserDisabled()
        : user.Status is not (UserStatus.Confirmed or UserStatus.ResetRequired) ? CannotReset()
        : RecoveryDestination(user, login) is null ? CognitoErrors.Error(CognitoErrors.InvalidParameter, NoRecoveryChannel)
        : null;

    private static CognitoException CannotReset() =>
        CognitoErrors.Error(CognitoErrors.NotAuthorized, "User password cannot be reset in the current state.");

    /// <summary>
    /// Where a reset code goes: only to a verified value. The email when the user typed it, else the phone number
    /// (Cognito's choice when a pool sets no <c>AccountRecoverySetting</c>), else the email.
    /// </summary>
    private static (string Attribute, string Destination)? RecoveryDestination(User user, string? login)
    {
        var phone = user.Attributes.GetValueOrDefault(UserAttributes.PhoneNumberVerified) == "true" ? user.PhoneNumber : null;
        var email = user.Attributes.GetValueOrDefault(UserAttributes.EmailVerified) == "true" ? user.Email : null;
        return email is not null && login is not null && UserAttributes.IsEmail(login) ? (UserAttributes.Email, email)
            : phone is not null ? (UserAttributes.PhoneNumber, phone)
            : email is not null ? (UserAttributes.Email, email)
            : null;
    }

    // The call's ClientMetadata reaches CustomMessage_ForgotPassword, as Cognito gives it to the triggers the call runs.
    private static CodeRequest CodeFor(
        UserPool pool, string clientId, User user, string attribute, string destination, Dictionary<string, string>? clientMetadata) =>
        new(pool, CodePurposes.ForgotPassword, MessagePurpose.ForgotPassword, user.Username, user.Sub, attribute, destination,
            User.EventAttributes(user), clientId, clientMetadata);
}
