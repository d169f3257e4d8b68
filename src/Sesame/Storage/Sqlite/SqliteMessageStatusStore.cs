namespace Sesame.Storage.Sqlite;

internal sealed class SqliteMessageStatusStore(SqliteDatabase database) : IMessageStatusStore
{
    public async ValueTask<IReadOnlyList<MessageStatus>> QueryAsync(MessageStatusQuery query, CancellationToken cancellationToken) =>
        await database.ReadAsync<IReadOnlyList<MessageStatus>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.QueryMessages;
            command.Parameters.AddWithValue("@pool", (object?)query.PoolId ?? DBNull.Value);
            command.Parameters.AddWithValue("@status", (object?)query.Status ?? DBNull.Value);
            command.Parameters.AddWithValue("@hint", (object?)query.DestinationHint ?? DBNull.Value);
            command.Parameters.AddWithValue("@limit", query.Limit);
            command.Parameters.AddWithValue("@route", (object?)query.Route ?? DBNull.Value);
            using var reader = command.ExecuteReader();
            var list = new List<MessageStatus>();
            while (reader.Read())
            {
                var status = reader.GetString(4);
                list.Add(new MessageStatus(
                    reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), status, reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                    reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
                    status == "queued" ? DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)) : null,
                    reader.IsDBNull(12) ? null : reader.GetString(12),
                    reader.IsDBNull(13) ? null : reader.GetDouble(13),
                    reader.IsDBNull(14) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(14))));
            }

            return list;
        }, cancellationToken);

    public async ValueTask<(double Spent, DateTimeOffset? Oldest)> SpentAsync(string poolId, DateTimeOffset since, CancellationToken cancellationToken) =>
        await database.ReadAsync<(double, DateTimeOffset?)>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SqliteDatabase.Sql.SpentSince;
            command.Parameters.AddWithValue("@pool", poolId);
            command.Parameters.AddWithValue("@since", since.ToUnixTimeMilliseconds());
            using var reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetDouble(0), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
        }, cancellationToken);
}
