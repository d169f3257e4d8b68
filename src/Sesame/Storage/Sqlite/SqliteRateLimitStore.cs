namespace Sesame.Storage.Sqlite;

/// <summary>
/// The counters on SQLite: the one writer makes each check-and-count atomic. Microsoft.Data.Sqlite's asynchronous
/// calls complete synchronously, so waiting on them inside the write gate blocks nothing.
/// </summary>
internal sealed class SqliteRateLimitStore(SqliteDatabase database) : IRateLimitStore
{
    public async ValueTask<RateDecision> TryAcquireAsync(IReadOnlyList<RateLimit> limits, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
            RateLimitCommands.TryAcquireAsync(connection, transaction, SqliteDatabase.Sql, limits, now, CancellationToken.None).GetAwaiter().GetResult(),
            cancellationToken);

    public async ValueTask<RateDecision> TryAcquireOrResetAsync(RateLimit limit, DateTimeOffset now, Func<bool> succeeded, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
            RateLimitCommands.TryAcquireAsync(connection, transaction, SqliteDatabase.Sql, [limit], now, CancellationToken.None, succeeded).GetAwaiter().GetResult(),
            cancellationToken);

    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
            RateLimitCommands.ExecuteAsync(connection, transaction, SqliteDatabase.Sql.ResetRateKey, CancellationToken.None, ("@key", key))
                .GetAwaiter().GetResult(), cancellationToken);

    public async ValueTask<int> CountAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) =>
        (int)await database.ReadAsync(connection =>
            RateLimitCommands.CountAsync(connection, SqliteDatabase.Sql, key, window, now, CancellationToken.None).GetAwaiter().GetResult(),
            cancellationToken);

    public async ValueTask<IReadOnlyList<RateKeyEvents>> ListAsync(string keyPrefix, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection =>
            RateLimitCommands.ListAsync(connection, SqliteDatabase.Sql, keyPrefix, now, CancellationToken.None).GetAwaiter().GetResult(),
            cancellationToken);

    public async ValueTask<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
            RateLimitCommands.ExecuteAsync(connection, transaction, SqliteDatabase.Sql.SweepRateLimits, CancellationToken.None,
                ("@now", now.ToUnixTimeMilliseconds())).GetAwaiter().GetResult(), cancellationToken);
}
