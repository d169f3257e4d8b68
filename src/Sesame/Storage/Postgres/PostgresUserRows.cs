using System.Text.Json;
using Npgsql;
using Sesame.Users;

namespace Sesame.Storage.Postgres;

/// <summary>How a <see cref="User"/> is read from and removed from the <c>users</c> table, in one place for every store.</summary>
internal static class PostgresUserRows
{
    public static User Read(NpgsqlDataReader reader) => new()
    {
        PoolId = reader.GetString(0),
        Username = reader.GetString(1),
        Sub = reader.GetString(2),
        Status = reader.GetString(3),
        Enabled = reader.GetBoolean(4),
        Attributes = JsonSerializer.Deserialize(reader.GetString(5), StorageJsonContext.Default.DictionaryStringString) ?? [],
        PasswordHash = reader.GetStringOrNull(6),
        CreatedAt = reader.GetTime(7),
        ModifiedAt = reader.GetTime(8),
        Version = reader.GetInt64(9),
        PasswordSetAt = reader.IsDBNull(10) ? null : reader.GetTime(10),
    };

    /// <summary>The parameters of <see cref="StoreSql.InsertUser"/> and <see cref="StoreSql.InsertUserUnlessTaken"/>.</summary>
    public static NpgsqlCommand WithUser(this NpgsqlCommand command, User user, string usernameKey, string? phoneKey, string? emailKey) => command
        .Text("@user", usernameKey)
        .Text("@phone", phoneKey)
        .Text("@email", emailKey)
        .Text("@preferred", user.PreferredUsernameKey)
        .Text("@pool", user.PoolId)
        .Text("@username", user.Username)
        .Text("@sub", user.Sub)
        .Text("@status", user.Status)
        .Bool("@enabled", user.Enabled)
        .Text("@attributes", JsonSerializer.Serialize(user.Attributes, StorageJsonContext.Default.DictionaryStringString))
        .Text("@password", user.PasswordHash)
        .Time("@created", user.CreatedAt)
        .Time("@modified", user.ModifiedAt)
        .NullableTime("@passwordSet", user.PasswordSetAt);

    /// <summary>
    /// Deletes a user with everything that hangs on them — pending codes of every kind, and (by revoking their refresh
    /// tokens) their access tokens — in the caller's transaction. Used for deletion and for replacing an abandoned
    /// (UNCONFIRMED) holder of a username, phone number or email, so neither leaves anything half-removed.
    /// </summary>
    public static async Task<bool> DeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string poolId, string usernameKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string sub;
        await using (var delete = connection.Command(PostgresDatabase.Sql.DeleteUser, transaction).Text("@pool", poolId).Text("@user", usernameKey))
        {
            if (await delete.ExecuteScalarAsync(cancellationToken) is not string found)
            {
                return false;
            }

            sub = found;
        }

        await using (var codes = connection.Command(PostgresDatabase.Sql.DeleteUserCodes, transaction).Text("@pool", poolId).Text("@subject", usernameKey))
        {
            await codes.ExecuteNonQueryAsync(cancellationToken);
        }

        // Rows stay, revoked, so access tokens of the deleted user are refused by origin_jti until they expire.
        await RevokeAllAsync(connection, transaction, poolId, sub, now, cancellationToken);
        return true;
    }

    public static async Task RevokeAllAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string poolId, string sub, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(PostgresDatabase.Sql.RevokeUserTokens, transaction).Time("@now", now).Text("@pool", poolId).Text("@sub", sub);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
