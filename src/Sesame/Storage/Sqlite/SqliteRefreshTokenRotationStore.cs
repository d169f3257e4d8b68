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
            var successor = token?.ReplacedBy is { } next ? Read(connection, transaction, next) : null;
            var outcome = RotationDecision.Decide(token, successor, clientId, successorHash, now, gracePeriod);
            if (outcome == RotationOutcome.Rotated)
            {
                using var rotate = connection.CreateCommand();
                rotate.Transaction = transaction;
                rotate.CommandText = SqliteDatabase.Sql.RotateToken;
                rotate.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                rotate.Parameters.AddWithValue("@graceEnd", (now + gracePeriod).ToUnixTimeMilliseconds());
                rotate.Parameters.AddWithValue("@successor", successorHash);
                rotate.Parameters.AddWithValue("@hash", tokenHash);
                rotate.ExecuteNonQuery();
            }
            else if (outcome == RotationOutcome.Reused)
            {
                using var revoke = connection.CreateCommand();
                revoke.Transaction = transaction;
                revoke.CommandText = SqliteDatabase.Sql.RevokeSignIn;
                revoke.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                revoke.Parameters.AddWithValue("@origin", token!.Record.OriginJti);
                revoke.ExecuteNonQuery();
            }

            return new RotationResult(outcome, outcome == RotationOutcome.Unknown ? null : token!.Record);
        }, cancellationToken);

    private static RotationRow? Read(SqliteConnection connection, SqliteTransaction transaction, byte[] tokenHash)
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
        return new RotationRow(
            record,
            reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
            reader.IsDBNull(11) ? null : (byte[])reader[11]);
    }
}
