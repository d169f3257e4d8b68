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
    };

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
