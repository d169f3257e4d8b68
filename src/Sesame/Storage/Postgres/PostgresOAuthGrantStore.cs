using Npgsql;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresOAuthGrantStore(PostgresDatabase database) : IOAuthGrantStore
{
    public async ValueTask SaveCodeAsync(AuthorizationCodeRecord code, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.InsertAuthorizationCode, transaction)
                .Time("@now", now)
                .Bytes("@hash", code.CodeHash)
                .Text("@origin", code.OriginJti)
                .Text("@pool", code.PoolId)
                .Text("@client", code.ClientId)
                .Text("@redirect", code.RedirectUri)
                .Text("@challenge", code.CodeChallenge)
                .Text("@scope", code.Scope)
                .Text("@nonce", code.Nonce)
                .Text("@username", code.Username)
                .Text("@sub", code.Sub)
                .Time("@auth", code.AuthTime)
                .Time("@codeExpires", code.CodeExpiresAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async ValueTask<(CodeRedemption Outcome, AuthorizationCodeRecord? Code)> RedeemAsync(
        byte[] codeHash, DateTimeOffset now, DateTimeOffset grantExpiresAt, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using (var redeem = connection.Command(PostgresDatabase.Sql.RedeemAuthorizationCode, transaction)
                .Bytes("@hash", codeHash).Time("@now", now).Time("@grantExpires", grantExpiresAt))
            {
                await using var reader = await redeem.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    return (CodeRedemption.Redeemed, Read(reader, codeHash));
                }
            }

            await using var replay = connection.Command(PostgresDatabase.Sql.MarkAuthorizationCodeReplayed, transaction).Bytes("@hash", codeHash).Time("@now", now);
            await using var replayed = await replay.ExecuteReaderAsync(ct);
            return await replayed.ReadAsync(ct) ? (CodeRedemption.Replayed, Read(replayed, codeHash)) : (CodeRedemption.Unknown, (AuthorizationCodeRecord?)null);
        }, cancellationToken);

    public async ValueTask<bool> IsReplayedAsync(byte[] codeHash, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.IsAuthorizationCodeReplayed).Bytes("@hash", codeHash);
            return await command.ExecuteScalarAsync(ct) is true;
        }, cancellationToken);

    public async ValueTask<string?> FindScopeAsync(string originJti, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.FindGrantScope).Text("@origin", originJti);
            return await command.ExecuteScalarAsync(ct) as string;
        }, cancellationToken);

    public async ValueTask SavePageSessionAsync(
        byte[] sessionHash, string poolId, string username, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.InsertPageSession, transaction)
                .Time("@now", now).Bytes("@hash", sessionHash).Text("@pool", poolId).Text("@username", username).Time("@expires", expiresAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async ValueTask<bool> IsPageSessionLiveAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.IsPageSessionLive).Bytes("@hash", sessionHash).Time("@now", now);
            return await command.ExecuteScalarAsync(ct) is true;
        }, cancellationToken);

    public async ValueTask EndPageSessionAsync(byte[] sessionHash, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.DeletePageSession, transaction).Bytes("@hash", sessionHash);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    private static AuthorizationCodeRecord Read(NpgsqlDataReader reader, byte[] codeHash) =>
        new(codeHash, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetStringOrNull(4),
            reader.GetString(5), reader.GetStringOrNull(6), reader.GetString(7), reader.GetString(8), reader.GetTime(9), reader.GetTime(10));
}
