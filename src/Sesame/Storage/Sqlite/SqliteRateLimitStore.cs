namespace Sesame.Storage.Sqlite;

/// <summary>The counters on SQLite: the one writer makes each check-and-count atomic.</summary>
internal sealed class SqliteRateLimitStore(SqliteDatabase database) : IRateLimitStore
{
    public async ValueTask<RateDecision> TryAcquireAsync(IReadOnlyList<RateLimit> limits, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) => RateLimitCommands.TryAcquire(connection, transaction, SqliteDatabase.Sql, limits, now),
            cancellationToken);

    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
            RateLimitCommands.Execute(connection, transaction, SqliteDatabase.Sql.ResetRateKey, ("@key", key)), cancellationToken);

    public async ValueTask<int> CountAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) =>
        (int)await database.ReadAsync(connection => RateLimitCommands.Count(connection, SqliteDatabase.Sql, key, window, now), cancellationToken);

    public async ValueTask<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
            RateLimitCommands.Execute(connection, transaction, SqliteDatabase.Sql.SweepRateLimits, ("@now", now.ToUnixTimeMilliseconds())),
            cancellationToken);
}
