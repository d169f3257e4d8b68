using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Codes;

/// <summary>How checking an answer against a code ended. Each use case maps it to Cognito's error for that operation.</summary>
internal enum CodeCheck
{
    /// <summary>The right code, in time, within the cap; a stored code is consumed (once, even under concurrent answers).</summary>
    Match,

    /// <summary>Not the code.</summary>
    Mismatch,

    /// <summary>The code's lifetime has passed.</summary>
    Expired,

    /// <summary>More answers than the code allows: even the right code is refused, and nothing says whether it was right.</summary>
    TooManyAttempts,

    /// <summary>No code is pending (never issued, replaced, or consumed by another answer).</summary>
    NoCode,
}

/// <summary>An answer to check: the pool, purpose, user and destination the code must be bound to.</summary>
/// <param name="Destination">
/// Where the code was sent: for an attribute code the attribute's current value (a pending new value the code carries
/// takes its place); not needed for other purposes.
/// </param>
internal sealed record CodeAnswer(UserPool Pool, string Purpose, string Username, string? Sub, string? Destination, string Answer)
{
    /// <summary>
    /// False for a login that names no user (<see cref="Username"/> is then its stand-in): the answer is counted
    /// against the per-account cap exactly like a known user's, and never matches.
    /// </summary>
    public bool UserExists { get; init; } = true;
}

/// <summary>
/// The one place an answer is checked: every operation that takes a code (ConfirmSignUp, VerifyUserAttribute, the
/// built-in VerifyAuthChallengeResponse, USER_AUTH SMS_OTP/EMAIL_OTP) comes through here with the pool, purpose, user
/// and destination in hand. The answer is first counted against the account's cap across all its codes
/// (<see cref="AnswerLimits"/>; past it every answer is refused with Cognito's limit error, right or wrong), then against
/// the code's own cap (counted before it is compared, so concurrent guesses cannot exceed either cap), then expiry and
/// MAC (in constant time) are checked, then a stored code is consumed; a right answer clears the account's failures.
/// </summary>
internal sealed class CodeVerifier(OneTimeCodes macs, IOneTimeCodeStore store, AnswerLimits limits, TimeProvider time, PrefixVelocity prefixes)
{
    /// <summary>Checks an answer against the user's stored code for the purpose: count, expire, compare, consume.</summary>
    /// <exception cref="CognitoException"><c>LimitExceededException</c> once the account has reached its cap.</exception>
    public async ValueTask<(CodeCheck Check, StoredCode? Code)> VerifyAsync(CodeAnswer answer, CancellationToken cancellationToken)
    {
        await CountAsync(answer, cancellationToken);
        if (!answer.UserExists)
        {
            return (CodeCheck.Mismatch, null);
        }

        var key = new OneTimeCodeKey(answer.Pool.Id, answer.Purpose, Logins.UsernameKey(answer.Username));
        var stored = await store.CountAttemptAsync(key, cancellationToken);
        if (stored is null)
        {
            return (CodeCheck.NoCode, null);
        }

        var check = Check(answer, stored.Code, stored.PendingValue ?? answer.Destination);
        if (check != CodeCheck.Match)
        {
            return (check, stored);
        }

        // Of concurrent right answers, only the one that deletes the code matches.
        if (await store.ConsumeAsync(key, stored.Code.Mac, cancellationToken) is not { } consumed)
        {
            return (CodeCheck.NoCode, null);
        }

        await limits.SucceededAsync(answer.Pool, answer.Username, cancellationToken);
        // A verified number converts the prefix it was texted in (the pumping signature is sends never verified).
        await prefixes.VerifiedAsync(answer.Pool, answer.Username, cancellationToken);
        return (CodeCheck.Match, consumed);
    }

