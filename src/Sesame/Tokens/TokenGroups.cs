using Sesame.Storage;

namespace Sesame.Tokens;

/// <summary>
/// The group claims of a user's tokens: <c>cognito:groups</c> in precedence order (lowest value first, groups without
/// one last, then by name), <c>cognito:roles</c> the groups' role ARNs in that order, and <c>cognito:preferred_role</c>
/// the role of the highest-precedence group that has one — none when two groups share that precedence with
/// different roles (CreateGroup API reference, <c>Precedence</c>).
/// </summary>
internal sealed record TokenGroups(IReadOnlyList<string> Groups, IReadOnlyList<string> Roles, string? PreferredRole)
{
    public static readonly TokenGroups None = new([], [], null);

    public static TokenGroups From(IReadOnlyList<GroupRecord> groups)
    {
        if (groups.Count == 0)
        {
            return None;
        }

        var ordered = groups
            .OrderBy(g => g.Precedence is null)
            .ThenBy(g => g.Precedence)
            .ThenBy(g => GroupRecord.Key(g.GroupName), StringComparer.Ordinal)
            .ToList();
        var withRoles = ordered.Where(g => g.RoleArn is not null).ToList();
        string? preferred = null;
        if (withRoles.Count > 0)
        {
            var top = withRoles.Where(g => g.Precedence == withRoles[0].Precedence).Select(g => g.RoleArn!).Distinct(StringComparer.Ordinal).ToList();
            preferred = top.Count == 1 ? top[0] : null;
        }

        return new TokenGroups(
            [.. ordered.Select(g => g.GroupName)], [.. withRoles.Select(g => g.RoleArn!).Distinct(StringComparer.Ordinal)], preferred);
    }
}
