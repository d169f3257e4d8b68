using Sesame.Users;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteUserStore(SqliteDatabase database) : IUserStore
{
    public async ValueTask<User?> FindAsync(string poolId, string login, CancellationToken cancellationToken)
    {
        var key = Logins.Key(login);
        return await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            // A username match wins over an alias match of the same text.
            command.CommandText = SqliteDatabase.Sql.FindUser;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@key", key);
            command.Parameters.AddWithValue("@login", login);
            using var reader = command.ExecuteReader();
            return reader.Read() ? SqliteUserRows.Read(reader) : null;
        }, cancellationToken);
    }

    public async ValueTask<CreateUserOutcome> CreateAsync(
        User user, StoredCode? code, OutboxMessage? message, TakenNotices? ifTaken, bool moveAliases, CancellationToken cancellationToken)
    {
        var usernameKey = Logins.UsernameKey(user.Username);
        var phoneKey = user.PhoneKey;
        var emailKey = user.EmailKey;
        var preferredKey = user.PreferredUsernameKey;

        return await SqliteDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync((connection, transaction) =>
        {
            // Everyone holding the username or an alias: confirmed holders block, unconfirmed ones are replaced.
            var holders = new List<(string UsernameKey, string Status, string? Phone, string? Email, string? Preferred)>();
            using (var find = connection.CreateCommand())
            {
                find.Transaction = transaction;
                find.CommandText = SqliteDatabase.Sql.FindHolders;
                find.Parameters.AddWithValue("@pool", user.PoolId);
                find.Parameters.AddWithValue("@user", usernameKey);
                find.Parameters.AddWithValue("@phone", (object?)phoneKey ?? DBNull.Value);
                find.Parameters.AddWithValue("@email", (object?)emailKey ?? DBNull.Value);
                find.Parameters.AddWithValue("@preferred", (object?)preferredKey ?? DBNull.Value);
                using var reader = find.ExecuteReader();
                while (reader.Read())
                {
                    holders.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
                }
            }

            // The username's holder first, then a preferred username's (never moved): they refuse the creation before any
            // alias is moved.
            foreach (var holder in holders.Where(h => h.Status != UserStatus.Unconfirmed)
                .OrderByDescending(h => h.UsernameKey == usernameKey).ThenByDescending(h => preferredKey is not null && h.Preferred == preferredKey))
            {
                if (moveAliases && holder.UsernameKey != usernameKey && !(preferredKey is not null && holder.Preferred == preferredKey))
                {
                    SqliteUserAccountStore.DropAliases(connection, transaction, user.PoolId, holder.UsernameKey,
                        phoneKey is not null && holder.Phone == phoneKey, emailKey is not null && holder.Email == emailKey, user.CreatedAt);
                    continue;
                }

                var taken = holder.UsernameKey == usernameKey ? CreateUserOutcome.UsernameExists
                    : preferredKey is not null && holder.Preferred == preferredKey ? CreateUserOutcome.PreferredUsernameExists
                    : phoneKey is not null && holder.Phone == phoneKey ? CreateUserOutcome.PhoneNumberExists
                    : CreateUserOutcome.EmailExists;
                if (ifTaken?.For(taken) is { } notice)
                {
                    SqliteOutboxStore.Enqueue(connection, transaction, notice);
                }

                return taken;
            }

            foreach (var holder in holders.Where(h => h.Status == UserStatus.Unconfirmed))
            {
                SqliteUserRows.Delete(connection, transaction, user.PoolId, holder.UsernameKey, user.CreatedAt);
            }

            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = SqliteDatabase.Sql.InsertUser;
                insert.WithUser(user, usernameKey, phoneKey, emailKey);
                insert.ExecuteNonQuery();
            }

            if (code is not null)
            {
                SqliteOneTimeCodes.Save(connection, transaction, code);
            }

            if (message is not null)
            {
                SqliteOutboxStore.Enqueue(connection, transaction, message);
            }

            user.Version = 1;
            return CreateUserOutcome.Created;
        }, cancellationToken));
    }

    public async ValueTask<AttributeWriteOutcome> ConfirmWithAliasesAsync(
        string poolId, string usernameKey, string sub, string attribute, string? phoneKey, string? emailKey, string? preferredUsernameKey, bool force,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await SqliteDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync((connection, transaction) =>
            {
                var clash = SqliteUserAccountStore.ClearAliases(connection, transaction, poolId, usernameKey, phoneKey, emailKey, preferredUsernameKey, force, now);
                if (clash is not AttributeWriteOutcome.Written)
                {
                    return clash;
                }

                using var update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = SqliteDatabase.Sql.ConfirmUserWithAliases;
                update.Parameters.AddWithValue("@pool", poolId);
                update.Parameters.AddWithValue("@user", usernameKey);
                update.Parameters.AddWithValue("@sub", sub);
                update.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue("@verified", $"{attribute}_verified");
                update.Parameters.AddWithValue("@phone", (object?)phoneKey ?? DBNull.Value);
                update.Parameters.AddWithValue("@email", (object?)emailKey ?? DBNull.Value);
                update.Parameters.AddWithValue("@preferred", (object?)preferredUsernameKey ?? DBNull.Value);
                // Not that user any more: undo the moves made for it.
                return update.ExecuteNonQuery() == 1 ? AttributeWriteOutcome.Written : throw new UserChangedException();
            }, cancellationToken));
        }
        catch (UserChangedException)
        {
            return AttributeWriteOutcome.UserChanged;
        }
    }

    private sealed class UserChangedException : Exception;

    public async ValueTask<bool> ConfirmAsync(string poolId, string usernameKey, string sub, string? attribute, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = attribute is null ? SqliteDatabase.Sql.ConfirmUserWithoutVerifying : SqliteDatabase.Sql.ConfirmUser;
            update.Parameters.AddWithValue("@pool", poolId);
            update.Parameters.AddWithValue("@user", usernameKey);
            update.Parameters.AddWithValue("@sub", sub);
            update.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            if (attribute is not null)
            {
                update.Parameters.AddWithValue("@verified", $"{attribute}_verified");
            }

            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
