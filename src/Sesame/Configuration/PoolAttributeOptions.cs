using Microsoft.Extensions.Options;

namespace Sesame.Configuration;

/// <summary>
/// One attribute of a pool's schema, Cognito's <c>SchemaAttributeType</c>: a standard attribute (<c>email</c>,
/// <c>given_name</c> …) made required, or a custom one (<c>custom:plan</c>; the <c>custom:</c> prefix may be left out,
/// as in CreateUserPool) with its type, mutability and constraints.
/// </summary>
public sealed class SchemaAttributeOptions
{
    /// <summary>The attribute's name: a standard attribute, or a custom one (1–20 characters after <c>custom:</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>String</c> (default), <c>Number</c>, <c>DateTime</c> or <c>Boolean</c>.</summary>
    public string AttributeDataType { get; set; } = "String";

    /// <summary>Whether the value may change after the user is created. Default true (Cognito's).</summary>
    public bool Mutable { get; set; } = true;

    /// <summary>Whether SignUp must carry it. Standard attributes only (Cognito refuses required custom attributes).</summary>
    public bool Required { get; set; }

    /// <summary>Length bounds of a <c>String</c> value.</summary>
    public StringAttributeConstraintsOptions? StringAttributeConstraints { get; set; }

    /// <summary>Value bounds of a <c>Number</c> value.</summary>
    public NumberAttributeConstraintsOptions? NumberAttributeConstraints { get; set; }

    /// <summary>The name as users' attributes carry it: custom ones with their <c>custom:</c> prefix.</summary>
    public string AttributeName => Name.StartsWith(PoolAttributeSettings.CustomPrefix, StringComparison.Ordinal) || PoolAttributeSettings.IsStandard(Name)
        ? Name
        : PoolAttributeSettings.CustomPrefix + Name;
}

/// <summary>Cognito's <c>StringAttributeConstraintsType</c>.</summary>
public sealed class StringAttributeConstraintsOptions
{
    /// <summary>Fewest characters. Default 0.</summary>
    public int? MinLength { get; set; }

    /// <summary>Most characters, at most 2048 (Cognito's limit for any value). Default 2048.</summary>
    public int? MaxLength { get; set; }
}

/// <summary>Cognito's <c>NumberAttributeConstraintsType</c>.</summary>
public sealed class NumberAttributeConstraintsOptions
{
    /// <summary>Smallest value allowed. Default: none.</summary>
    public long? MinValue { get; set; }

    /// <summary>Largest value allowed. Default: none.</summary>
    public long? MaxValue { get; set; }
}

/// <summary>
/// The rules for a pool's <c>AliasAttributes</c>, <c>AutoVerifiedAttributes</c>, <c>Schema</c> and its clients'
/// <c>ReadAttributes</c> / <c>WriteAttributes</c>, in one place for the start-up check and for CreateUserPool /
/// CreateUserPoolClient (which answer the first problem as <c>InvalidParameterException</c>).
/// </summary>
public static class PoolAttributeSettings
{
    /// <summary>The prefix of custom attributes.</summary>
    public const string CustomPrefix = "custom:";

    /// <summary>Cognito's standard attributes (the developer guide's table), with the verification flags.</summary>
    public static readonly IReadOnlyList<string> Standard =
    [
        "address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name", "locale", "middle_name",
        "name", "nickname", "phone_number", "phone_number_verified", "picture", "preferred_username", "profile",
        "updated_at", "website", "zoneinfo",
    ];

    private static readonly string[] AliasNames = ["phone_number", "email", "preferred_username"];
    private static readonly string[] VerifiableNames = ["phone_number", "email"];
    private static readonly string[] DataTypes = ["String", "Number", "DateTime", "Boolean"];

    /// <summary>Whether the name is one of Cognito's standard attributes.</summary>
    public static bool IsStandard(string name) => Standard.Contains(name, StringComparer.Ordinal);

