using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sesame.Users;

namespace Sesame.Storage.Sqlite;

/// <summary>How a <see cref="User"/> is read from the <c>users</c> table, in one place for every store that reads users.</summary>
internal static class SqliteUserRows
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns =
        "pool_id, username, sub, status, enabled, attributes, password_hash, created_at, modified_at, version";

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
}
