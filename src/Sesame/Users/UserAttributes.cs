using System.Text.RegularExpressions;
using Sesame.Cognito;

namespace Sesame.Users;

/// <summary>Cognito's standard attributes and the rules for writing them.</summary>
internal static partial class UserAttributes
{
    public const string Sub = "sub";
    public const string PhoneNumber = "phone_number";
    public const string PhoneNumberVerified = "phone_number_verified";
    public const string Email = "email";
    public const string EmailVerified = "email_verified";
    public const string PreferredUsername = "preferred_username";

    // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html (standard attributes)
    private static readonly HashSet<string> Writable = new(StringComparer.Ordinal)
    {
        "address", "birthdate", Email, "family_name", "gender", "given_name", "locale", "middle_name", "name",
        "nickname", PhoneNumber, "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo",
    };

    /// <summary>Whether <paramref name="name"/> is one of Cognito's standard attributes a user or administrator may write.</summary>
    public static bool IsStandard(string name) => Writable.Contains(name);

    public static bool IsPhoneNumber(string value) => PhonePattern().IsMatch(value);

    public static bool IsEmail(string value) =>
        value.Length <= 254 && EmailPattern().IsMatch(value);

    /// <summary>
    /// Checks attributes a client sends. Verification flags are not client-writable: they become true only through a code.
    /// </summary>
    public static Dictionary<string, string> FromClient(IReadOnlyList<AttributeType>? attributes, string member)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (attributes is null)
        {
            return result;
        }

        if (attributes.Count > 50)
        {
            throw CognitoErrors.Validation(member, "Member must have length less than or equal to 50");
        }

        foreach (var attribute in attributes)
        {
            var name = Validate.Length(attribute?.Name, $"{member}.member.name", 1, 32);
            var value = attribute!.Value ?? string.Empty;
            if (value.Length > 2048)
            {
                throw CognitoErrors.Validation($"{member}.member.value", "Member must have length less than or equal to 2048");
            }

            if (!Writable.Contains(name) && !(name.StartsWith("custom:", StringComparison.Ordinal) && name.Length > 7))
            {
                throw name is Sub or EmailVerified or PhoneNumberVerified
                    ? CognitoErrors.Error(CognitoErrors.NotAuthorized, $"A client attempted to write unauthorized attribute")
                    : CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Attributes did not conform to the schema: {name}: Attribute does not exist in the schema.");
            }

            if (name == PhoneNumber && !IsPhoneNumber(value))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Invalid phone number format.");
            }

            if (name == Email && !IsEmail(value))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Invalid email address format.");
            }

            if (!result.TryAdd(name, value))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Duplicate attribute: {name}");
            }
        }

        return result;
    }

    // E.164, the only format Cognito accepts for phone_number. ASCII digits only and \z, not $ (which also matches
    // before a final newline): one number must have one spelling, or limits per number could be dodged.
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+\z")]
    private static partial Regex EmailPattern();
}

/// <summary>Cognito's <c>AttributeType</c>.</summary>
internal sealed record AttributeType(string? Name, string? Value);
