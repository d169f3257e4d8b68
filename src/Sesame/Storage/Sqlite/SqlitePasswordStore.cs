namespace Sesame.Storage.Sqlite;

internal sealed class SqlitePasswordStore(SqliteDatabase database) : IPasswordStore
{
    public async ValueTask<PasswordVerifier?> FindVerifierAsync(string poolId, string usernameKey, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT salt, verifier FROM password_verifiers WHERE pool_id = $pool AND username_key = $user";
            command.Parameters.AddWithValue("$pool", poolId);
            command.Parameters.AddWithValue("$user", usernameKey);
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
            command.CommandText = """
                INSERT INTO password_verifiers (pool_id, username_key, salt, verifier)
                SELECT $pool, $user, $salt, $verifier
                WHERE EXISTS (SELECT 1 FROM users WHERE pool_id = $pool AND username_key = $user AND sub = $sub)
                ON CONFLICT (pool_id, username_key) DO UPDATE SET salt = excluded.salt, verifier = excluded.verifier
                """;
            command.Parameters.AddWithValue("$pool", poolId);
            command.Parameters.AddWithValue("$user", usernameKey);
            command.Parameters.AddWithValue("$sub", sub);
            command.Parameters.AddWithValue("$salt", verifier.Salt);
            command.Parameters.AddWithValue("$verifier", verifier.Verifier);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<bool> SetPasswordAsync(string poolId, string usernameKey, string passwordHash, PasswordVerifier verifier, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE users SET password_hash = $hash, modified_at = $now, version = version + 1
                WHERE pool_id = $pool AND username_key = $user
                """;
            command.Parameters.AddWithValue("$pool", poolId);
            command.Parameters.AddWithValue("$user", usernameKey);
            command.Parameters.AddWithValue("$hash", passwordHash);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            if (command.ExecuteNonQuery() != 1)
            {
                return false;
            }

            command.Parameters.Clear();
            command.CommandText = """
                INSERT INTO password_verifiers (pool_id, username_key, salt, verifier) VALUES ($pool, $user, $salt, $verifier)
                ON CONFLICT (pool_id, username_key) DO UPDATE SET salt = excluded.salt, verifier = excluded.verifier
                """;
            command.Parameters.AddWithValue("$pool", poolId);
            command.Parameters.AddWithValue("$user", usernameKey);
            command.Parameters.AddWithValue("$salt", verifier.Salt);
            command.Parameters.AddWithValue("$verifier", verifier.Verifier);
            command.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public async ValueTask<DateTimeOffset?> CountAttemptAsync(string poolId, string usernameKey, DateTimeOffset now, TimeSpan resetAfter,
        Func<int, TimeSpan?> lockFor, CancellationToken cancellationToken) =>
        await database.WriteAsync<DateTimeOffset?>((connection, transaction) =>
        {
            var nowMs = now.ToUnixTimeMilliseconds();
            var failures = 0;
            using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = """
                    SELECT failures, locked_until, last_attempt_at FROM password_attempts WHERE pool_id = $pool AND username_key = $user
                    """;
                read.Parameters.AddWithValue("$pool", poolId);
                read.Parameters.AddWithValue("$user", usernameKey);
                using var reader = read.ExecuteReader();
                if (reader.Read())
                {
                    if (!reader.IsDBNull(1) && reader.GetInt64(1) > nowMs)
                    {
                        return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
                    }

                    failures = nowMs - reader.GetInt64(2) >= (long)resetAfter.TotalMilliseconds ? 0 : reader.GetInt32(0);
                }
            }

            failures++;
            var lockedUntil = lockFor(failures) is { } duration ? nowMs + (long)duration.TotalMilliseconds : (long?)null;
            using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO password_attempts (pool_id, username_key, failures, locked_until, last_attempt_at)
                VALUES ($pool, $user, $failures, $locked, $now)
                ON CONFLICT (pool_id, username_key) DO UPDATE SET
                    failures = excluded.failures, locked_until = excluded.locked_until, last_attempt_at = excluded.last_attempt_at
                """;
            write.Parameters.AddWithValue("$pool", poolId);
            write.Parameters.AddWithValue("$user", usernameKey);
            write.Parameters.AddWithValue("$failures", failures);
            write.Parameters.AddWithValue("$locked", (object?)lockedUntil ?? DBNull.Value);
            write.Parameters.AddWithValue("$now", nowMs);
            write.ExecuteNonQuery();
            return null;
        }, cancellationToken);

    public async ValueTask ResetAttemptsAsync(string poolId, string usernameKey, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM password_attempts WHERE pool_id = $pool AND username_key = $user";
            command.Parameters.AddWithValue("$pool", poolId);
            command.Parameters.AddWithValue("$user", usernameKey);
            return command.ExecuteNonQuery();
        }, cancellationToken);
}
