using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresRefreshTokenRotationStore(PostgresDatabase database) : IRefreshTokenRotationStore
{
    public async ValueTask<RotationResult> RotateAsync(
        byte[] tokenHash, byte[] successorHash, string clientId, DateTimeOffset now, TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            // FOR UPDATE: concurrent refreshes of one token, on any node, queue on its row; each one after the first reads
            // the row as the one before left it (READ COMMITTED re-reads a locked row once the lock is released).
            var token = await ReadAsync(connection, transaction, tokenHash, ct);
            if (token is null || token.Record.ClientId != clientId)
            {
                return new RotationResult(RotationOutcome.Unknown, null);
            }

            var record = token.Record;
            if (record.RevokedAt is not null)
            {
                return new RotationResult(RotationOutcome.Revoked, record);
            }

            if (token.RotatedAt is null)
            {
                if (record.ExpiresAt <= now)
                {
                    return new RotationResult(RotationOutcome.Expired, record);
                }

                await using var rotate = connection.Command(PostgresDatabase.Sql.RotateToken, transaction)
                    .Time("@now", now).Time("@graceEnd", now + gracePeriod).Bytes("@successor", successorHash).Bytes("@hash", tokenHash);
                await rotate.ExecuteNonQueryAsync(ct);
                return new RotationResult(RotationOutcome.Rotated, record);
            }

            // A retry inside the grace period gets the one successor again, provided nothing has moved past it.
            var successor = token.ReplacedBy is { } next ? await ReadAsync(connection, transaction, next, ct) : null;
            if (gracePeriod > TimeSpan.Zero && now - token.RotatedAt.Value <= gracePeriod
                && token.ReplacedBy is not null && token.ReplacedBy.AsSpan().SequenceEqual(successorHash)
                && successor is { RotatedAt: null, Record.RevokedAt: null })
            {
                return new RotationResult(RotationOutcome.Retried, record);
            }

            await using var revoke = connection.Command(PostgresDatabase.Sql.RevokeSignIn, transaction).Time("@now", now).Text("@origin", record.OriginJti);
            await revoke.ExecuteNonQueryAsync(ct);
            return new RotationResult(RotationOutcome.Reused, record);
        }, cancellationToken);

    private static async Task<StoredToken?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(PostgresDatabase.Sql.FindTokenForRotation, transaction).Bytes("@hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredToken(PostgresRefreshTokenStore.Read(reader, tokenHash), reader.GetTimeOrNull(10), reader.IsDBNull(11) ? null : reader.GetBlob(11));
    }

    private sealed record StoredToken(RefreshTokenRecord Record, DateTimeOffset? RotatedAt, byte[]? ReplacedBy);
}
