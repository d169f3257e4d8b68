using System.Globalization;
using Sesame.Cognito;
using Sesame.Configuration;

namespace Sesame.CognitoApi;

/// <summary>Cognito's <c>StringAttributeConstraintsType</c>: numbers as strings, as the API carries them.</summary>
internal sealed record StringAttributeConstraintsType(string? MinLength, string? MaxLength);

/// <summary>Cognito's <c>NumberAttributeConstraintsType</c>.</summary>
internal sealed record NumberAttributeConstraintsType(string? MinValue, string? MaxValue);

/// <summary>Cognito's <c>SchemaAttributeType</c>.</summary>
internal sealed record SchemaAttributeType(
    string? Name, string? AttributeDataType = null, bool? DeveloperOnlyAttribute = null, bool? Mutable = null, bool? Required = null,
    NumberAttributeConstraintsType? NumberAttributeConstraints = null, StringAttributeConstraintsType? StringAttributeConstraints = null);

/// <summary>
/// The pool attribute members of CreateUserPool / UpdateUserPool / DescribeUserPool / AddCustomAttributes and of the
/// client calls (<c>ReadAttributes</c>, <c>WriteAttributes</c>), to and from <see cref="UserPoolOptions"/>, checked by
/// the same rules as configuration (<see cref="PoolAttributeSettings"/>).
/// </summary>
internal static class SchemaShapes
{
    /// <summary>Cognito's standard attributes as DescribeUserPool lists them when the pool declares nothing about them.</summary>
    public static List<SchemaAttributeType> Describe(UserPoolOptions pool)
    {
        var declared = pool.Schema ?? [];
        var result = new List<SchemaAttributeType> { new("sub", "String", false, false, true, null, new("1", "2048")) };
        foreach (var name in PoolAttributeSettings.Standard)
        {
            var own = declared.FirstOrDefault(a => a.AttributeName == name);
            result.Add(own is null
                ? new SchemaAttributeType(name, name.EndsWith("_verified", StringComparison.Ordinal) ? "Boolean" : "String", false, true, false)
                : ToWire(own));
        }

        result.AddRange(declared.Where(a => !PoolAttributeSettings.IsStandard(a.AttributeName)).Select(ToWire));
        return result;
    }

    /// <summary>The schema a request declares, in the pool's settings form; null when the request has none.</summary>
    public static List<SchemaAttributeOptions>? FromWire(List<SchemaAttributeType>? schema, string member)
    {
        if (schema is null)
        {
            return null;
        }

        if (schema.Count is 0 or > 50)
        {
            throw CognitoErrors.Validation(member, schema.Count == 0 ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 50");
        }

        return [.. schema.Select(a => new SchemaAttributeOptions
        {
            Name = Validate.Length(a?.Name, $"{member}.member.name", 1, 32),
            AttributeDataType = a!.AttributeDataType ?? "String",
            Mutable = a.Mutable ?? true,
            Required = a.Required ?? false,
            StringAttributeConstraints = a.StringAttributeConstraints is { } text
                ? new StringAttributeConstraintsOptions { MinLength = Number(text.MinLength, member), MaxLength = Number(text.MaxLength, member) }
                : null,
            NumberAttributeConstraints = a.NumberAttributeConstraints is { } bounds
                ? new NumberAttributeConstraintsOptions { MinValue = Long(bounds.MinValue, member), MaxValue = Long(bounds.MaxValue, member) }
                : null,
        })];
    }

    /// <summary>Throws the first problem of the pool's attribute settings as <c>InvalidParameterException</c>.</summary>
    public static void Check(UserPoolOptions settings)
    {
        foreach (var (setting, message) in PoolAttributeSettings.PoolProblems(settings))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{setting} {message}");
        }
    }

    /// <summary>Throws a client's attribute permissions problem in Cognito's words.</summary>
    public static void CheckClient(UserPoolOptions pool, AppClientOptions client, bool creating)
    {
        foreach (var (setting, _) in PoolAttributeSettings.ClientProblems(pool, client))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                $"Invalid {(setting == "ReadAttributes" ? "read" : "write")} attributes specified while {(creating ? "creating" : "updating")} a client");
        }
    }

    private static SchemaAttributeType ToWire(SchemaAttributeOptions a) => new(
        a.AttributeName, a.AttributeDataType, false, a.Mutable, a.Required,
        a.NumberAttributeConstraints is { } bounds
            ? new NumberAttributeConstraintsType(bounds.MinValue?.ToString(CultureInfo.InvariantCulture), bounds.MaxValue?.ToString(CultureInfo.InvariantCulture))
            : null,
        a.AttributeDataType == "String"
            ? new StringAttributeConstraintsType(
                (a.StringAttributeConstraints?.MinLength ?? 0).ToString(CultureInfo.InvariantCulture),
                (a.StringAttributeConstraints?.MaxLength ?? 2048).ToString(CultureInfo.InvariantCulture))
            : null);

    private static int? Number(string? value, string member) => value is null ? null
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
        : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{member}: '{value}' is not a valid length.");

    private static long? Long(string? value, string member) => value is null ? null
        : long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number
        : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{member}: '{value}' is not a valid number.");
}