    /// <summary>Problems of a pool's attribute settings as (setting, message) pairs; empty when it is sound.</summary>
    public static IEnumerable<(string Setting, string Message)> PoolProblems(UserPoolOptions pool)
    {
        if (pool.AliasAttributes is { } aliases)
        {
            foreach (var alias in aliases.Where(a => !AliasNames.Contains(a, StringComparer.Ordinal)))
            {
                yield return ("AliasAttributes", $"may hold only 'phone_number', 'email' and 'preferred_username', not '{alias}'.");
            }

            if (pool.UsernameAttributes is { Count: > 0 })
            {
                // Cognito: "Only one of AliasAttributes or UsernameAttributes may be specified" (CreateUserPool).
                yield return ("AliasAttributes", "cannot be set together with UsernameAttributes; a pool has one or the other.");
            }
        }

        foreach (var attribute in (pool.AutoVerifiedAttributes ?? []).Where(a => !VerifiableNames.Contains(a, StringComparer.Ordinal)))
        {
            yield return ("AutoVerifiedAttributes", $"may hold only 'phone_number' and 'email', not '{attribute}'.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (attribute, index) in (pool.Schema ?? []).Select((a, i) => (a, i)))
        {
            var at = $"Schema:{index}";
            var name = attribute.AttributeName;
            var custom = name.StartsWith(CustomPrefix, StringComparison.Ordinal);
            if (custom && (name.Length == CustomPrefix.Length || name.Length > CustomPrefix.Length + 20))
            {
                yield return ($"{at}:Name", "a custom attribute's name must have 1 to 20 characters after 'custom:'.");
            }

            if (!seen.Add(name))
            {
                yield return ($"{at}:Name", $"'{name}' is declared twice.");
            }

            if (!DataTypes.Contains(attribute.AttributeDataType, StringComparer.Ordinal))
            {
                yield return ($"{at}:AttributeDataType", $"must be String, Number, DateTime or Boolean, not '{attribute.AttributeDataType}'.");
            }

            if (custom && attribute.Required)
            {
                yield return ($"{at}:Required", "Required custom attributes are not supported currently.");
            }

            if (attribute.StringAttributeConstraints is { } text
                && (text.MinLength is < 0 || text.MaxLength is < 0 or > 2048 || text.MinLength > (text.MaxLength ?? 2048)))
            {
                yield return ($"{at}:StringAttributeConstraints", "MinLength and MaxLength must satisfy 0 <= MinLength <= MaxLength <= 2048.");
            }

            if (attribute.NumberAttributeConstraints is { MinValue: { } min, MaxValue: { } max } && min > max)
            {
                yield return ($"{at}:NumberAttributeConstraints", "MinValue must not be greater than MaxValue.");
            }
        }
    }

    /// <summary>Problems of a client's <c>ReadAttributes</c> / <c>WriteAttributes</c> in its pool, as (setting, message) pairs.</summary>
    public static IEnumerable<(string Setting, string Message)> ClientProblems(UserPoolOptions pool, AppClientOptions client)
    {
        foreach (var (setting, list) in new[] { ("ReadAttributes", client.ReadAttributes), ("WriteAttributes", client.WriteAttributes) })
        {
            foreach (var name in list ?? [])
            {
                if (!IsStandard(name) && !(pool.Schema ?? []).Any(a => a.AttributeName == name)
                    && !(pool.Schema is null && name.StartsWith(CustomPrefix, StringComparison.Ordinal)))
                {
                    yield return (setting, $"'{name}' is not an attribute of the pool.");
                }
            }
        }

        if (client.WriteAttributes is { } writable)
        {
            if (writable.Any(n => n is "email_verified" or "phone_number_verified"))
            {
                yield return ("WriteAttributes", "the verification flags are not writable by a client.");
            }

            // Cognito refuses a client that could not sign a user up: "Invalid write attributes specified while creating a client".
            foreach (var required in (pool.Schema ?? []).Where(a => a.Required && !writable.Contains(a.AttributeName)))
            {
                yield return ("WriteAttributes", $"must include the required attribute '{required.AttributeName}'.");
            }
        }
    }
}

/// <summary>Checks every pool's attribute settings and every client's attribute permissions at start-up.</summary>
internal sealed class PoolAttributeSettingsValidator : IValidateOptions<SesameOptions>
{
    public ValidateOptionsResult Validate(string? name, SesameOptions options)
    {
        var errors = new List<string>();
        foreach (var (poolId, pool) in options.UserPools)
        {
            var at = $"Sesame:UserPools:{poolId}";
            errors.AddRange(PoolAttributeSettings.PoolProblems(pool).Select(p => $"{at}:{p.Setting} {p.Message}"));
            foreach (var (clientId, client) in pool.Clients)
            {
                errors.AddRange(PoolAttributeSettings.ClientProblems(pool, client).Select(p => $"{at}:Clients:{clientId}:{p.Setting} {p.Message}"));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
