using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteOAuthGrantStore(SqliteDatabase database) : IOAuthGrantStore
{
    public async ValueTask SaveCodeAsync(AuthorizationCodeRecord code, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.InsertAuthorizationCode;
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@hash", code.CodeHash);
            command.Parameters.AddWithValue("@origin", code.OriginJti);
            command.Parameters.AddWithValue("@pool", code.PoolId);
            command.Parameters.AddWithValue("@client", code.ClientId);
            command.Parameters.AddWithValue("@redirect", code.RedirectUri);
            command.Parameters.AddWithValue("@challenge", (object?)code.CodeChallenge ?? DBNull.Value);
            command.Parameters.AddWithValue("@scope", code.Scope);
            command.Parameters.AddWithValue("@nonce", (object?)code.Nonce ?? DBNull.Value);
            command.Parameters.AddWithValue("@username", code.Username);
            command.Parameters.AddWithValue("@sub", code.Sub);
            command.Parameters.AddWithValue("@auth", code.AuthTime.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@codeExpires", code.CodeExpiresAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public async ValueTask<(CodeRedemption Outcome, AuthorizationCodeRecord? Code)> RedeemAsync(
        byte[] codeHash, DateTimeOffset now, DateTimeOffset grantExpiresAt, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using (var redeem = connection.CreateCommand())
            {
                redeem.Transaction = transaction;
                redeem.CommandText = SqliteDatabase.Sql.RedeemAuthorizationCode;
                redeem.Parameters.AddWithValue("@hash", codeHash);
                redeem.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                redeem.Parameters.AddWithValue("@grantExpires", grantExpiresAt.ToUnixTimeMilliseconds());
                using var reader = redeem.ExecuteReader();
                if (reader.Read())
                {
                    return (CodeRedemption.Redeemed, Read(reader, codeHash));
                }
            }

            using var replay = connection.CreateCommand();
            replay.Transaction = transaction;
            replay.CommandText = SqliteDatabase.Sql.MarkAuthorizationCodeReplayed;
            replay.Parameters.AddWithValue("@hash", codeHash);
            replay.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            using var replayed = replay.ExecuteReader();
            return replayed.Read() ? (CodeRedemption.Replayed, Read(replayed, codeHash)) : (CodeRedemption.Unknown, (AuthorizationCodeRecord?)null);
        }, cancellationToken);

    public async ValueTask<bool> IsReplayedAsync(byte[] codeHash, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.IsAuthorizationCodeReplayed;
            command.Parameters.AddWithValue("@hash", codeHash);
            return (long)command.ExecuteScalar()! != 0;
        }, cancellationToken);

    public async ValueTask<string?> FindScopeAsync(string originJti, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.FindGrantScope;
            command.Parameters.AddWithValue("@origin", originJti);
            return command.ExecuteScalar() as string;
        }, cancellationToken);

    public async ValueTask SavePageSessionAsync(
        byte[] sessionHash, string poolId, string username, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.InsertPageSession;
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@hash", sessionHash);
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@username", username);
            command.Parameters.AddWithValue("@expires", expiresAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public async ValueTask<bool> IsPageSessionLiveAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.IsPageSessionLive;
            command.Parameters.AddWithValue("@hash", sessionHash);
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            return (long)command.ExecuteScalar()! != 0;
        }, cancellationToken);

    public async ValueTask EndPageSessionAsync(byte[] sessionHash, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SqliteDatabase.Sql.DeletePageSession;
            command.Parameters.AddWithValue("@hash", sessionHash);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private static AuthorizationCodeRecord Read(SqliteDataReader reader, byte[] codeHash) =>
        new(codeHash, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.GetString(7), reader.GetString(8),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)));
}
