using System.Globalization;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Pools;

/// <summary>
/// A pool's attribute rules as SignUp, UpdateUserAttributes and the Admin* calls apply them: its schema (required,
/// custom, mutable, constraints), its aliases, where a sign-up code goes, and each client's read and write permissions.
/// </summary>
internal static class AttributeSchema
{
    /// <summary>
    /// SignUp's checks: every attribute writable by the client, declared and within its constraints; every required one
    /// given. Cognito's messages (<c>Attributes did not conform to the schema: …</c>).
    /// </summary>
    public static void CheckSignUp(AppClient client, IReadOnlyDictionary<string, string> attributes)
    {
        CheckWritable(client, attributes.Keys);
        CheckValues(client.Pool, attributes);
        foreach (var required in client.Pool.Options.Schema ?? [])
        {
            if (required.Required && (!attributes.TryGetValue(required.AttributeName, out var value) || value.Length == 0))
            {
                throw NotConforming($"{required.AttributeName}: The attribute is required");
            }
        }
    }

    /// <summary>
    /// The checks of a change to an existing user (UpdateUserAttributes with <paramref name="client"/>, the Admin* calls
    /// without): writable by the client, declared, within constraints, and not an immutable attribute.
    /// </summary>
    public static void CheckUpdate(UserPool pool, AppClient? client, IReadOnlyDictionary<string, string> changes)
    {
        if (client is not null)
        {
            CheckWritable(client, changes.Keys);
        }

        CheckValues(pool, changes);
        foreach (var name in changes.Keys)
        {
            if (Declared(pool, name) is { Mutable: false })
            {
                // Cognito: an immutable attribute is set when the user is created and never again.
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"user.{name}: Attribute cannot be updated.");
            }
        }
    }

    /// <summary>
    /// DeleteUserAttributes / AdminDeleteUserAttributes: an attribute the pool's schema requires cannot go, in the words
    /// SignUp uses for a missing one.
    /// </summary>
    public static void CheckRemovable(UserPool pool, string name)
    {
        if (Declared(pool, name) is { Required: true })
        {
            throw NotConforming($"{name}: The attribute is required");
        }
    }

    /// <summary>
    /// The <c>userAttributes.&lt;name&gt;</c> of a NEW_PASSWORD_REQUIRED answer (already read by
    /// <see cref="UserAttributes.FromClient"/>): writable by the client, declared and within constraints; an immutable
    /// attribute only when the user lacks it (that is what the challenge asks for); a phone number or email the user
    /// already has is Cognito's <c>NotAuthorizedException: Cannot modify an already provided email</c>. Every required
    /// attribute the user lacks must be among them, else Cognito's <c>Invalid attributes given, &lt;name&gt; is missing</c>.
    /// </summary>
    public static void CheckNewPasswordAnswer(AppClient client, User user, IReadOnlyDictionary<string, string> changes)
    {
        foreach (var name in changes.Keys)
        {
            if (name is UserAttributes.PhoneNumber or UserAttributes.Email && user.Attributes.ContainsKey(name))
            {
                throw CognitoErrors.Error(CognitoErrors.NotAuthorized, $"Cannot modify an already provided {name}");
            }
        }

        CheckWritable(client, changes.Keys);
        CheckValues(client.Pool, changes);
        foreach (var name in changes.Keys)
        {
            if (Declared(client.Pool, name) is { Mutable: false } && user.Attributes.ContainsKey(name))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"user.{name}: Attribute cannot be updated.");
            }
        }

        var missing = MissingRequired(client.Pool, user)
            .Where(name => changes.GetValueOrDefault(name) is not { Length: > 0 })
            .ToList();
        if (missing.Count > 0)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Invalid attributes given, {string.Join(" and ", missing)} is missing");
        }
    }

    /// <summary>The attributes the pool's schema requires that the user lacks (NEW_PASSWORD_REQUIRED's <c>requiredAttributes</c>).</summary>
    public static IEnumerable<string> MissingRequired(UserPool pool, User user) =>
        (pool.Options.Schema ?? []).Where(a => a.Required && user.Attributes.GetValueOrDefault(a.AttributeName) is not { Length: > 0 }).Select(a => a.AttributeName);

    /// <summary>The values an Admin* call creates a user with: declared and within constraints (required ones may be missing, as in Cognito).</summary>
    public static void CheckAdminCreate(UserPool pool, IReadOnlyDictionary<string, string> attributes) => CheckValues(pool, attributes);

    /// <summary>The attributes the client may read (GetUser, the ID token): all, unless its <c>ReadAttributes</c> says otherwise.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Readable(AppClient? client, IEnumerable<KeyValuePair<string, string>> attributes) =>
        client is null ? attributes : attributes.Where(a => client.CanRead(a.Key));

    /// <summary>
    /// Where a sign-up code goes: the first of <c>phone_number</c>, <c>email</c> the user has and the pool's
    /// <c>AutoVerifiedAttributes</c> list (unset: both). Null when none applies.
    /// </summary>
    public static (string Attribute, string Destination)? ConfirmationDestination(UserPool pool, IReadOnlyDictionary<string, string> attributes)
    {
        var verified = pool.Options.AutoVerifiedAttributes;
        foreach (var name in new[] { UserAttributes.PhoneNumber, UserAttributes.Email })
        {
            if ((verified is null || verified.Contains(name)) && attributes.TryGetValue(name, out var value))
            {
                return (name, value);
            }
        }

        return null;
    }

    /// <summary>Whether the pool sends no sign-up code at all (<c>AutoVerifiedAttributes: []</c>): an administrator confirms.</summary>
    public static bool SendsNoConfirmationCode(UserPool pool) => pool.Options.AutoVerifiedAttributes is { Count: 0 };

    /// <summary>
    /// Whether <paramref name="login"/> may sign <paramref name="user"/> in. Always by username; in a pool with
    /// <c>AliasAttributes</c>, by a phone number or email only when it is listed there and verified (Cognito: "an alias
    /// is created once the attribute is verified"), and by a listed <c>preferred_username</c> once the user is confirmed.
    /// Pools without the setting accept either, as before it.
    /// </summary>
    public static bool AcceptsLogin(UserPool pool, User user, string login)
    {
        if (pool.Options.AliasAttributes is not { } aliases || Logins.UsernameKey(user.Username) == Logins.Key(login)
            || pool.UsesPhoneAsUsername || pool.UsesEmailAsUsername)
        {
            return true;
        }

        if (User.PreferredUsernameKeyOf(aliases, user.Status, user.Attributes) is { } preferred && preferred == Logins.Key(login))
        {
            // A preferred-username alias (listed, user confirmed): it needs no verification.
            return true;
        }

        var (name, flag) = user.PhoneNumber == login
            ? (UserAttributes.PhoneNumber, UserAttributes.PhoneNumberVerified)
            : (UserAttributes.Email, UserAttributes.EmailVerified);
        return aliases.Contains(name) && user.Attributes.GetValueOrDefault(flag) == "true";
    }

    /// <summary><see cref="AcceptsLogin"/> applied to a lookup: the user, or null when the login is not one of theirs yet.</summary>
    public static User? SignInMatch(UserPool pool, User? user, string login) =>
        user is not null && AcceptsLogin(pool, user, login) ? user : null;

    /// <summary>Cognito's answer to an alias another user holds (ConfirmSignUp, AdminCreateUser, attribute updates, NEW_PASSWORD_REQUIRED).</summary>
    public static CognitoException AliasExists(string attribute) =>
        CognitoErrors.Error(CognitoErrors.AliasExists, $"An account with the given {attribute} already exists.");

    /// <summary>The AliasExistsException of a write the store refused because another user holds an alias; null for any other outcome.</summary>
    public static CognitoException? AliasConflict(AttributeWriteOutcome outcome) => outcome switch
    {
        AttributeWriteOutcome.PhoneNumberExists => AliasExists(UserAttributes.PhoneNumber),
        AttributeWriteOutcome.EmailExists => AliasExists(UserAttributes.Email),
        AttributeWriteOutcome.PreferredUsernameExists => AliasExists(UserAttributes.PreferredUsername),
        _ => null,
    };

    private static void CheckWritable(AppClient client, IEnumerable<string> names)
    {
        if (names.Any(name => !client.CanWrite(name)))
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, "A client attempted to write unauthorized attribute");
        }
    }

    private static void CheckValues(UserPool pool, IReadOnlyDictionary<string, string> attributes)
    {
        if (pool.Options.Schema is null)
        {
            return;
        }

        foreach (var (name, value) in attributes)
        {
            var declared = Declared(pool, name);
            if (declared is null)
            {
                if (name.StartsWith(PoolAttributeSettings.CustomPrefix, StringComparison.Ordinal))
                {
                    throw NotConforming($"{name}: Attribute does not exist in the schema.");
                }

                continue;
            }

            if (declared.AttributeDataType == "Number")
            {
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    throw NotConforming($"{name}: Number expected");
                }

                if (declared.NumberAttributeConstraints is { } bounds
                    && ((bounds.MinValue is { } min && number < min) || (bounds.MaxValue is { } max && number > max)))
                {
                    throw NotConforming($"{name}: Number must be between {bounds.MinValue?.ToString(CultureInfo.InvariantCulture) ?? "any"} and {bounds.MaxValue?.ToString(CultureInfo.InvariantCulture) ?? "any"}");
                }
            }
            else if (declared.AttributeDataType == "String" && declared.StringAttributeConstraints is { } length)
            {
                var min = length.MinLength ?? 0;
                var max = length.MaxLength ?? 2048;
                if (value.Length < min || value.Length > max)
                {
                    throw NotConforming($"{name}: String must be between {min} and {max} characters long");
                }
            }
        }
    }

    private static SchemaAttributeOptions? Declared(UserPool pool, string name) =>
        pool.Options.Schema?.FirstOrDefault(a => a.AttributeName == name);

    private static CognitoException NotConforming(string detail) =>
        CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Attributes did not conform to the schema: {detail}");
}
