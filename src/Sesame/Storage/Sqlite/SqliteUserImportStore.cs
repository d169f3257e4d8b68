using Sesame.Users;

namespace Sesame.Storage.Sqlite;

internal sealed class SqliteUserImportStore(SqliteDatabase database) : IUserImportStore
{
    public async ValueTask<IReadOnlyList<ImportOutcome>> ImportAsync(IReadOnlyList<User> users, CancellationToken cancellationToken) =>
        await database.WriteAsync<IReadOnlyList<ImportOutcome>>((connection, transaction) =>
        {
            var outcomes = new List<ImportOutcome>(users.Count);
            // One command per statement for the whole batch: SQLite compiles each once, not once per user.
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = SqliteDatabase.Sql.InsertUserUnlessTaken;
            using var find = connection.CreateCommand();
            find.Transaction = transaction;
            find.CommandText = SqliteDatabase.Sql.FindImportHolders;
            foreach (var user in users)
            {
                var (usernameKey, phoneKey, emailKey) = ImportHolders.Keys(user);
                insert.Parameters.Clear();
                if (insert.WithUser(user, usernameKey, phoneKey, emailKey).ExecuteNonQuery() == 1)
                {
                    outcomes.Add(ImportOutcome.Imported);
                    continue;
                }

                find.Parameters.Clear();
                find.Parameters.AddWithValue("@pool", user.PoolId);
                find.Parameters.AddWithValue("@user", usernameKey);
                find.Parameters.AddWithValue("@sub", user.Sub);
                find.Parameters.AddWithValue("@phone", (object?)phoneKey ?? DBNull.Value);
                find.Parameters.AddWithValue("@email", (object?)emailKey ?? DBNull.Value);
                using var reader = find.ExecuteReader();
                var holders = new List<(string, string, string?, string?)>();
                while (reader.Read())
                {
                    holders.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
                }

                outcomes.Add(ImportHolders.Decide(user, usernameKey, phoneKey, emailKey, holders));
            }

            return outcomes;
        }, cancellationToken);
}
