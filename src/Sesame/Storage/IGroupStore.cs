using Sesame.Users;

namespace Sesame.Storage;

/// <summary>A user pool group (CreateGroup). <paramref name="GroupName"/> is kept as given; it is matched case-insensitively.</summary>
internal sealed record GroupRecord(
    string PoolId, string GroupName, string? Description, string? RoleArn, int? Precedence, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt)
{
    /// <summary>The key a group name is matched and ordered by.</summary>
    public static string Key(string groupName) => groupName.ToLowerInvariant();
}

/// <summary>What UpdateGroup changes: a null member keeps the group's value.</summary>
internal sealed record GroupChange(string? Description, string? RoleArn, int? Precedence);

/// <summary>How adding a user to a group ended.</summary>
internal enum MembershipOutcome
{
    /// <summary>The user is a member (already, or from now on).</summary>
    Member,
    NoSuchGroup,
    NoSuchUser,
}

/// <summary>
/// Groups of a pool and their members. Members are held by the user's <c>sub</c>, so a user deleted (or an abandoned
/// sign-up replaced) leaves no membership behind for a later user of the same name: the database removes it with the
/// user, and with the group.
/// </summary>
internal interface IGroupStore
{
    /// <summary>Creates a group; false when the pool has a group of that name (in any case) already.</summary>
    ValueTask<bool> CreateAsync(GroupRecord group, CancellationToken cancellationToken);

    ValueTask<GroupRecord?> FindAsync(string poolId, string groupName, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> groups whose name key sorts after <paramref name="afterKey"/>, in name-key order.</summary>
    ValueTask<IReadOnlyList<GroupRecord>> ListAsync(string poolId, string? afterKey, int limit, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="change"/>; the group as it now is, or null when there is no such group.</summary>
    ValueTask<GroupRecord?> UpdateAsync(string poolId, string groupName, GroupChange change, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a group and its memberships; false when there is no such group.</summary>
    ValueTask<bool> DeleteAsync(string poolId, string groupName, CancellationToken cancellationToken);

    /// <summary>Makes the user with this sub a member of the group; adding a member again changes nothing.</summary>
    ValueTask<MembershipOutcome> AddMemberAsync(string poolId, string groupName, string sub, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends a membership; false when there is no such group (not being a member is no error).</summary>
    ValueTask<bool> RemoveMemberAsync(string poolId, string groupName, string sub, CancellationToken cancellationToken);

    /// <summary>
    /// Groups the user with this sub belongs to, in name-key order after <paramref name="afterKey"/>; all of them when
    /// <paramref name="limit"/> is null (tokens).
    /// </summary>
    ValueTask<IReadOnlyList<GroupRecord>> ListForUserAsync(string poolId, string sub, string? afterKey, int? limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> members of the group whose username key sorts after <paramref name="afterUsernameKey"/>.</summary>
    ValueTask<IReadOnlyList<User>> ListMembersAsync(
        string poolId, string groupName, string? afterUsernameKey, int limit, CancellationToken cancellationToken);
}
