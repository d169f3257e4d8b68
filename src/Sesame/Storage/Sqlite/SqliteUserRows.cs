using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sesame.Users;

namespace Sesame.Storage.Sqlite;

/// <summary>How a <see cref="User"/> is read from the <c>users</c> table (<see cref="StoreSql.UserColumns"/>), in one place for every store that reads users.</summary>
internal static class SqliteUserRows
{
    public static User Read(SqliteDataReader reader) => new()
    {
        PoolId = reader.GetString(0),
        Username = reader.GetString(1),
        Sub = reader.GetString(2),
        Status = reader.GetString(3),
        Enabled = reader.GetInt64(4) != 0,
        Attributes = JsonSerializer.Deserialize(reader.GetString(5), StorageJsonContext.Default.DictionaryStringString) ?? [],
        PasswordHash = reader.IsDBNull(6) ? null : reader.GetString(6),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        ModifiedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        Version = reader.GetInt64(9),
        PasswordSetAt = reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
    };

    /// <summary>The parameters of <see cref="StoreSql.InsertUser"/> for this user.</summary>
    public static SqliteCommand WithUser(this SqliteCommand insert, User user, string usernameKey, string? phoneKey, string? emailKey)
    {
        insert.Parameters.AddWithValue("@user", usernameKey);
        insert.Parameters.AddWithValue("@phone", (object?)phoneKey ?? DBNull.Value);
        insert.Parameters.AddWithValue("@email", (object?)emailKey ?? DBNull.Value);
        insert.Parameters.AddWithValue("@preferred", (object?)user.PreferredUsernameKey ?? DBNull.Value);
        insert.Parameters.AddWithValue("@pool", user.PoolId);
        insert.Parameters.AddWithValue("@username", user.Username);
        insert.Parameters.AddWithValue("@sub", user.Sub);
        insert.Parameters.AddWithValue("@status", user.Status);
        insert.Parameters.AddWithValue("@enabled", user.Enabled ? 1 : 0);
        insert.Parameters.AddWithValue("@attributes", JsonSerializer.Serialize(user.Attributes, StorageJsonContext.Default.DictionaryStringString));
        insert.Parameters.AddWithValue("@password", (object?)user.PasswordHash ?? DBNull.Value);
        insert.Parameters.AddWithValue("@created", user.CreatedAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("@modified", user.ModifiedAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("@passwordSet", (object?)user.PasswordSetAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        return insert;
    }

    /// <summary>
    /// Deletes a user with everything that hangs on them — pending codes of every kind, and (by revoking their refresh
    /// tokens) their access tokens — in the caller's transaction. Used for deletion and for replacing an abandoned
    /// (UNCONFIRMED) holder of a username, phone number or email, so neither leaves anything half-removed.
    /// </summary>
    public static bool Delete(SqliteConnection connection, SqliteTransaction transaction, string poolId, string usernameKey, DateTimeOffset now)
    {
        string sub;
        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = SqliteDatabase.Sql.DeleteUser;
            delete.Parameters.AddWithValue("@pool", poolId);
            delete.Parameters.AddWithValue("@user", usernameKey);
            if (delete.ExecuteScalar() is not string found)
            {
                return false;
            }

            sub = found;
        }

        SqliteOneTimeCodes.DeleteAll(connection, transaction, poolId, usernameKey);

        // Rows stay, revoked, so access tokens of the deleted user are refused by origin_jti until they expire.
        SqliteUserAccountStore.RevokeAll(connection, transaction, poolId, sub, now);
        return true;
    }
}
