using System.Globalization;
using System.Text.RegularExpressions;
using Sesame.Cognito;
using Sesame.Storage;

namespace Sesame.CognitoApi;

/// <summary>Cognito's <c>GroupType</c>. Dates are epoch seconds, as Cognito writes them.</summary>
internal sealed record GroupType(
    string GroupName, string UserPoolId, string? Description, string? RoleArn, int? Precedence, double LastModifiedDate, double CreationDate);

/// <summary>The members and checks the group operations share, with the constraints of Cognito's model.</summary>
internal static partial class GroupShapes
{
    /// <summary>Cognito's page limit for ListGroups, AdminListGroupsForUser and ListUsersInGroup.</summary>
    public const int MaxLimit = 60;

    public static GroupType ToGroupType(GroupRecord group) => new(
        group.GroupName, group.PoolId, group.Description, group.RoleArn, group.Precedence,
        AdminShapes.Epoch(group.ModifiedAt), AdminShapes.Epoch(group.CreatedAt));

    public static string Name(string? value)
    {
        var name = Validate.Length(value, "groupName", 1, 128);
        return NamePattern().IsMatch(name)
            ? name
            : throw CognitoErrors.Validation("groupName", @"Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+", name);
    }

    public static string? Description(string? value) => value is null ? null : Validate.Length(value, "description", 0, 2048);

    public static string? RoleArn(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var arn = Validate.Length(value, "roleArn", 20, 2048);
        return ArnPattern().IsMatch(arn)
            ? arn
            : throw CognitoErrors.Validation("roleArn",
                @"Member must satisfy regular expression pattern: arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?", arn);
    }

    public static int? Precedence(int? value) => value is < 0
        ? throw CognitoErrors.Validation("precedence", "Member must have value greater than or equal to 0", value.Value.ToString(CultureInfo.InvariantCulture))
        : value;

    /// <summary>A page size from 0 to 60; 0 or none is read as 60 (an empty page that carries a token helps nobody).</summary>
    public static int Limit(int? value) => value switch
    {
        < 0 => throw CognitoErrors.Validation("limit", "Member must have value greater than or equal to 0", value.Value.ToString(CultureInfo.InvariantCulture)),
        > MaxLimit => throw CognitoErrors.Validation("limit", $"Member must have value less than or equal to {MaxLimit}", value.Value.ToString(CultureInfo.InvariantCulture)),
        > 0 => value.Value,
        _ => MaxLimit,
    };

    /// <summary>
    /// Cognito's answer for a group the pool does not have (GetGroup, AdminAddUserToGroup, …). The message is what
    /// AWS CLI users report; it is not in the API reference (docs/compatibility.md).
    /// </summary>
    public static CognitoException NotFound() => CognitoErrors.Error(CognitoErrors.ResourceNotFound, "Group not found.");

    [GeneratedRegex(@"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$")]
    private static partial Regex ArnPattern();
}
