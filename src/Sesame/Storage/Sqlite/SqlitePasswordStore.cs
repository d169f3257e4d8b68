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

    public async ValueTask<bool> SetPasswordAsync(string poolId, string usernameKey, string passwordHash, PasswordVerifier verifier, string? status,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.SetPasswordHash;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            command.Parameters.AddWithValue("@hash", passwordHash);
            command.Parameters.AddWithValue("@status", (object?)status ?? DBNull.Value);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            if (command.ExecuteNonQuery() != 1)
            {
                return false;
            }

            UpsertVerifier(command, poolId, usernameKey, verifier);
            return true;
        }, cancellationToken);

    public async ValueTask<bool> ResetPasswordAsync(string poolId, string usernameKey, string sub, string passwordHash, PasswordVerifier verifier,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.ResetPasswordHash;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@user", usernameKey);
            command.Parameters.AddWithValue("@sub", sub);
            command.Parameters.AddWithValue("@hash", passwordHash);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            if (command.ExecuteNonQuery() != 1)
            {
                return false;
            }

            UpsertVerifier(command, poolId, usernameKey, verifier);
            SqliteUserAccountStore.RevokeAll(connection, transaction, poolId, sub, now);
            return true;
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
