using System.Text.Json;
using Npgsql;
using Sesame.Users;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresUserAccountStore(PostgresDatabase database) : IUserAccountStore
{
    /// <summary>
    /// The holders of the new aliases are locked and judged first; a writer on another node that takes an alias after
    /// that makes this UPDATE hit the UNIQUE index, and the whole write runs again, now seeing that holder.
    /// </summary>
    public async ValueTask<AttributeWriteOutcome> WriteAttributesAsync(
        User user, IReadOnlyList<StoredCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var usernameKey = Logins.UsernameKey(user.Username);
        var phoneKey = user.PhoneKey;
        var emailKey = user.EmailKey;
        try
        {
            return await PostgresDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(
                (connection, transaction, ct) => WriteAttributesAsync(connection, transaction, user, usernameKey, phoneKey, emailKey, codes, messages, now, ct),
                cancellationToken));
        }
        catch (RollBackException rolledBack)
        {
            return rolledBack.Outcome;
        }
    }

    public async ValueTask<AttributeWriteOutcome> VerifyAttributeAsync(
        string poolId, string usernameKey, string sub, string attribute, string? pendingValue, DateTimeOffset now, CancellationToken cancellationToken) =>
        await PostgresDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(
            (connection, transaction, ct) => VerifyAttributeAsync(connection, transaction, poolId, usernameKey, sub, attribute, pendingValue,
                pendingValue is null ? null : attribute == UserAttributes.PhoneNumber ? pendingValue : Logins.EmailKey(pendingValue), now, ct),
            cancellationToken));

    public async ValueTask<AttributeWriteOutcome> VerifyAliasAsync(
        string poolId, string usernameKey, string sub, string attribute, string value, string? aliasKey, DateTimeOffset now, CancellationToken cancellationToken) =>
        await PostgresDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(
            (connection, transaction, ct) => VerifyAttributeAsync(connection, transaction, poolId, usernameKey, sub, attribute, value, aliasKey, now, ct),
            cancellationToken));

    public async ValueTask<bool> SetEnabledAsync(string poolId, string usernameKey, bool enabled, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            string sub;
            await using (var update = connection.Command(PostgresDatabase.Sql.SetEnabled, transaction)
                .Bool("@enabled", enabled).Time("@now", now).Text("@pool", poolId).Text("@user", usernameKey))
            {
                if (await update.ExecuteScalarAsync(ct) is not string found)
                {
                    return false;
                }

                sub = found;
            }

            if (!enabled)
            {
                await PostgresUserRows.RevokeAllAsync(connection, transaction, poolId, sub, now, ct);
            }

            return true;
        }, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string poolId, string usernameKey, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction, ct) => PostgresUserRows.DeleteAsync(connection, transaction, poolId, usernameKey, now, ct), cancellationToken);

    public async ValueTask RevokeAllTokensAsync(string poolId, string sub, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await PostgresUserRows.RevokeAllAsync(connection, transaction, poolId, sub, now, ct);
            return true;
        }, cancellationToken);

    // The code was consumed before this runs (IOneTimeCodeStore.ConsumeAsync); only the user with this sub is changed.
    // With a value, it is set verified with its alias key (null: the value is no alias); without, the current value is marked.
    private static async Task<AttributeWriteOutcome> VerifyAttributeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string poolId, string usernameKey, string sub, string attribute, string? value, string? key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string sql;
        var phone = attribute == UserAttributes.PhoneNumber;
        if (value is null)
        {
            sql = PostgresDatabase.Sql.MarkVerified;
        }
        else
        {
            // The value becomes an alias only now; a confirmed holder that appeared meanwhile keeps it.
            var clash = await ClearAliasesAsync(
                connection, transaction, poolId, usernameKey, phone ? key : null, phone ? null : key, preferredKey: null, force: false, now, cancellationToken);
            if (clash is not AttributeWriteOutcome.Written)
            {
                return clash;
            }

            sql = phone ? PostgresDatabase.Sql.SetVerifiedPhone : PostgresDatabase.Sql.SetVerifiedEmail;
        }

        await using var update = connection.Command(sql, transaction)
            .Text("@verified", $"{attribute}_verified").Time("@now", now).Text("@pool", poolId).Text("@user", usernameKey).Text("@sub", sub);
        if (value is not null)
        {
            update.Text("@attribute", attribute).Text("@value", value).Text("@key", key);
        }

        return await update.ExecuteNonQueryAsync(cancellationToken) == 1 ? AttributeWriteOutcome.Written : AttributeWriteOutcome.UserChanged;
    }

    internal static async Task<AttributeWriteOutcome> WriteAttributesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, User user,
        string usernameKey, string? phoneKey, string? emailKey, IReadOnlyList<StoredCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var clash = await ClearAliasesAsync(
            connection, transaction, user.PoolId, usernameKey, phoneKey, emailKey, user.PreferredUsernameKey, force: false, now, cancellationToken);
        if (clash is not AttributeWriteOutcome.Written)
        {
            return clash;
        }

        await using (var update = connection.Command(PostgresDatabase.Sql.UpdateUserAttributes, transaction)
            .Text("@attributes", JsonSerializer.Serialize(user.Attributes, StorageJsonContext.Default.DictionaryStringString))
            .Text("@phone", phoneKey).Text("@email", emailKey).Text("@preferred", user.PreferredUsernameKey).Time("@now", now).Text("@pool", user.PoolId).Text("@user", usernameKey)
            .Long("@version", user.Version))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                // Nothing else has run yet in this transaction except removals of unconfirmed holders; undo them too.
                throw new RollBackException(AttributeWriteOutcome.UserChanged);
            }
        }

        foreach (var code in codes)
        {
            await PostgresOneTimeCodes.SaveAsync(connection, transaction, code, cancellationToken);
        }

        await PostgresOutboxStore.EnqueueAsync(connection, transaction, messages, cancellationToken);
        user.Version++;
        return AttributeWriteOutcome.Written;
    }

    /// <summary>
    /// Makes way for <paramref name="usernameKey"/> to hold the given aliases: unconfirmed holders are removed (abandoned
    /// sign-ups never block anyone), a confirmed one is reported, or with <paramref name="force"/> (Cognito's
    /// <c>ForceAliasCreation</c>) loses the alias, its value staying unverified. The holders are locked (<c>FOR UPDATE</c>)
    /// until the end. A preferred username is never moved.
    /// </summary>
    internal static async Task<AttributeWriteOutcome> ClearAliasesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string poolId, string usernameKey, string? phoneKey, string? emailKey, string? preferredKey, bool force, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (phoneKey is null && emailKey is null && preferredKey is null)
        {
            return AttributeWriteOutcome.Written;
        }

        var holders = new List<(string UsernameKey, string Status, bool Phone, bool Email, bool Preferred)>();
        await using (var find = connection.Command(PostgresDatabase.Sql.FindOtherAliasHolders, transaction)
            .Text("@pool", poolId).Text("@user", usernameKey).Text("@phone", phoneKey).Text("@email", emailKey).Text("@preferred", preferredKey))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                holders.Add((reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2) is { } phone && phone == phoneKey,
                    reader.GetStringOrNull(3) is { } email && email == emailKey, reader.GetStringOrNull(4) is { } preferred && preferred == preferredKey));
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

            await DropAliasesAsync(connection, transaction, poolId, holder.UsernameKey, holder.Phone, holder.Email, now, cancellationToken);
        }

        foreach (var holder in holders.Where(h => h.Status == UserStatus.Unconfirmed))
        {
            await PostgresUserRows.DeleteAsync(connection, transaction, poolId, holder.UsernameKey, now, cancellationToken);
        }

        return AttributeWriteOutcome.Written;
    }

    /// <summary>Takes the phone and/or email alias from a user, whose values stay, unverified (ForceAliasCreation).</summary>
    internal static async Task DropAliasesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string poolId, string usernameKey, bool phone, bool email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var sql in new[] { phone ? PostgresDatabase.Sql.DropPhoneAlias : null, email ? PostgresDatabase.Sql.DropEmailAlias : null })
        {
            if (sql is not null)
            {
                await using var drop = connection.Command(sql, transaction).Time("@now", now).Text("@pool", poolId).Text("@user", usernameKey);
                await drop.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    // Thrown inside the write so the transaction rolls back (no removed holder, no consumed code, without the write that
    // needed it), and the outcome reaches the caller.
    /// <summary>Ends a write transaction with nothing written, reporting why.</summary>
    internal sealed class RollBackException(AttributeWriteOutcome outcome) : Exception
    {
        public AttributeWriteOutcome Outcome { get; } = outcome;
    }
}
