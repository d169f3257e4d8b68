namespace Sesame.Storage.Sqlite;

internal sealed class SqliteSignInSessionStore(SqliteDatabase database) : ISignInSessionStore
{
    public async ValueTask SaveAsync(AuthSessionRecord session, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                // Expired sessions are swept here, a few at a time, so the table stays small without a timer.
                command.CommandText = SqliteDatabase.Sql.SaveSession;
                command.Parameters.AddWithValue("@sweep", session.ExpiresAt.AddHours(-1).ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("@id", session.IdHash);
                command.Parameters.AddWithValue("@pool", session.PoolId);
                command.Parameters.AddWithValue("@client", session.ClientId);
                command.Parameters.AddWithValue("@state", session.State);
                command.Parameters.AddWithValue("@expires", session.ExpiresAt.ToUnixTimeMilliseconds());
                command.ExecuteNonQuery();
            }

            foreach (var message in messages)
            {
                SqliteOutboxStore.Enqueue(connection, transaction, message);
            }

            return true;
        }, cancellationToken);

    public async ValueTask<AuthSessionRecord?> TakeAsync(byte[] idHash, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.TakeSession;
            command.Parameters.AddWithValue("@id", idHash);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new AuthSessionRecord(idHash, reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
                : null;
        }, cancellationToken);

    public async ValueTask<AuthSessionRecord?> CountAttemptAsync(byte[] idHash, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.CountSessionAttempt;
            command.Parameters.AddWithValue("@id", idHash);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new AuthSessionRecord(idHash, reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.GetInt32(4))
                : null;
        }, cancellationToken);

    public async ValueTask<bool> DeleteAsync(byte[] idHash, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.DeleteSession;
            command.Parameters.AddWithValue("@id", idHash);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
