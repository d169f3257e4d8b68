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
            var successor = token?.ReplacedBy is { } next ? await ReadAsync(connection, transaction, next, ct) : null;
            var outcome = RotationDecision.Decide(token, successor, clientId, successorHash, now, gracePeriod);
            if (outcome == RotationOutcome.Rotated)
            {
                await using var rotate = connection.Command(PostgresDatabase.Sql.RotateToken, transaction)
                    .Time("@now", now).Time("@graceEnd", now + gracePeriod).Bytes("@successor", successorHash).Bytes("@hash", tokenHash);
                await rotate.ExecuteNonQueryAsync(ct);
            }
            else if (outcome == RotationOutcome.Reused)
            {
                await using var revoke = connection.Command(PostgresDatabase.Sql.RevokeSignIn, transaction).Time("@now", now).Text("@origin", token!.Record.OriginJti);
                await revoke.ExecuteNonQueryAsync(ct);
            }

            return new RotationResult(outcome, outcome == RotationOutcome.Unknown ? null : token!.Record);
        }, cancellationToken);

    private static async Task<RotationRow?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(PostgresDatabase.Sql.FindTokenForRotation, transaction).Bytes("@hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new RotationRow(PostgresRefreshTokenStore.Read(reader, tokenHash), reader.GetTimeOrNull(10), reader.IsDBNull(11) ? null : reader.GetBlob(11));
    }
}
