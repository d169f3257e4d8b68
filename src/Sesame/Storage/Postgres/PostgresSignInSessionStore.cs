using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresSignInSessionStore(PostgresDatabase database) : ISignInSessionStore
{
    public async ValueTask SaveAsync(AuthSessionRecord session, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            // Expired sessions are swept here, a few at a time, so the table stays small without a timer.
            await using (var command = connection.Command(PostgresDatabase.Sql.SaveSession, transaction)
                .Time("@sweep", session.ExpiresAt.AddHours(-1))
                .Bytes("@id", session.IdHash)
                .Text("@pool", session.PoolId)
                .Text("@client", session.ClientId)
                .Text("@state", session.State)
                .Time("@expires", session.ExpiresAt))
            {
                await command.ExecuteNonQueryAsync(ct);
            }

            await PostgresOutboxStore.EnqueueAsync(connection, transaction, messages, ct);
            return true;
        }, cancellationToken);

    /// <summary>One <c>DELETE … RETURNING</c>: of concurrent answers on any node, the one whose delete finds the row gets it.</summary>
    public async ValueTask<AuthSessionRecord?> TakeAsync(byte[] idHash, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.TakeSession, transaction).Bytes("@id", idHash);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? Read(reader, idHash, attempts: false) : null;
        }, cancellationToken);

    public async ValueTask<AuthSessionRecord?> CountAttemptAsync(byte[] idHash, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.CountSessionAttempt, transaction).Bytes("@id", idHash);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? Read(reader, idHash, attempts: true) : null;
        }, cancellationToken);

    public async ValueTask<bool> DeleteAsync(byte[] idHash, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.DeleteSession, transaction).Bytes("@id", idHash);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    private static AuthSessionRecord Read(NpgsqlDataReader reader, byte[] idHash, bool attempts) =>
        new(idHash, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3), attempts ? reader.GetInt32(4) : 0);
}
