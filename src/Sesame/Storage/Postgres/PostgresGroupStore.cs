using Npgsql;
using Sesame.Users;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresGroupStore(PostgresDatabase database) : IGroupStore
{
    public async ValueTask<bool> CreateAsync(GroupRecord group, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = Command(connection, transaction, PostgresDatabase.Sql.CreateGroup, group.PoolId, group.GroupName)
                .Text("@name", group.GroupName).Text("@description", group.Description).Text("@role", group.RoleArn)
                .NullableInt("@precedence", group.Precedence).Time("@now", group.CreatedAt);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<GroupRecord?> FindAsync(string poolId, string groupName, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null, PostgresDatabase.Sql.FindGroup, poolId, groupName);
            return (await ReadGroupsAsync(command, ct)).FirstOrDefault();
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<GroupRecord>> ListAsync(string poolId, string? afterKey, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync<IReadOnlyList<GroupRecord>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, PostgresDatabase.Sql.ListGroups, poolId, null)
                .Text("@after", afterKey ?? string.Empty).Int("@limit", limit);
            return await ReadGroupsAsync(command, ct);
        }, cancellationToken);

    public async ValueTask<GroupRecord?> UpdateAsync(
        string poolId, string groupName, GroupChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = Command(connection, transaction, PostgresDatabase.Sql.UpdateGroup, poolId, groupName)
                .Text("@description", change.Description).Text("@role", change.RoleArn).NullableInt("@precedence", change.Precedence).Time("@now", now);
            return (await ReadGroupsAsync(command, ct)).FirstOrDefault();
        }, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string poolId, string groupName, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = Command(connection, transaction, PostgresDatabase.Sql.DeleteGroup, poolId, groupName);
            return await command.ExecuteScalarAsync(ct) is not null;
        }, cancellationToken);

    public async ValueTask<MembershipOutcome> AddMemberAsync(
        string poolId, string groupName, string sub, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await database.WriteAsync(async (connection, transaction, ct) =>
            {
                await using (var insert = Command(connection, transaction, PostgresDatabase.Sql.AddGroupMember, poolId, groupName)
                    .Text("@sub", sub).Time("@now", now))
                {
                    if (await insert.ExecuteNonQueryAsync(ct) == 1)
                    {
                        return MembershipOutcome.Member;
                    }
                }

                await using var group = Command(connection, transaction, PostgresDatabase.Sql.CountGroup, poolId, groupName);
                if ((long)(await group.ExecuteScalarAsync(ct))! == 0)
                {
                    return MembershipOutcome.NoSuchGroup;
                }

                await using var user = Command(connection, transaction, PostgresDatabase.Sql.CountUserBySub, poolId, null).Text("@sub", sub);
                return (long)(await user.ExecuteScalarAsync(ct))! == 0 ? MembershipOutcome.NoSuchUser : MembershipOutcome.Member;
            }, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // Another node deleted the group or the user after this statement read it: the foreign key decided.
            return e.ConstraintName == "user_group_members_group" ? MembershipOutcome.NoSuchGroup : MembershipOutcome.NoSuchUser;
        }
    }

    public async ValueTask<bool> RemoveMemberAsync(string poolId, string groupName, string sub, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using (var remove = Command(connection, transaction, PostgresDatabase.Sql.RemoveGroupMember, poolId, groupName).Text("@sub", sub))
            {
                await remove.ExecuteNonQueryAsync(ct);
            }

            await using var group = Command(connection, transaction, PostgresDatabase.Sql.CountGroup, poolId, groupName);
            return (long)(await group.ExecuteScalarAsync(ct))! == 1;
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<GroupRecord>> ListForUserAsync(
        string poolId, string sub, string? afterKey, int? limit, CancellationToken cancellationToken) =>
        await database.ReadAsync<IReadOnlyList<GroupRecord>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, PostgresDatabase.Sql.ListGroupsForUser, poolId, null)
                .Text("@sub", sub).Text("@after", afterKey ?? string.Empty).Int("@limit", limit ?? int.MaxValue);
            return await ReadGroupsAsync(command, ct);
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<User>> ListMembersAsync(
        string poolId, string groupName, string? afterUsernameKey, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync<IReadOnlyList<User>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, PostgresDatabase.Sql.ListGroupMembers, poolId, groupName)
                .Text("@after", afterUsernameKey ?? string.Empty).Int("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var users = new List<User>();
            while (await reader.ReadAsync(ct))
            {
                users.Add(PostgresUserRows.Read(reader));
            }

            return users;
        }, cancellationToken);

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, string poolId, string? groupName)
    {
        var command = connection.Command(sql, transaction).Text("@pool", poolId);
        return groupName is null ? command : command.Text("@group", GroupRecord.Key(groupName));
    }

    private static async Task<List<GroupRecord>> ReadGroupsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var groups = new List<GroupRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            groups.Add(new GroupRecord(
                reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.GetTime(5), reader.GetTime(6)));
        }

        return groups;
    }
}
