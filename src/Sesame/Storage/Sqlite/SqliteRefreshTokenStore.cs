namespace Sesame.Storage.Sqlite;

internal sealed class SqliteRefreshTokenStore(SqliteDatabase database) : IRefreshTokenStore
{
    public async ValueTask<bool> SaveAsync(RefreshTokenRecord token, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.InsertRefreshToken;
            command.Parameters.AddWithValue("@hash", token.TokenHash);
            command.Parameters.AddWithValue("@pool", token.PoolId);
            command.Parameters.AddWithValue("@client", token.ClientId);
            command.Parameters.AddWithValue("@username", token.Username);
            command.Parameters.AddWithValue("@sub", token.Sub);
            command.Parameters.AddWithValue("@origin", token.OriginJti);
            command.Parameters.AddWithValue("@event", token.EventId);
            command.Parameters.AddWithValue("@auth", token.AuthTime.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@created", token.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@expires", token.ExpiresAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public async ValueTask<RefreshTokenRecord?> FindAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.FindRefreshToken;
            command.Parameters.AddWithValue("@hash", tokenHash);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            return new RefreshTokenRecord(tokenHash, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)));
        }, cancellationToken);

    public async ValueTask<bool> IsRevokedAsync(string originJti, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.IsSignInRevoked;
            command.Parameters.AddWithValue("@origin", originJti);
            return (long)command.ExecuteScalar()! != 0;
        }, cancellationToken);

    public async ValueTask RevokeAsync(string originJti, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.RevokeSignIn;
            command.Parameters.AddWithValue("@origin", originJti);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken);
}
