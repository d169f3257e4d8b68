using System.Data.Common;

namespace Sesame.Storage;

/// <summary>
/// The check-and-count of <see cref="IRateLimitStore"/> over any engine's connection, inside the caller's write
/// transaction: each key's row is made if missing and locked (in key order, so two callers never wait on each other in
/// a cycle), every window is counted, and only when all have room is the event added to every key.
/// </summary>
internal static class RateLimitCommands
{
    /// <param name="resetWhen">
    /// Asked once every window has room (<see cref="IRateLimitStore.TryAcquireOrResetAsync"/>): true forgets every event
    /// of the keys instead of counting one; null counts.
    /// </param>
    public static async Task<RateDecision> TryAcquireAsync(DbConnection connection, DbTransaction transaction, StoreSql sql, IReadOnlyList<RateLimit> limits,
        DateTimeOffset now, CancellationToken cancellationToken, Func<bool>? resetWhen = null)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var order = Enumerable.Range(0, limits.Count).OrderBy(i => limits[i].Key, StringComparer.Ordinal).ToArray();
        foreach (var i in order)
        {
            var key = limits[i].Key;
            await ExecuteAsync(connection, transaction, sql.EnsureRateKey, cancellationToken, ("@key", key), ("@expires", nowMs + Longest(limits[i])));
            await ExecuteAsync(connection, transaction, sql.LockRateKey, cancellationToken, ("@key", key));
            await ExecuteAsync(connection, transaction, sql.TrimRateEvents, cancellationToken, ("@key", key), ("@now", nowMs));
        }

        var refusedBy = -1;
        long? retryAt = null;
        for (var i = 0; i < limits.Count; i++)
        {
            foreach (var window in limits[i].Windows)
            {
                var since = nowMs - (long)window.Length.TotalMilliseconds;
                var count = Convert.ToInt64(await ScalarAsync(connection, transaction, sql.CountRateEvents, cancellationToken, ("@key", limits[i].Key), ("@since", since)));
                if (count < window.Max)
                {
                    continue;
                }

                // Room comes back when the oldest events that hold the window full leave it.
                var leaving = Convert.ToInt64(await ScalarAsync(connection, transaction, sql.NthRateEvent, cancellationToken,
                    ("@key", limits[i].Key), ("@since", since), ("@skip", count - window.Max)));
                var retry = leaving + (long)window.Length.TotalMilliseconds;
                retryAt = Math.Max(retryAt ?? retry, retry);
                refusedBy = refusedBy < 0 ? i : refusedBy;
            }
        }

        if (retryAt is { } at)
        {
            return new RateDecision(false, refusedBy, DateTimeOffset.FromUnixTimeMilliseconds(at));
        }

        if (resetWhen?.Invoke() == true)
        {
            // Counted, then cleared by the success, in one statement: what count-then-reset leaves, without the count.
            foreach (var i in order)
            {
                await ExecuteAsync(connection, transaction, sql.ResetRateKey, cancellationToken, ("@key", limits[i].Key));
            }

            return RateDecision.Allow;
        }

        foreach (var i in order)
        {
            await ExecuteAsync(connection, transaction, sql.AddRateEvent, cancellationToken, ("@key", limits[i].Key), ("@now", nowMs), ("@expires", nowMs + Longest(limits[i])));
        }

        return RateDecision.Allow;
    }

    public static async Task<long> CountAsync(DbConnection connection, StoreSql sql, string key, TimeSpan window, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection, null, sql.CountRateEvents, cancellationToken,
            ("@key", key), ("@since", now.ToUnixTimeMilliseconds() - (long)window.TotalMilliseconds)));

    public static async Task<IReadOnlyList<RateKeyEvents>> ListAsync(DbConnection connection, StoreSql sql, string keyPrefix, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, sql.ListRateKeys,
            [("@length", keyPrefix.Length), ("@prefix", keyPrefix), ("@now", now.ToUnixTimeMilliseconds())]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<RateKeyEvents>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new RateKeyEvents(reader.GetString(0), Convert.ToInt32(reader.GetValue(1)), DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(2)))));
        }

        return keys;
    }

    // Asynchronous, so callers waiting on a locked key hold no thread (PostgreSQL); SQLite's provider completes at once.
    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string text, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, text, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string text, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, text, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string text, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static long Longest(RateLimit limit) =>
        limit.Windows.Count == 0 ? 0 : limit.Windows.Max(w => (long)w.Length.TotalMilliseconds);
}
