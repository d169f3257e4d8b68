namespace Sesame.Users;

/// <summary>
/// How a username, phone number or email is matched. Usernames and emails are case-insensitive (Cognito's default
/// <c>CaseSensitive: false</c>); phone numbers are E.164 and matched exactly.
/// </summary>
internal static class Logins
{
    public static string UsernameKey(string username) => username.ToLowerInvariant();

    public static string EmailKey(string email) => email.ToLowerInvariant();

    /// <summary>The key a login string is looked up by (the same string may be a username or an alias).</summary>
    public static string Key(string login) => login.ToLowerInvariant();
}
