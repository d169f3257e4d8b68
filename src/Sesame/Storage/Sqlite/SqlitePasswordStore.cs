using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

internal sealed class SqlitePasswordStore(SqliteDatabase database) : IPasswordStore
{
    public async ValueTask<PasswordVerifier?> FindVerifierAsync(string poolId, string usernameKey, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.FindVerifier;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            using var reader = command.ExecuteReader();
            return reader.Read() ? new PasswordVerifier((byte[])reader[0], (byte[])reader[1]) : null;
        }, cancellationToken);

    public async ValueTask<bool> SaveVerifierAsync(string poolId, string usernameKey, string sub, PasswordVerifier verifier,
        CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // Only for this very user: not an orphan (the foreign key would throw), not one that replaced it meanwhile.
            command.CommandText = SqliteDatabase.Sql.SaveVerifierOfSub;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            command.Parameters.AddWithValue("@sub", sub);
            command.Parameters.AddWithValue("@salt", verifier.Salt);
            command.Parameters.AddWithValue("@verifier", verifier.Verifier);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<AttributeWriteOutcome> SetPasswordAsync(string poolId, string usernameKey, PasswordChange change, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        try
        {
            return await SqliteDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync((connection, transaction) =>
            {
                if (change.Attributes is { } user)
                {
                    // The attributes first: they are written only at the version that was read, and bump it.
                    var written = SqliteUserAccountStore.WriteAttributes(
                        connection, transaction, user, usernameKey, user.PhoneKey, user.EmailKey, [], change.Messages, now);
                    if (written is not AttributeWriteOutcome.Written)
                    {
                        throw new SqliteUserAccountStore.RollBackException(written);
                    }
                }

                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                var replaced = ReplacedHash(command, poolId, usernameKey);
                command.Parameters.Clear();
                command.CommandText = SqliteDatabase.Sql.SetPasswordHash;
                command.Parameters.AddWithValue("@pool", poolId);
                command.Parameters.AddWithValue("@user", usernameKey);
                command.Parameters.AddWithValue("@hash", change.Hash);
                command.Parameters.AddWithValue("@status", (object?)change.Status ?? DBNull.Value);
                command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                if (command.ExecuteNonQuery() != 1)
                {
                    throw new SqliteUserAccountStore.RollBackException(AttributeWriteOutcome.UserChanged);
                }

                UpsertVerifier(command, poolId, usernameKey, change.Verifier);
                KeepHistory(command, poolId, usernameKey, replaced, change.KeepHistory, now);
                if (change.Attributes is null)
                {
                    foreach (var message in change.Messages)
                    {
                        SqliteOutboxStore.Enqueue(connection, transaction, message);
                    }
                }

                return AttributeWriteOutcome.Written;
            }, cancellationToken));
        }
        catch (SqliteUserAccountStore.RollBackException rolledBack)
        {
            return rolledBack.Outcome;
        }
    }

    public async ValueTask<bool> ResetPasswordAsync(string poolId, string usernameKey, string sub, PasswordChange change, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var replaced = ReplacedHash(command, poolId, usernameKey);
            command.Parameters.Clear();
            command.CommandText = SqliteDatabase.Sql.ResetPasswordHash;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            command.Parameters.AddWithValue("@sub", sub);
            command.Parameters.AddWithValue("@hash", change.Hash);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            if (command.ExecuteNonQuery() != 1)
            {
                return false;
            }

            UpsertVerifier(command, poolId, usernameKey, change.Verifier);
            KeepHistory(command, poolId, usernameKey, replaced, change.KeepHistory, now);
            SqliteUserAccountStore.RevokeAll(connection, transaction, poolId, sub, now);
            return true;
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<string>> FindPasswordHistoryAsync(string poolId, string usernameKey, int count, CancellationToken cancellationToken) =>
        await database.ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.FindPasswordHistory;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            command.Parameters.AddWithValue("@limit", count);
            using var reader = command.ExecuteReader();
            var hashes = new List<string>();
            while (reader.Read())
            {
                hashes.Add(reader.GetString(0));
            }

            return hashes;
        }, cancellationToken);

    public async ValueTask<bool> RequireResetAsync(string poolId, string usernameKey, string sub, StoredCode? code, OutboxMessage? message,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = SqliteDatabase.Sql.RequirePasswordReset;
                command.Parameters.AddWithValue("@pool", poolId);
                command.Parameters.AddWithValue("@user", usernameKey);
                command.Parameters.AddWithValue("@sub", sub);
                command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                if (command.ExecuteNonQuery() != 1)
                {
                    return false;
                }
            }

            if (code is not null)
            {
                SqliteOneTimeCodes.Save(connection, transaction, code);
            }

            if (message is not null)
            {
                SqliteOutboxStore.Enqueue(connection, transaction, message);
            }

            SqliteUserAccountStore.RevokeAll(connection, transaction, poolId, sub, now);
            return true;
        }, cancellationToken);

    public async ValueTask<bool> UpgradePasswordHashAsync(string poolId, string usernameKey, string currentHash, string upgradedHash,
        CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.UpgradePasswordHash;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            command.Parameters.AddWithValue("@current", currentHash);
            command.Parameters.AddWithValue("@upgraded", upgradedHash);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<DateTimeOffset?> CountAttemptAsync(string poolId, string usernameKey, DateTimeOffset now, TimeSpan resetAfter,
        Func<int, TimeSpan?> lockFor, CancellationToken cancellationToken) =>
        await database.WriteAsync<DateTimeOffset?>((connection, transaction) =>
        {
            var nowMs = now.ToUnixTimeMilliseconds();
            int failures;
            using (var count = connection.CreateCommand())
            {
                count.Transaction = transaction;
                count.CommandText = SqliteDatabase.Sql.CountPasswordAttempt;
                count.Parameters.AddWithValue("@pool", poolId);
                count.Parameters.AddWithValue("@user", usernameKey);
                count.Parameters.AddWithValue("@now", nowMs);
                count.Parameters.AddWithValue("@reset", (long)resetAfter.TotalMilliseconds);
                using var reader = count.ExecuteReader();
                reader.Read();
                if (!reader.IsDBNull(1))
                {
                    // Still locked: the statement left the row as it was.
                    return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
                }

                failures = reader.GetInt32(0);
            }

            if (lockFor(failures) is not { } duration)
            {
                return null;
            }

            // The row is this transaction's since the count (SQLite's one writer; PostgreSQL's row lock).
            using var lockName = connection.CreateCommand();
            lockName.Transaction = transaction;
            lockName.CommandText = SqliteDatabase.Sql.LockPasswordAttempts;
            lockName.Parameters.AddWithValue("@pool", poolId);
            lockName.Parameters.AddWithValue("@user", usernameKey);
            lockName.Parameters.AddWithValue("@locked", nowMs + (long)duration.TotalMilliseconds);
            lockName.ExecuteNonQuery();
            return null;
        }, cancellationToken);

    public async ValueTask ResetAttemptsAsync(string poolId, string usernameKey, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.ResetPasswordAttempts;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>The hash about to be replaced (null: none, or no such user), read in the transaction that replaces it.</summary>
    private static string? ReplacedHash(SqliteCommand command, string poolId, string usernameKey)
    {
        command.CommandText = SqliteDatabase.Sql.FindPasswordHashForUpdate;
        command.Parameters.AddWithValue("@pool", poolId);
        command.Parameters.AddWithValue("@user", usernameKey);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Keeps the replaced hash and the newest <paramref name="keep"/> in all, in the transaction that replaced it.</summary>
    private static void KeepHistory(SqliteCommand command, string poolId, string usernameKey, string? replaced, int keep, DateTimeOffset now)
    {
        if (replaced is not null && keep > 0)
        {
            command.Parameters.Clear();
            command.CommandText = SqliteDatabase.Sql.AddPasswordHistory;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            command.Parameters.AddWithValue("@hash", replaced);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }

        command.Parameters.Clear();
        command.CommandText = SqliteDatabase.Sql.PrunePasswordHistory;
        command.Parameters.AddWithValue("@pool", poolId);
        command.Parameters.AddWithValue("@user", usernameKey);
        command.Parameters.AddWithValue("@keep", keep);
        command.ExecuteNonQuery();
    }

    /// <summary>Replaces the SRP verifier with <paramref name="command"/>, in the transaction that changed the password hash.</summary>
    private static void UpsertVerifier(SqliteCommand command, string poolId, string usernameKey, PasswordVerifier verifier)
    {
        command.Parameters.Clear();
        command.CommandText = SqliteDatabase.Sql.UpsertVerifier;
        command.Parameters.AddWithValue("@pool", poolId);
        command.Parameters.AddWithValue("@user", usernameKey);
        command.Parameters.AddWithValue("@salt", verifier.Salt);
        command.Parameters.AddWithValue("@verifier", verifier.Verifier);
        command.ExecuteNonQuery();
    }
}
