using Sesame.Users;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresUserImportStore(PostgresDatabase database) : IUserImportStore
{
    public async ValueTask<IReadOnlyList<ImportOutcome>> ImportAsync(IReadOnlyList<User> users, CancellationToken cancellationToken) =>
        await database.WriteAsync<IReadOnlyList<ImportOutcome>>(async (connection, transaction, ct) =>
        {
            var outcomes = new List<ImportOutcome>(users.Count);
            foreach (var user in users)
            {
                var (usernameKey, phoneKey, emailKey) = ImportHolders.Keys(user);
                await using (var insert = connection.Command(PostgresDatabase.Sql.InsertUserUnlessTaken, transaction).WithUser(user, usernameKey, phoneKey, emailKey))
                {
                    if (await insert.ExecuteNonQueryAsync(ct) == 1)
                    {
                        outcomes.Add(ImportOutcome.Imported);
                        continue;
                    }
                }

                await using var find = connection.Command(PostgresDatabase.Sql.FindImportHolders, transaction)
                    .Text("@pool", user.PoolId).Text("@user", usernameKey).Text("@sub", user.Sub).Text("@phone", phoneKey).Text("@email", emailKey);
                await using var reader = await find.ExecuteReaderAsync(ct);
                var holders = new List<(string, string, string?, string?)>();
                while (await reader.ReadAsync(ct))
                {
                    holders.Add((reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3)));
                }

                outcomes.Add(ImportHolders.Decide(user, usernameKey, phoneKey, emailKey, holders));
            }

            return outcomes;
        }, cancellationToken);
}
