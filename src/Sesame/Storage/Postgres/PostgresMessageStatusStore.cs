namespace Sesame.Storage.Postgres;

internal sealed class PostgresMessageStatusStore(PostgresDatabase database) : IMessageStatusStore
{
    public async ValueTask<IReadOnlyList<MessageStatus>> QueryAsync(MessageStatusQuery query, CancellationToken cancellationToken) =>
        await database.ReadAsync<IReadOnlyList<MessageStatus>>(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.QueryMessages)
                .Text("@pool", query.PoolId).Text("@status", query.Status).Text("@hint", query.DestinationHint).Int("@limit", query.Limit).Text("@route", query.Route);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var list = new List<MessageStatus>();
            while (await reader.ReadAsync(ct))
            {
                var status = reader.GetString(4);
                list.Add(new MessageStatus(
                    reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), status, reader.GetInt32(5),
                    reader.GetStringOrNull(6), reader.GetStringOrNull(7), reader.GetStringOrNull(8),
                    reader.GetTime(9), reader.GetTimeOrNull(10), status == "queued" ? reader.GetTime(11) : null,
                    reader.GetStringOrNull(12), reader.IsDBNull(13) ? null : reader.GetDouble(13), reader.GetTimeOrNull(14)));
            }

            return list;
        }, cancellationToken);

    public async ValueTask<(double Spent, DateTimeOffset? Oldest)> SpentAsync(string poolId, DateTimeOffset since, CancellationToken cancellationToken) =>
        await database.ReadAsync<(double, DateTimeOffset?)>(async (connection, ct) =>
        {
            await using var command = connection.Command(PostgresDatabase.Sql.SpentSince).Text("@pool", poolId).Time("@since", since);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetDouble(0), reader.GetTimeOrNull(1));
        }, cancellationToken);
}
