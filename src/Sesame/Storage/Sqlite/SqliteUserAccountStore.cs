using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sesame.Users;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteUserAccountStore(SqliteDatabase database) : IUserAccountStore
{
    public async ValueTask<AttributeWriteOutcome> WriteAttributesAsync(
        User user, IReadOnlyList<StoredCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var usernameKey = Logins.UsernameKey(user.Username);
        var phoneKey = user.PhoneNumber;
        var emailKey = user.Email is { } email ? Logins.EmailKey(email) : null;
        try
        {
            return await database.WriteAsync(
                (connection, transaction) => WriteAttributes(connection, transaction, user, usernameKey, phoneKey, emailKey, codes, messages, now),
                cancellationToken);
        }
        catch (UserChangedException)
        {
            return AttributeWriteOutcome.UserChanged;
        }
    }

    public async ValueTask<AttributeWriteOutcome> VerifyAttributeAsync(
        string poolId, string usernameKey, string sub, string attribute, string? pendingValue, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            // A pending value becomes an alias only now; a confirmed holder that appeared meanwhile keeps it.
            if (pendingValue is not null)
            {
                var clash = attribute == UserAttributes.PhoneNumber
                    ? ClearAliases(connection, transaction, poolId, usernameKey, pendingValue, null, now)
                    : ClearAliases(connection, transaction, poolId, usernameKey, null, Logins.EmailKey(pendingValue), now);
                if (clash is not AttributeWriteOutcome.Written)
                {
                    return clash;
                }
            }

            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            var key = attribute == UserAttributes.PhoneNumber ? "phone_key" : "email_key";
            update.CommandText = pendingValue is null
                ? """
                  UPDATE users SET attributes = json_set(attributes, $verifiedPath, 'true'), modified_at = $now, version = version + 1
                  WHERE pool_id = $pool AND username_key = $user AND sub = $sub
                  """
                : $"""
                  UPDATE users SET attributes = json_set(attributes, $valuePath, $value, $verifiedPath, 'true'), {key} = $key,
                      modified_at = $now, version = version + 1
                  WHERE pool_id = $pool AND username_key = $user AND sub = $sub
                  """;
            update.Parameters.AddWithValue("$verifiedPath", $"$.{attribute}_verified");
            update.Parameters.AddWithValue("$valuePath", $"$.{attribute}");
            update.Parameters.AddWithValue("$value", (object?)pendingValue ?? DBNull.Value);
            update.Parameters.AddWithValue("$key", pendingValue is null ? DBNull.Value : attribute == UserAttributes.PhoneNumber ? pendingValue : Logins.EmailKey(pendingValue));
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$pool", poolId);
            update.Parameters.AddWithValue("$user", usernameKey);
            update.Parameters.AddWithValue("$sub", sub);
            return update.ExecuteNonQuery() == 1 ? AttributeWriteOutcome.Written : AttributeWriteOutcome.UserChanged;
        }, cancellationToken);

    public async ValueTask<bool> SetEnabledAsync(string poolId, string usernameKey, bool enabled, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            string sub;
            using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = """
                    UPDATE users SET enabled = $enabled, modified_at = $now, version = version + 1
                    WHERE pool_id = $pool AND username_key = $user RETURNING sub
                    """;
                update.Parameters.AddWithValue("$enabled", enabled ? 1 : 0);
                update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue("$pool", poolId);
                update.Parameters.AddWithValue("$user", usernameKey);
                if (update.ExecuteScalar() is not string found)
                {
                    return false;
                }

                sub = found;
            }

            if (!enabled)
            {
                RevokeAll(connection, transaction, poolId, sub, now);
            }

            return true;
        }, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string poolId, string usernameKey, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) => SqliteUserRows.Delete(connection, transaction, poolId, usernameKey, now), cancellationToken);

    public async ValueTask RevokeAllTokensAsync(string poolId, string sub, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            RevokeAll(connection, transaction, poolId, sub, now);
            return true;
        }, cancellationToken);

    private static AttributeWriteOutcome WriteAttributes(
        SqliteConnection connection, SqliteTransaction transaction, User user, string usernameKey, string? phoneKey, string? emailKey,
        IReadOnlyList<StoredCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now)
    {
            var clash = ClearAliases(connection, transaction, user.PoolId, usernameKey, phoneKey, emailKey, now);
            if (clash is not AttributeWriteOutcome.Written)
            {
                return clash;
            }

            using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = """
                    UPDATE users SET attributes = $attributes, phone_key = $phone, email_key = $email, modified_at = $now, version = version + 1
                    WHERE pool_id = $pool AND username_key = $user AND version = $version
                    """;
                update.Parameters.AddWithValue("$attributes", JsonSerializer.Serialize(user.Attributes, StorageJsonContext.Default.DictionaryStringString));
                update.Parameters.AddWithValue("$phone", (object?)phoneKey ?? DBNull.Value);
                update.Parameters.AddWithValue("$email", (object?)emailKey ?? DBNull.Value);
                update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue("$pool", user.PoolId);
                update.Parameters.AddWithValue("$user", usernameKey);
                update.Parameters.AddWithValue("$version", user.Version);
                if (update.ExecuteNonQuery() != 1)
                {
                    // Nothing else has run yet in this transaction except removals of unconfirmed holders; undo them too.
                    throw new UserChangedException();
                }
            }

            foreach (var code in codes)
            {
                SqliteOneTimeCodes.Save(connection, transaction, code);
            }

            foreach (var message in messages)
            {
                SqliteOutboxStore.Enqueue(connection, transaction, message);
            }

            user.Version++;
            return AttributeWriteOutcome.Written;
    }

    /// <summary>
    /// Makes way for <paramref name="usernameKey"/> to hold the given aliases: unconfirmed holders are removed (abandoned
    /// sign-ups never block anyone), a confirmed one is reported.
    /// </summary>
    private static AttributeWriteOutcome ClearAliases(
        SqliteConnection connection, SqliteTransaction transaction, string poolId, string usernameKey, string? phoneKey, string? emailKey, DateTimeOffset now)
    {
        if (phoneKey is null && emailKey is null)
        {
            return AttributeWriteOutcome.Written;
        }

        var holders = new List<(string UsernameKey, string Status, bool Phone)>();
        using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = """
                SELECT username_key, status, phone_key = $phone FROM users
                WHERE pool_id = $pool AND username_key <> $user AND (phone_key = $phone OR email_key = $email)
                """;
            find.Parameters.AddWithValue("$pool", poolId);
            find.Parameters.AddWithValue("$user", usernameKey);
            find.Parameters.AddWithValue("$phone", (object?)phoneKey ?? DBNull.Value);
            find.Parameters.AddWithValue("$email", (object?)emailKey ?? DBNull.Value);
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                holders.Add((reader.GetString(0), reader.GetString(1), !reader.IsDBNull(2) && reader.GetInt64(2) == 1));
            }
        }

        foreach (var holder in holders.Where(h => h.Status != UserStatus.Unconfirmed))
        {
            return holder.Phone ? AttributeWriteOutcome.PhoneNumberExists : AttributeWriteOutcome.EmailExists;
        }

        foreach (var holder in holders)
        {
            SqliteUserRows.Delete(connection, transaction, poolId, holder.UsernameKey, now);
        }

        return AttributeWriteOutcome.Written;
    }

    internal static void RevokeAll(SqliteConnection connection, SqliteTransaction transaction, string poolId, string sub, DateTimeOffset now)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE refresh_tokens SET revoked_at = $now WHERE pool_id = $pool AND sub = $sub AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$pool", poolId);
        command.Parameters.AddWithValue("$sub", sub);
        command.ExecuteNonQuery();
    }

    // Thrown inside the write so the transaction rolls back (no removed holder without the update that needed it).
    private sealed class UserChangedException : Exception;
}
