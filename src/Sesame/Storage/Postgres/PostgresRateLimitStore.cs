namespace Sesame.Storage.Postgres;

/// <summary>
/// The counters on PostgreSQL: each key's row is locked (<c>FOR UPDATE</c>, in key order) inside one transaction, so
/// the check-and-count holds across every node.
/// </summary>
internal sealed class PostgresRateLimitStore(PostgresDatabase database) : IRateLimitStore
{
    public async ValueTask<RateDecision> TryAcquireAsync(IReadOnlyList<RateLimit> limits, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction, ct) =>
            RateLimitCommands.TryAcquireAsync(connection, transaction, PostgresDatabase.Sql, limits, now, ct), cancellationToken);

    public async ValueTask<RateDecision> TryAcquireOrResetAsync(RateLimit limit, DateTimeOffset now, Func<bool> succeeded, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction, ct) =>
            RateLimitCommands.TryAcquireAsync(connection, transaction, PostgresDatabase.Sql, [limit], now, ct, succeeded), cancellationToken);

    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction, ct) =>
            RateLimitCommands.ExecuteAsync(connection, transaction, PostgresDatabase.Sql.ResetRateKey, ct, ("@key", key)), cancellationToken);

    public async ValueTask<int> CountAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) =>
        (int)await database.ReadAsync((connection, ct) => RateLimitCommands.CountAsync(connection, PostgresDatabase.Sql, key, window, now, ct),
            cancellationToken);

    public async ValueTask<IReadOnlyList<RateKeyEvents>> ListAsync(string keyPrefix, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.ReadAsync((connection, ct) => RateLimitCommands.ListAsync(connection, PostgresDatabase.Sql, keyPrefix, now, ct), cancellationToken);

    public async ValueTask<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction, ct) =>
            RateLimitCommands.ExecuteAsync(connection, transaction, PostgresDatabase.Sql.SweepRateLimits, ct, ("@now", now.ToUnixTimeMilliseconds())),
            cancellationToken);
}
