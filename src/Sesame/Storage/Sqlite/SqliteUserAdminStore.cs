using Sesame.Users;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteUserAdminStore(SqliteDatabase database) : IUserAdminStore
{
    public async ValueTask<IReadOnlyList<User>> ListAsync(
        string poolId, UserCondition? condition, string? afterUsernameKey, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            var where = "pool_id = $pool AND username_key > $after";
            if (condition is not null)
            {
                var (column, value) = Column(condition);
                command.Parameters.AddWithValue("$value", value);
                where += condition.Prefix
                    ? $" AND substr({column}, 1, length($value)) = $value"
                    : $" AND {column} = $value";
            }

            command.CommandText = $"SELECT {SqliteUserRows.Columns} FROM users WHERE {where} ORDER BY username_key LIMIT $limit";
            command.Parameters.AddWithValue("$pool", poolId);
            command.Parameters.AddWithValue("$after", afterUsernameKey ?? string.Empty);
            command.Parameters.AddWithValue("$limit", limit);
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
            command.CommandText = "SELECT COUNT(*) FROM users WHERE pool_id = $pool";
            command.Parameters.AddWithValue("$pool", poolId);
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

    // The column expression each searchable attribute is matched against, and the value as that column holds it.
    // Only these fixed expressions reach the SQL text; the value is always a parameter.
    private static (string Column, string Value) Column(UserCondition condition) => condition.Attribute switch
    {
        "username" => ("username", condition.Value),
        "sub" => ("sub", condition.Value),
        "phone_number" => ("phone_key", condition.Value),
        // Emails are matched case-insensitively everywhere in Sesame (Logins.EmailKey).
        "email" => ("email_key", Logins.EmailKey(condition.Value)),
        // Cognito: cognito:user_status is case-insensitive, status (Enabled/Disabled) case-sensitive.
        "cognito:user_status" => ("upper(status)", condition.Value.ToUpperInvariant()),
        "status" => ("(CASE enabled WHEN 1 THEN 'Enabled' ELSE 'Disabled' END)", condition.Value),
        "name" => ("json_extract(attributes, '$.name')", condition.Value),
        "given_name" => ("json_extract(attributes, '$.given_name')", condition.Value),
        "family_name" => ("json_extract(attributes, '$.family_name')", condition.Value),
        "preferred_username" => ("json_extract(attributes, '$.preferred_username')", condition.Value),
        _ => throw new ArgumentException($"{condition.Attribute} is not searchable.", nameof(condition)),
    };
}
