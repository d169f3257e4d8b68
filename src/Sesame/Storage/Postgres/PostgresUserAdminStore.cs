using Sesame.Users;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresUserAdminStore(PostgresDatabase database) : IUserAdminStore
{
    public async ValueTask<IReadOnlyList<User>> ListAsync(
        string poolId, UserCondition? condition, string? afterUsernameKey, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync<IReadOnlyList<User>>(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.ListUsers(condition))
                .Text("@pool", poolId).Text("@after", afterUsernameKey ?? string.Empty).Int("@limit", limit);
            if (condition is not null)
            {
                command.Text("@value", StoreSql.ListValue(condition));
            }

            await using var reader = await command.ExecuteReaderAsync(ct);
            var users = new List<User>();
            while (await reader.ReadAsync(ct))
            {
                users.Add(PostgresUserRows.Read(reader));
            }

            return users;
        }, cancellationToken);

    public async ValueTask<long> CountAsync(string poolId, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.CountUsers).Text("@pool", poolId);
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    public async ValueTask QueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await PostgresOutboxStore.EnqueueAsync(connection, transaction, messages, ct);
            return true;
        }, cancellationToken);
}
