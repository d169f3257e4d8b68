using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteRefreshTokenRotationStore(SqliteDatabase database) : IRefreshTokenRotationStore
{
    public async ValueTask<RotationResult> RotateAsync(
        byte[] tokenHash, byte[] successorHash, string clientId, DateTimeOffset now, TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            // The write gate serialises this whole read-decide-write, so concurrent refreshes with one token see each other.
            var token = Read(connection, transaction, tokenHash);
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

                // The successor inherits the absolute expiry; the old token itself now lives only through its grace
                // period, so no other path (REFRESH_TOKEN_AUTH after rotation is switched off) can use it later.
                using var rotate = connection.CreateCommand();
                rotate.Transaction = transaction;
                rotate.CommandText = SqliteDatabase.Sql.RotateToken;
                rotate.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                rotate.Parameters.AddWithValue("@graceEnd", (now + gracePeriod).ToUnixTimeMilliseconds());
                rotate.Parameters.AddWithValue("@successor", successorHash);
                rotate.Parameters.AddWithValue("@hash", tokenHash);
                rotate.ExecuteNonQuery();
                return new RotationResult(RotationOutcome.Rotated, record);
            }

            // A retry inside the grace period gets the one successor again, provided nothing has moved past it.
            var successor = token.ReplacedBy is { } next ? Read(connection, transaction, next) : null;
            if (gracePeriod > TimeSpan.Zero && now - token.RotatedAt.Value <= gracePeriod
                && token.ReplacedBy is not null && token.ReplacedBy.AsSpan().SequenceEqual(successorHash)
                && successor is { RotatedAt: null, Record.RevokedAt: null })
            {
                return new RotationResult(RotationOutcome.Retried, record);
            }

            using var revoke = connection.CreateCommand();
            revoke.Transaction = transaction;
            revoke.CommandText = SqliteDatabase.Sql.RevokeSignIn;
            revoke.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            revoke.Parameters.AddWithValue("@origin", record.OriginJti);
            revoke.ExecuteNonQuery();
            return new RotationResult(RotationOutcome.Reused, record);
        }, cancellationToken);

    private static StoredToken? Read(SqliteConnection connection, SqliteTransaction transaction, byte[] tokenHash)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteDatabase.Sql.FindTokenForRotation;
        command.Parameters.AddWithValue("@hash", tokenHash);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var record = new RefreshTokenRecord(tokenHash, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4), reader.GetString(5),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
            reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)));
        return new StoredToken(
            record,
            reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
            reader.IsDBNull(11) ? null : (byte[])reader[11]);
    }

    private sealed record StoredToken(RefreshTokenRecord Record, DateTimeOffset? RotatedAt, byte[]? ReplacedBy);
}
