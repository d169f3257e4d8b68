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
        User user, IReadOnlyList<AttributeCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var usernameKey = Logins.UsernameKey(user.Username);
        var phoneKey = user.PhoneNumber;
        var emailKey = user.Email is { } email ? Logins.EmailKey(email) : null;
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

    public async ValueTask SaveAttributeCodeAsync(AttributeCode code, OutboxMessage message, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await UpsertCodeAsync(connection, transaction, code, ct);
            await PostgresOutboxStore.EnqueueAsync(connection, transaction, message, ct);
            return true;
        }, cancellationToken);

    public async ValueTask<string?> PendingValueAsync(string poolId, string usernameKey, string attribute, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.PendingValue).Text("@pool", poolId).Text("@user", usernameKey).Text("@attribute", attribute);
            return await command.ExecuteScalarAsync(ct) as string;
        }, cancellationToken);

    public async ValueTask<AttributeCode?> CountAttributeAttemptAsync(string poolId, string usernameKey, string attribute, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.CountAttributeAttempt, transaction)
                .Text("@pool", poolId).Text("@user", usernameKey).Text("@attribute", attribute);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct)
                ? new AttributeCode(poolId, usernameKey, attribute, reader.GetBlob(0), reader.GetTime(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetStringOrNull(4))
                : null;
        }, cancellationToken);

    public async ValueTask<AttributeWriteOutcome?> VerifyAttributeAsync(
        string poolId, string usernameKey, string attribute, byte[] mac, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(
                (connection, transaction, ct) => VerifyAttributeAsync(connection, transaction, poolId, usernameKey, attribute, mac, now, ct), cancellationToken));
        }
        catch (RollBackException rolledBack)
        {
            return rolledBack.Outcome;
        }
    }

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

    private static async Task<AttributeWriteOutcome?> VerifyAttributeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string poolId, string usernameKey, string attribute, byte[] mac, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Taken first, so of concurrent right answers only one goes on; a refusal below rolls the code back.
        string? pending;
        await using (var take = connection.Command(PostgresDatabase.Sql.TakeAttributeCode, transaction)
            .Text("@pool", poolId).Text("@user", usernameKey).Text("@attribute", attribute).Bytes("@mac", mac))
        await using (var reader = await take.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            pending = reader.GetStringOrNull(0);
        }

        string sql;
        string? key = null;
        var phone = attribute == UserAttributes.PhoneNumber;
        if (pending is null)
        {
            sql = PostgresDatabase.Sql.MarkVerified;
        }
        else
        {
            // A pending value becomes an alias only now; a confirmed holder that appeared meanwhile keeps it, and the code stays.
            key = phone ? pending : Logins.EmailKey(pending);
            var clash = await ClearAliasesAsync(connection, transaction, poolId, usernameKey, phone ? key : null, phone ? null : key, now, cancellationToken);
            if (clash is not AttributeWriteOutcome.Written)
            {
                throw new RollBackException(clash);
            }

            sql = phone ? PostgresDatabase.Sql.SetVerifiedPhone : PostgresDatabase.Sql.SetVerifiedEmail;
        }

        await using var update = connection.Command(sql, transaction)
            .Text("@verified", $"{attribute}_verified").Time("@now", now).Text("@pool", poolId).Text("@user", usernameKey);
        if (pending is not null)
        {
            update.Text("@attribute", attribute).Text("@value", pending).Text("@key", key);
        }

        return await update.ExecuteNonQueryAsync(cancellationToken) == 1 ? AttributeWriteOutcome.Written : AttributeWriteOutcome.UserChanged;
    }

    private static async Task<AttributeWriteOutcome> WriteAttributesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, User user,
        string usernameKey, string? phoneKey, string? emailKey, IReadOnlyList<AttributeCode> codes, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var clash = await ClearAliasesAsync(connection, transaction, user.PoolId, usernameKey, phoneKey, emailKey, now, cancellationToken);
        if (clash is not AttributeWriteOutcome.Written)
        {
            return clash;
        }

        await using (var update = connection.Command(PostgresDatabase.Sql.UpdateUserAttributes, transaction)
            .Text("@attributes", JsonSerializer.Serialize(user.Attributes, StorageJsonContext.Default.DictionaryStringString))
            .Text("@phone", phoneKey).Text("@email", emailKey).Time("@now", now).Text("@pool", user.PoolId).Text("@user", usernameKey)
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
            await UpsertCodeAsync(connection, transaction, code, cancellationToken);
        }

        await PostgresOutboxStore.EnqueueAsync(connection, transaction, messages, cancellationToken);
        user.Version++;
        return AttributeWriteOutcome.Written;
    }

    /// <summary>
    /// Makes way for <paramref name="usernameKey"/> to hold the given aliases: unconfirmed holders are removed (abandoned
    /// sign-ups never block anyone), a confirmed one is reported. The holders are locked (<c>FOR UPDATE</c>) until the end.
    /// </summary>
    private static async Task<AttributeWriteOutcome> ClearAliasesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string poolId, string usernameKey, string? phoneKey, string? emailKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (phoneKey is null && emailKey is null)
        {
            return AttributeWriteOutcome.Written;
        }

        var holders = new List<(string UsernameKey, string Status, bool Phone)>();
        await using (var find = connection.Command(PostgresDatabase.Sql.FindOtherAliasHolders, transaction)
            .Text("@pool", poolId).Text("@user", usernameKey).Text("@phone", phoneKey).Text("@email", emailKey))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                holders.Add((reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2) is { } phone && phone == phoneKey));
            }
        }

        foreach (var holder in holders.Where(h => h.Status != UserStatus.Unconfirmed))
        {
            return holder.Phone ? AttributeWriteOutcome.PhoneNumberExists : AttributeWriteOutcome.EmailExists;
        }

        foreach (var holder in holders)
        {
            await PostgresUserRows.DeleteAsync(connection, transaction, poolId, holder.UsernameKey, now, cancellationToken);
        }

        return AttributeWriteOutcome.Written;
    }

    private static async Task UpsertCodeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AttributeCode code, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(PostgresDatabase.Sql.UpsertAttributeCode, transaction)
            .Text("@pool", code.PoolId).Text("@user", code.UsernameKey).Text("@attribute", code.Attribute).Bytes("@mac", code.Mac)
            .Time("@expires", code.ExpiresAt).Int("@attempts", code.Attempts).Int("@max", code.MaxAttempts).Text("@pending", code.PendingValue);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Thrown inside the write so the transaction rolls back (no removed holder, no consumed code, without the write that
    // needed it), and the outcome reaches the caller.
    private sealed class RollBackException(AttributeWriteOutcome outcome) : Exception
    {
        public AttributeWriteOutcome Outcome { get; } = outcome;
    }
}
