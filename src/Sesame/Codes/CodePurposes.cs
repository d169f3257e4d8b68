using Sesame.Pools;
using Sesame.Users;

namespace Sesame.Codes;

/// <summary>What a code proves. A code of one purpose never answers another: the purpose is part of its MAC and its key.</summary>
internal static class CodePurposes
{
    /// <summary>Sign-up confirmation (SignUp, ResendConfirmationCode → ConfirmSignUp); stored.</summary>
    public const string SignUp = "signup";

    /// <summary>Sign-in (the built-in CUSTOM_AUTH challenge, USER_AUTH SMS_OTP/EMAIL_OTP); travels in the sign-in session.</summary>
    public const string SignIn = "signin";

    /// <summary>A password reset (ForgotPassword, AdminResetUserPassword → ConfirmForgotPassword); stored.</summary>
    public const string ForgotPassword = "forgot-password";

    /// <summary>Verification of a phone number or email (UpdateUserAttributes, GetUserAttributeVerificationCode → VerifyUserAttribute); stored.</summary>
    public static string VerifyAttribute(string attribute) => "verify:" + attribute;

    /// <summary>Whether the code's purpose is <see cref="VerifyAttribute"/> of some attribute.</summary>
    public static bool IsAttribute(string purpose) => purpose.StartsWith("verify:", StringComparison.Ordinal);

    /// <summary>
    /// The purpose and user a code's MAC binds, exactly as each kind of code bound them before the codes were one model
    /// (so codes pending across an upgrade stay valid). An attribute code also binds its destination — a code sent to an
    /// old value cannot verify a new one — and the user's sub, so it never verifies anything for a later user who takes
    /// the same username. A password-reset code binds the sub too: it never sets the password of a later user with the same username.
    /// </summary>
    public static (string Purpose, string User) MacBinding(string purpose, string username, string? sub, string? destination) =>
        IsAttribute(purpose)
            ? ($"verify-attribute:{purpose["verify:".Length..]}:{destination}", $"{Logins.UsernameKey(username)}:{sub}")
            : purpose == ForgotPassword
                ? (purpose, $"{Logins.UsernameKey(username)}:{sub}")
                : (purpose, Logins.UsernameKey(username));

    /// <summary>Length, lifetime and answers allowed: sign-in codes follow <c>OneTimeCode</c>, every other code <c>ConfirmationCode</c>.</summary>
    public static (int Length, TimeSpan Lifetime, int MaxAttempts) Settings(UserPool pool, string purpose) =>
        purpose == SignIn
            ? (pool.Options.OneTimeCode.Length, pool.Options.OneTimeCode.Lifetime, pool.Options.OneTimeCode.MaxAttempts)
            : (pool.Options.ConfirmationCode.Length, pool.Options.ConfirmationCode.Lifetime, pool.Options.ConfirmationCode.MaxAttempts);
}
