using Microsoft.Data.Sqlite;
using Sesame.Users;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteGroupStore(SqliteDatabase database) : IGroupStore
{
    public async ValueTask<bool> CreateAsync(GroupRecord group, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = Command(connection, transaction, SqliteDatabase.Sql.CreateGroup, group.PoolId, group.GroupName);
            command.Parameters.AddWithValue("@name", group.GroupName);
            command.Parameters.AddWithValue("@description", (object?)group.Description ?? DBNull.Value);
            command.Parameters.AddWithValue("@role", (object?)group.RoleArn ?? DBNull.Value);
            command.Parameters.AddWithValue("@precedence", (object?)group.Precedence ?? DBNull.Value);
            command.Parameters.AddWithValue("@now", group.CreatedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<GroupRecord?> FindAsync(string poolId, string groupName, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = Command(connection, null, SqliteDatabase.Sql.FindGroup, poolId, groupName);
            return ReadGroups(command).FirstOrDefault();
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<GroupRecord>> ListAsync(string poolId, string? afterKey, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = Command(connection, null, SqliteDatabase.Sql.ListGroups, poolId, null);
            command.Parameters.AddWithValue("@after", afterKey ?? string.Empty);
            command.Parameters.AddWithValue("@limit", limit);
            return (IReadOnlyList<GroupRecord>)ReadGroups(command);
        }, cancellationToken);

    public async ValueTask<GroupRecord?> UpdateAsync(
        string poolId, string groupName, GroupChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = Command(connection, transaction, SqliteDatabase.Sql.UpdateGroup, poolId, groupName);
            command.Parameters.AddWithValue("@description", (object?)change.Description ?? DBNull.Value);
            command.Parameters.AddWithValue("@role", (object?)change.RoleArn ?? DBNull.Value);
            command.Parameters.AddWithValue("@precedence", (object?)change.Precedence ?? DBNull.Value);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            return ReadGroups(command).FirstOrDefault();
        }, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string poolId, string groupName, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = Command(connection, transaction, SqliteDatabase.Sql.DeleteGroup, poolId, groupName);
            return command.ExecuteScalar() is not null;
        }, cancellationToken);

    public async ValueTask<MembershipOutcome> AddMemberAsync(
        string poolId, string groupName, string sub, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using (var insert = Command(connection, transaction, SqliteDatabase.Sql.AddGroupMember, poolId, groupName))
            {
                insert.Parameters.AddWithValue("@sub", sub);
                insert.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                if (insert.ExecuteNonQuery() == 1)
                {
                    return MembershipOutcome.Member;
                }
            }

            using var group = Command(connection, transaction, SqliteDatabase.Sql.CountGroup, poolId, groupName);
            if ((long)group.ExecuteScalar()! == 0)
            {
                return MembershipOutcome.NoSuchGroup;
            }

            using var user = Command(connection, transaction, SqliteDatabase.Sql.CountUserBySub, poolId, null);
            user.Parameters.AddWithValue("@sub", sub);
            return (long)user.ExecuteScalar()! == 0 ? MembershipOutcome.NoSuchUser : MembershipOutcome.Member;
        }, cancellationToken);

    public async ValueTask<bool> RemoveMemberAsync(string poolId, string groupName, string sub, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using (var remove = Command(connection, transaction, SqliteDatabase.Sql.RemoveGroupMember, poolId, groupName))
            {
                remove.Parameters.AddWithValue("@sub", sub);
                remove.ExecuteNonQuery();
            }

            using var group = Command(connection, transaction, SqliteDatabase.Sql.CountGroup, poolId, groupName);
            return (long)group.ExecuteScalar()! == 1;
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<GroupRecord>> ListForUserAsync(
        string poolId, string sub, string? afterKey, int? limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = Command(connection, null, SqliteDatabase.Sql.ListGroupsForUser, poolId, null);
            command.Parameters.AddWithValue("@sub", sub);
            command.Parameters.AddWithValue("@after", afterKey ?? string.Empty);
            command.Parameters.AddWithValue("@limit", limit ?? int.MaxValue);
            return (IReadOnlyList<GroupRecord>)ReadGroups(command);
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<User>> ListMembersAsync(
        string poolId, string groupName, string? afterUsernameKey, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = Command(connection, null, SqliteDatabase.Sql.ListGroupMembers, poolId, groupName);
            command.Parameters.AddWithValue("@after", afterUsernameKey ?? string.Empty);
            command.Parameters.AddWithValue("@limit", limit);
            using var reader = command.ExecuteReader();
            var users = new List<User>();
            while (reader.Read())
            {
                users.Add(SqliteUserRows.Read(reader));
            }

            return (IReadOnlyList<User>)users;
        }, cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, string poolId, string? groupName)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@pool", poolId);
        if (groupName is not null)
        {
            command.Parameters.AddWithValue("@group", GroupRecord.Key(groupName));
        }

        return command;
    }

    private static List<GroupRecord> ReadGroups(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var groups = new List<GroupRecord>();
        while (reader.Read())
        {
            groups.Add(new GroupRecord(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return groups;
    }
}
