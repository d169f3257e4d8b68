using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresPasswordStore(PostgresDatabase database) : IPasswordStore
{
    public async ValueTask<PasswordVerifier?> FindVerifierAsync(string poolId, string usernameKey, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.FindVerifier).Text("@pool", poolId).Text("@user", usernameKey);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? new PasswordVerifier(reader.GetBlob(0), reader.GetBlob(1)) : null;
        }, cancellationToken);

    public async ValueTask<bool> SaveVerifierAsync(string poolId, string usernameKey, string sub, PasswordVerifier verifier,
        CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            // Only for this very user: not an orphan, not one that replaced it meanwhile.
            await using var command = connection.Command(PostgresDatabase.Sql.SaveVerifierOfSub, transaction)
                .Text("@pool", poolId).Text("@user", usernameKey).Text("@sub", sub).Bytes("@salt", verifier.Salt).Bytes("@verifier", verifier.Verifier);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<AttributeWriteOutcome> SetPasswordAsync(string poolId, string usernameKey, PasswordChange change, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(async (connection, transaction, ct) =>
            {
                if (change.Attributes is { } user)
                {
                    // The attributes first: they are written only at the version that was read, and bump it.
                    var written = await PostgresUserAccountStore.WriteAttributesAsync(
                        connection, transaction, user, usernameKey, user.PhoneKey, user.EmailKey, [], change.Messages, now, ct);
                    if (written is not AttributeWriteOutcome.Written)
                    {
                        throw new PostgresUserAccountStore.RollBackException(written);
                    }
                }

                var replaced = await ReplacedHashAsync(connection, transaction, poolId, usernameKey, ct);
                await using (var hash = connection.Command(PostgresDatabase.Sql.SetPasswordHash, transaction)
                    .Text("@pool", poolId).Text("@user", usernameKey).Text("@hash", change.Hash).Text("@status", change.Status).Time("@now", now))
                {
                    if (await hash.ExecuteNonQueryAsync(ct) != 1)
                    {
                        throw new PostgresUserAccountStore.RollBackException(AttributeWriteOutcome.UserChanged);
                    }
                }

                await UpsertVerifierAsync(connection, transaction, poolId, usernameKey, change.Verifier, ct);
                await KeepHistoryAsync(connection, transaction, poolId, usernameKey, replaced, change.KeepHistory, now, ct);
                if (change.Attributes is null)
                {
                    await PostgresOutboxStore.EnqueueAsync(connection, transaction, change.Messages, ct);
                }

                return AttributeWriteOutcome.Written;
            }, cancellationToken));
        }
        catch (PostgresUserAccountStore.RollBackException rolledBack)
        {
            return rolledBack.Outcome;
        }
    }

    public async ValueTask<bool> ResetPasswordAsync(string poolId, string usernameKey, string sub, PasswordChange change, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            var replaced = await ReplacedHashAsync(connection, transaction, poolId, usernameKey, ct);
            await using (var hash = connection.Command(PostgresDatabase.Sql.ResetPasswordHash, transaction)
                .Text("@pool", poolId).Text("@user", usernameKey).Text("@sub", sub).Text("@hash", change.Hash).Time("@now", now))
            {
                if (await hash.ExecuteNonQueryAsync(ct) != 1)
                {
                    return false;
                }
            }

            await UpsertVerifierAsync(connection, transaction, poolId, usernameKey, change.Verifier, ct);
            await KeepHistoryAsync(connection, transaction, poolId, usernameKey, replaced, change.KeepHistory, now, ct);
            await PostgresUserRows.RevokeAllAsync(connection, transaction, poolId, sub, now, ct);
            return true;
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<string>> FindPasswordHistoryAsync(string poolId, string usernameKey, int count, CancellationToken cancellationToken) =>
        await database.ReadAsync<IReadOnlyList<string>>(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.FindPasswordHistory)
                .Text("@pool", poolId).Text("@user", usernameKey).Long("@limit", count);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var hashes = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                hashes.Add(reader.GetString(0));
            }

            return hashes;
        }, cancellationToken);

    public async ValueTask<bool> RequireResetAsync(string poolId, string usernameKey, string sub, StoredCode? code, OutboxMessage? message,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using (var status = connection.Command(PostgresDatabase.Sql.RequirePasswordReset, transaction)
                .Text("@pool", poolId).Text("@user", usernameKey).Text("@sub", sub).Time("@now", now))
            {
                if (await status.ExecuteNonQueryAsync(ct) != 1)
                {
                    return false;
                }
            }

            if (code is not null)
            {
                await PostgresOneTimeCodes.SaveAsync(connection, transaction, code, ct);
            }

            if (message is not null)
            {
                await PostgresOutboxStore.EnqueueAsync(connection, transaction, message, ct);
            }

            await PostgresUserRows.RevokeAllAsync(connection, transaction, poolId, sub, now, ct);
            return true;
        }, cancellationToken);

    public async ValueTask<bool> UpgradePasswordHashAsync(string poolId, string usernameKey, string currentHash, string upgradedHash,
        CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.UpgradePasswordHash, transaction)
                .Text("@pool", poolId).Text("@user", usernameKey).Text("@current", currentHash).Text("@upgraded", upgradedHash);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<DateTimeOffset?> CountAttemptAsync(string poolId, string usernameKey, DateTimeOffset now, TimeSpan resetAfter,
        Func<int, TimeSpan?> lockFor, CancellationToken cancellationToken) =>
        await database.WriteAsync<DateTimeOffset?>(async (connection, transaction, ct) =>
        {
            int failures;
            await using (var count = connection.Command(PostgresDatabase.Sql.CountPasswordAttempt, transaction)
                .Text("@pool", poolId).Text("@user", usernameKey).Time("@now", now).Long("@reset", (long)resetAfter.TotalMilliseconds))
            await using (var reader = await count.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                if (!reader.IsDBNull(1))
                {
                    // Still locked: the statement left the row as it was.
                    return reader.GetTime(1);
                }

                failures = reader.GetInt32(0);
            }

            if (lockFor(failures) is not { } duration)
            {
                return null;
            }

            // The upsert holds the row's lock until this transaction ends: no concurrent guess counts in between.
            await using var lockName = connection.Command(PostgresDatabase.Sql.LockPasswordAttempts, transaction)
                .Text("@pool", poolId).Text("@user", usernameKey).Time("@locked", now + duration);
            await lockName.ExecuteNonQueryAsync(ct);
            return null;
        }, cancellationToken);

    public async ValueTask ResetAttemptsAsync(string poolId, string usernameKey, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.ResetPasswordAttempts, transaction).Text("@pool", poolId).Text("@user", usernameKey);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>The hash about to be replaced (null: none, or no such user), locked by the transaction that replaces it.</summary>
    private static async Task<string?> ReplacedHashAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string poolId, string usernameKey, CancellationToken cancellationToken)
    {
        await using var find = connection.Command(PostgresDatabase.Sql.FindPasswordHashForUpdate, transaction).Text("@pool", poolId).Text("@user", usernameKey);
        return await find.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Keeps the replaced hash and the newest <paramref name="keep"/> in all, in the transaction that replaced it.</summary>
    private static async Task KeepHistoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string poolId, string usernameKey,
        string? replaced, int keep, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (replaced is not null && keep > 0)
        {
            await using var add = connection.Command(PostgresDatabase.Sql.AddPasswordHistory, transaction)
                .Text("@pool", poolId).Text("@user", usernameKey).Text("@hash", replaced).Time("@now", now);
            await add.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var prune = connection.Command(PostgresDatabase.Sql.PrunePasswordHistory, transaction)
            .Text("@pool", poolId).Text("@user", usernameKey).Long("@keep", keep);
        await prune.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Replaces the SRP verifier, in the transaction that changed the password hash.</summary>
    private static async Task UpsertVerifierAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string poolId, string usernameKey, PasswordVerifier verifier, CancellationToken cancellationToken)
    {
        await using var upsert = connection.Command(PostgresDatabase.Sql.UpsertVerifier, transaction)
            .Text("@pool", poolId).Text("@user", usernameKey).Bytes("@salt", verifier.Salt).Bytes("@verifier", verifier.Verifier);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }
}
