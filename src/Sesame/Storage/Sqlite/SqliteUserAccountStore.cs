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
        var phoneKey = user.PhoneKey;
        var emailKey = user.EmailKey;
        try
        {
            return await SqliteDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(
                (connection, transaction) => WriteAttributes(connection, transaction, user, usernameKey, phoneKey, emailKey, codes, messages, now),
                cancellationToken));
        }
        catch (RollBackException rolledBack)
        {
            return rolledBack.Outcome;
        }
    }

    public async ValueTask<AttributeWriteOutcome> VerifyAttributeAsync(
        string poolId, string usernameKey, string sub, string attribute, string? pendingValue, DateTimeOffset now, CancellationToken cancellationToken) =>
        await SqliteDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(
            (connection, transaction) => pendingValue is null
                ? MarkVerified(connection, transaction, poolId, usernameKey, sub, attribute, now)
                : VerifyAttribute(connection, transaction, poolId, usernameKey, sub, attribute, pendingValue,
                    attribute == UserAttributes.PhoneNumber ? pendingValue : Logins.EmailKey(pendingValue), now),
            cancellationToken));

    public async ValueTask<AttributeWriteOutcome> VerifyAliasAsync(
        string poolId, string usernameKey, string sub, string attribute, string value, string? aliasKey, DateTimeOffset now, CancellationToken cancellationToken) =>
        await SqliteDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(
            (connection, transaction) => VerifyAttribute(connection, transaction, poolId, usernameKey, sub, attribute, value, aliasKey, now), cancellationToken));

    public async ValueTask<bool> SetEnabledAsync(string poolId, string usernameKey, bool enabled, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            string sub;
            using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = SqliteDatabase.Sql.SetEnabled;
                update.Parameters.AddWithValue("@enabled", enabled ? 1 : 0);
                update.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue("@pool", poolId);
                update.Parameters.AddWithValue("@user", usernameKey);
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

    // The code was consumed before this runs (IOneTimeCodeStore.ConsumeAsync); only the user with this sub is changed.
    private static AttributeWriteOutcome MarkVerified(
        SqliteConnection connection, SqliteTransaction transaction, string poolId, string usernameKey, string sub, string attribute, DateTimeOffset now)
    {
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = SqliteDatabase.Sql.MarkVerified;
        update.Parameters.AddWithValue("@verified", $"{attribute}_verified");
        update.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        update.Parameters.AddWithValue("@pool", poolId);
        update.Parameters.AddWithValue("@user", usernameKey);
        update.Parameters.AddWithValue("@sub", sub);
        return update.ExecuteNonQuery() == 1 ? AttributeWriteOutcome.Written : AttributeWriteOutcome.UserChanged;
    }

    // Sets the proven value verified, and its alias key (null: the value is no alias); a confirmed holder of the key keeps it.
    private static AttributeWriteOutcome VerifyAttribute(
        SqliteConnection connection, SqliteTransaction transaction, string poolId, string usernameKey, string sub, string attribute,
        string value, string? key, DateTimeOffset now)
    {
        var phone = attribute == UserAttributes.PhoneNumber;
        var clash = ClearAliases(connection, transaction, poolId, usernameKey, phone ? key : null, phone ? null : key, preferredKey: null, force: false, now);
        if (clash is not AttributeWriteOutcome.Written)
        {
            return clash;
        }

        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = phone ? SqliteDatabase.Sql.SetVerifiedPhone : SqliteDatabase.Sql.SetVerifiedEmail;
        update.Parameters.AddWithValue("@verified", $"{attribute}_verified");
        update.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        update.Parameters.AddWithValue("@pool", poolId);
        update.Parameters.AddWithValue("@user", usernameKey);
        update.Parameters.AddWithValue("@sub", sub);
        update.Parameters.AddWithValue("@attribute", attribute);
        update.Parameters.AddWithValue("@value", value);
        update.Parameters.AddWithValue("@key", (object?)key ?? DBNull.Value);
        return update.ExecuteNonQuery() == 1 ? AttributeWriteOutcome.Written : AttributeWriteOutcome.UserChanged;
    }

    internal static AttributeWriteOutcome WriteAttributes(
        SqliteConnection connection, SqliteTransaction transaction, User user, string usernameKey, string? phoneKey, string? emailKey,
        IReadOnlyList<StoredCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now)
    {
            var clash = ClearAliases(connection, transaction, user.PoolId, usernameKey, phoneKey, emailKey, user.PreferredUsernameKey, force: false, now);
            if (clash is not AttributeWriteOutcome.Written)
            {
                return clash;
            }

            using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = SqliteDatabase.Sql.UpdateUserAttributes;
                update.Parameters.AddWithValue("@attributes", JsonSerializer.Serialize(user.Attributes, StorageJsonContext.Default.DictionaryStringString));
                update.Parameters.AddWithValue("@phone", (object?)phoneKey ?? DBNull.Value);
                update.Parameters.AddWithValue("@email", (object?)emailKey ?? DBNull.Value);
                update.Parameters.AddWithValue("@preferred", (object?)user.PreferredUsernameKey ?? DBNull.Value);
                update.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue("@pool", user.PoolId);
                update.Parameters.AddWithValue("@user", usernameKey);
                update.Parameters.AddWithValue("@version", user.Version);
                if (update.ExecuteNonQuery() != 1)
                {
                    // Nothing else has run yet in this transaction except removals of unconfirmed holders; undo them too.
                    throw new RollBackException(AttributeWriteOutcome.UserChanged);
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
    /// sign-ups never block anyone), a confirmed one is reported, or with <paramref name="force"/> (Cognito's
    /// <c>ForceAliasCreation</c>) loses the alias: its value stays, unverified. A preferred username is never moved.
    /// </summary>
    internal static AttributeWriteOutcome ClearAliases(
        SqliteConnection connection, SqliteTransaction transaction, string poolId, string usernameKey, string? phoneKey, string? emailKey,
        string? preferredKey, bool force, DateTimeOffset now)
    {
        if (phoneKey is null && emailKey is null && preferredKey is null)
        {
            return AttributeWriteOutcome.Written;
        }

        var holders = new List<(string UsernameKey, string Status, bool Phone, bool Email, bool Preferred)>();
        using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = SqliteDatabase.Sql.FindOtherAliasHolders;
            find.Parameters.AddWithValue("@pool", poolId);
            find.Parameters.AddWithValue("@user", usernameKey);
            find.Parameters.AddWithValue("@phone", (object?)phoneKey ?? DBNull.Value);
            find.Parameters.AddWithValue("@email", (object?)emailKey ?? DBNull.Value);
            find.Parameters.AddWithValue("@preferred", (object?)preferredKey ?? DBNull.Value);
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                holders.Add((reader.GetString(0), reader.GetString(1), !reader.IsDBNull(2) && reader.GetString(2) == phoneKey,
                    !reader.IsDBNull(3) && reader.GetString(3) == emailKey, !reader.IsDBNull(4) && reader.GetString(4) == preferredKey));
            }
        }

        // Only confirmed users hold a preferred username: its holder always keeps it.
        if (holders.Any(h => h.Preferred))
        {
            return AttributeWriteOutcome.PreferredUsernameExists;
        }

        foreach (var holder in holders.Where(h => h.Status != UserStatus.Unconfirmed))
        {
            if (!force)
            {
                return holder.Phone ? AttributeWriteOutcome.PhoneNumberExists : AttributeWriteOutcome.EmailExists;
            }

            DropAliases(connection, transaction, poolId, holder.UsernameKey, holder.Phone, holder.Email, now);
        }

        foreach (var holder in holders.Where(h => h.Status == UserStatus.Unconfirmed))
        {
            SqliteUserRows.Delete(connection, transaction, poolId, holder.UsernameKey, now);
        }

        return AttributeWriteOutcome.Written;
    }

    /// <summary>Takes the phone and/or email alias from a user, whose values stay, unverified (ForceAliasCreation).</summary>
    internal static void DropAliases(
        SqliteConnection connection, SqliteTransaction transaction, string poolId, string usernameKey, bool phone, bool email, DateTimeOffset now)
    {
        foreach (var sql in new[] { phone ? SqliteDatabase.Sql.DropPhoneAlias : null, email ? SqliteDatabase.Sql.DropEmailAlias : null })
        {
            if (sql is null)
            {
                continue;
            }

            using var drop = connection.CreateCommand();
            drop.Transaction = transaction;
            drop.CommandText = sql;
            drop.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            drop.Parameters.AddWithValue("@pool", poolId);
            drop.Parameters.AddWithValue("@user", usernameKey);
            drop.ExecuteNonQuery();
        }
    }

    internal static void RevokeAll(SqliteConnection connection, SqliteTransaction transaction, string poolId, string sub, DateTimeOffset now)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteDatabase.Sql.RevokeUserTokens;
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@pool", poolId);
        command.Parameters.AddWithValue("@sub", sub);
        command.ExecuteNonQuery();
    }

    /// <summary>Ends a write transaction with nothing written, reporting why.</summary>
    internal sealed class RollBackException(AttributeWriteOutcome outcome) : Exception
    {
        public AttributeWriteOutcome Outcome { get; } = outcome;
    }
}
