using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresRefreshTokenStore(PostgresDatabase database) : IRefreshTokenStore
{
    public async ValueTask<bool> SaveAsync(RefreshTokenRecord token, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.InsertRefreshToken, transaction)
                .Bytes("@hash", token.TokenHash)
                .Text("@pool", token.PoolId)
                .Text("@client", token.ClientId)
                .Text("@username", token.Username)
                .Text("@sub", token.Sub)
                .Text("@origin", token.OriginJti)
                .Text("@event", token.EventId)
                .Time("@auth", token.AuthTime)
                .Time("@created", token.CreatedAt)
                .Time("@expires", token.ExpiresAt);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<RefreshTokenRecord?> FindAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.FindRefreshToken).Bytes("@hash", tokenHash);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? Read(reader, tokenHash) : null;
        }, cancellationToken);

    public async ValueTask<bool> IsRevokedAsync(string originJti, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.IsSignInRevoked).Text("@origin", originJti);
            return await command.ExecuteScalarAsync(ct) is true;
        }, cancellationToken);

    public async ValueTask RevokeAsync(string originJti, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.RevokeSignIn, transaction).Text("@origin", originJti).Time("@now", now);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>A token from the columns <see cref="StoreSql.FindRefreshToken"/> (and the rotation's read) start with.</summary>
    public static RefreshTokenRecord Read(NpgsqlDataReader reader, byte[] tokenHash) =>
        new(tokenHash, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
            reader.GetTime(6), reader.GetTime(7), reader.GetTime(8), reader.GetTimeOrNull(9));
}
