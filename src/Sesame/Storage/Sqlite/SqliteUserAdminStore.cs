using Sesame.Users;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteUserAdminStore(SqliteDatabase database) : IUserAdminStore
{
    public async ValueTask<IReadOnlyList<User>> ListAsync(
        string poolId, UserCondition? condition, string? afterUsernameKey, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            if (condition is not null)
            {
                command.Parameters.AddWithValue("@value", StoreSql.ListValue(condition));
            }

            command.CommandText = SqliteDatabase.Sql.ListUsers(condition);
            command.Parameters.AddWithValue("@pool", poolId);
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

    public async ValueTask<long> CountAsync(string poolId, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.CountUsers;
            command.Parameters.AddWithValue("@pool", poolId);
            return (long)command.ExecuteScalar()!;
        }, cancellationToken);

    public async ValueTask QueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            foreach (var message in messages)
            {
                SqliteOutboxStore.Enqueue(connection, transaction, message);
            }

            return true;
        }, cancellationToken);
}