    /// <summary>
    /// Checks an answer against a code that travels in the sign-in session (<see cref="SealedCode"/>). The session
    /// counted the answer (<see cref="OneTimeCode.Attempts"/>) and is itself taken once, which makes the code single use.
    /// </summary>
    /// <exception cref="CognitoException"><c>NotAuthorizedException</c> once the account has reached its cap.</exception>
    public async ValueTask<CodeCheck> VerifyTravellingAsync(CodeAnswer answer, OneTimeCode? code, CancellationToken cancellationToken)
    {
        // Counted and compared in one write: nothing but the MAC check runs between the two, and a right answer clears
        // the account's failures in the same transaction.
        var check = CodeCheck.NoCode;
        Refuse(answer, await limits.CountAndCompareAsync(answer.Pool, answer.Username, () =>
        {
            check = code is null ? CodeCheck.NoCode : Check(answer, code, answer.Destination);
            return check == CodeCheck.Match && answer.UserExists;
        }, cancellationToken));
        if (check != CodeCheck.Match || !answer.UserExists)
        {
            return check == CodeCheck.Match ? CodeCheck.Mismatch : check;
        }

        // A sign-in code's send was counted in its prefix like a sign-up code's: its verification converts it the same way.
        await prefixes.VerifiedAsync(answer.Pool, answer.Username, cancellationToken);
        return CodeCheck.Match;
    }

    /// <summary>
    /// A stored-code answer for a login that names no user (PreventUserExistenceErrors): counted against the per-account
    /// cap under <paramref name="standIn"/>, exactly like a known user's answer, and refused in the words of a wrong code.
    /// </summary>
    public async ValueTask<CognitoException> RefuseUnknownAsync(UserPool pool, string purpose, string standIn, string answer, CancellationToken cancellationToken)
    {
        await VerifyAsync(new CodeAnswer(pool, purpose, standIn, Sub: null, Destination: null, answer) { UserExists = false }, cancellationToken);
        return CognitoErrors.WrongSignUpCode();
    }

    /// <summary>
    /// Cognito's answer to a stored code that did not match (ConfirmSignUp, VerifyUserAttribute, ConfirmForgotPassword):
    /// none or expired is <c>ExpiredCodeException</c>; wrong, or past the cap (even the right code, in the words of a wrong
    /// one), <c>CodeMismatchException</c>.
    /// </summary>
    public static void ThrowUnlessMatch(CodeCheck check)
    {
        switch (check)
        {
            case CodeCheck.NoCode or CodeCheck.Expired:
                throw CognitoErrors.ExpiredSignUpCode();
            case CodeCheck.Mismatch or CodeCheck.TooManyAttempts:
                throw CognitoErrors.WrongSignUpCode();
        }
    }

    /// <summary>An operator's recovery (AdminEnableUser): the account's failed answers no longer count.</summary>
    public ValueTask ForgetFailuresAsync(UserPool pool, string username, CancellationToken cancellationToken) =>
        limits.SucceededAsync(pool, username, cancellationToken);

    /// <summary>
    /// Counts the answer against the account's cap, or refuses it in Cognito's words for the operation: sign-in answers
    /// (RespondToAuthChallenge, whose model has no LimitExceededException) get <c>NotAuthorizedException</c>, as
    /// Cognito's own lockout does; ConfirmSignUp and VerifyUserAttribute get <c>LimitExceededException</c>.
    /// </summary>
    private async ValueTask CountAsync(CodeAnswer answer, CancellationToken cancellationToken) =>
        Refuse(answer, await limits.CountAsync(answer.Pool, answer.Username, cancellationToken));

    /// <summary>The refusal of <see cref="CountAsync"/>, when the account's cap is reached.</summary>
    private static void Refuse(CodeAnswer answer, AnswerDecision decision)
    {
        if (!decision.Allowed)
        {
            var type = answer.Purpose == CodePurposes.SignIn ? CognitoErrors.NotAuthorized : CognitoErrors.LimitExceeded;
            throw new CognitoException(type, "Attempt limit exceeded, please try after some time.") { RetryAfter = decision.RetryAfter };
        }
    }

    private CodeCheck Check(CodeAnswer answer, OneTimeCode code, string? destination)
    {
        if (code.ExpiresAt <= time.GetUtcNow())
        {
            return CodeCheck.Expired;
        }

        if (code.Attempts > code.MaxAttempts)
        {
            return CodeCheck.TooManyAttempts;
        }

        var (purpose, user) = CodePurposes.MacBinding(answer.Purpose, answer.Username, answer.Sub, destination);
        return macs.Matches(code.Mac, purpose, answer.Pool.Id, user, code.Nonce, code.ExpiresAt.ToUnixTimeMilliseconds(), answer.Answer.Trim())
            ? CodeCheck.Match
            : CodeCheck.Mismatch;
    }
}
