namespace Sesame.Users;

/// <summary>Cognito's user statuses that Sesame uses.</summary>
internal static class UserStatus
{
    public const string Unconfirmed = "UNCONFIRMED";
    public const string Confirmed = "CONFIRMED";

    /// <summary>Signed in with a temporary password (AdminCreateUser, AdminSetUserPassword): must choose a new one (NEW_PASSWORD_REQUIRED).</summary>
    public const string ForceChangePassword = "FORCE_CHANGE_PASSWORD";

    /// <summary>An administrator reset the password (AdminResetUserPassword): no sign-in until ConfirmForgotPassword sets a new one.</summary>
    public const string ResetRequired = "RESET_REQUIRED";
}

/// <summary>A user of one pool. Attribute values are strings, as in Cognito (<c>"email_verified": "true"</c>).</summary>
internal sealed class User
{
    public required string PoolId { get; init; }

    /// <summary>The canonical (internal) username. A UUID when the pool signs users up by phone or email.</summary>
    public required string Username { get; init; }

    public required string Sub { get; init; }

    public required string Status { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Every attribute except <c>sub</c>, which lives in <see cref="Sub"/>.</summary>
    public required Dictionary<string, string> Attributes { get; init; }

    public string? PasswordHash { get; set; }

    /// <summary>When the current password was set (a temporary one expires from then); null without a password.</summary>
    public DateTimeOffset? PasswordSetAt { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ModifiedAt { get; set; }

    /// <summary>Optimistic-concurrency version, bumped on every update.</summary>
    public long Version { get; set; }

    public string? PhoneNumber => Attributes.GetValueOrDefault(UserAttributes.PhoneNumber);

    public string? Email => Attributes.GetValueOrDefault(UserAttributes.Email);

    /// <summary>
    /// The pool's <c>AliasAttributes</c>, for a user of a pool that has them: there a phone number or email is an alias
    /// (unique, a sign-in name) only while it is listed and verified, as in Cognito. Null for pools without the setting,
    /// where every phone number and email is one. Set it before the user is written; the store derives the keys from it.
    /// </summary>
    public IReadOnlyList<string>? AliasAttributes { get; set; }

    /// <summary>The phone number as the store indexes it (unique in the pool), or null when it is no alias.</summary>
    public string? PhoneKey => PhoneKeyOf(AliasAttributes, Attributes);

    /// <summary>The email as the store indexes it (lower case, unique in the pool), or null when it is no alias.</summary>
    public string? EmailKey => EmailKeyOf(AliasAttributes, Attributes);

    /// <summary>
    /// The preferred username as the store indexes it (lower case, unique in the pool): only in a pool whose
    /// <c>AliasAttributes</c> lists it, and only once the user is confirmed (Cognito: a preferred-username alias signs in
    /// after confirmation). Null otherwise.
    /// </summary>
    public string? PreferredUsernameKey => PreferredUsernameKeyOf(AliasAttributes, Status, Attributes);

    /// <summary>The key <see cref="PreferredUsernameKey"/> would be for this status and these attributes.</summary>
    public static string? PreferredUsernameKeyOf(IReadOnlyList<string>? aliasAttributes, string status, IReadOnlyDictionary<string, string> attributes) =>
        aliasAttributes is not null && aliasAttributes.Contains(UserAttributes.PreferredUsername) && status != UserStatus.Unconfirmed
        && attributes.GetValueOrDefault(UserAttributes.PreferredUsername) is { Length: > 0 } value
            ? Logins.Key(value)
            : null;

    /// <summary>The key <see cref="PhoneKey"/> would be for these attributes.</summary>
    public static string? PhoneKeyOf(IReadOnlyList<string>? aliasAttributes, IReadOnlyDictionary<string, string> attributes) =>
        AliasValue(aliasAttributes, attributes, UserAttributes.PhoneNumber, UserAttributes.PhoneNumberVerified);

    /// <summary>The key <see cref="EmailKey"/> would be for these attributes.</summary>
    public static string? EmailKeyOf(IReadOnlyList<string>? aliasAttributes, IReadOnlyDictionary<string, string> attributes) =>
        AliasValue(aliasAttributes, attributes, UserAttributes.Email, UserAttributes.EmailVerified) is { } email ? Logins.EmailKey(email) : null;

    private static string? AliasValue(IReadOnlyList<string>? aliasAttributes, IReadOnlyDictionary<string, string> attributes, string name, string flag) =>
        attributes.GetValueOrDefault(name) is { } value
        && (aliasAttributes is null || (aliasAttributes.Contains(name) && attributes.GetValueOrDefault(flag) == "true"))
            ? value
            : null;

    public bool IsConfirmed => Status == UserStatus.Confirmed;

    /// <summary>All attributes as Cognito returns them (GetUser, trigger events): <c>sub</c> first.</summary>
    public IEnumerable<KeyValuePair<string, string>> AllAttributes()
    {
        yield return new(UserAttributes.Sub, Sub);
        foreach (var attribute in Attributes)
        {
            yield return attribute;
        }
    }

    /// <summary>Attributes as trigger events carry them: strings, with <c>sub</c> and <c>cognito:user_status</c>.</summary>
    public static Dictionary<string, string> EventAttributes(User? user)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (user is null)
        {
            return attributes;
        }

        foreach (var (name, value) in user.AllAttributes())
        {
            attributes[name] = value;
        }

        attributes["cognito:user_status"] = user.Status;
        return attributes;
    }
}
