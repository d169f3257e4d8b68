using System.Data.Common;

namespace Sesame.Storage;

/// <summary>
/// The check-and-count of <see cref="IRateLimitStore"/> over any engine's connection, inside the caller's write
/// transaction: each key's row is made if missing and locked (in key order, so two callers never wait on each other in
/// a cycle), every window is counted, and only when all have room is the event added to every key.
/// </summary>
internal static class RateLimitCommands
{
    public static RateDecision TryAcquire(DbConnection connection, DbTransaction transaction, StoreSql sql, IReadOnlyList<RateLimit> limits,
        DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var order = Enumerable.Range(0, limits.Count).OrderBy(i => limits[i].Key, StringComparer.Ordinal).ToArray();
        foreach (var i in order)
        {
            var key = limits[i].Key;
            Execute(connection, transaction, sql.EnsureRateKey, ("@key", key), ("@expires", nowMs + Longest(limits[i])));
            Execute(connection, transaction, sql.LockRateKey, ("@key", key));
            Execute(connection, transaction, sql.TrimRateEvents, ("@key", key), ("@now", nowMs));
        }

        var refusedBy = -1;
        long? retryAt = null;
        for (var i = 0; i < limits.Count; i++)
        {
            foreach (var window in limits[i].Windows)
            {
                var since = nowMs - (long)window.Length.TotalMilliseconds;
                var count = Convert.ToInt64(Scalar(connection, transaction, sql.CountRateEvents, ("@key", limits[i].Key), ("@since", since)));
                if (count < window.Max)
                {
                    continue;
                }

                // Room comes back when the oldest events that hold the window full leave it.
                var leaving = Convert.ToInt64(Scalar(connection, transaction, sql.NthRateEvent,
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

        foreach (var i in order)
        {
            Execute(connection, transaction, sql.AddRateEvent, ("@key", limits[i].Key), ("@now", nowMs), ("@expires", nowMs + Longest(limits[i])));
        }

        return RateDecision.Allow;
    }

    public static long Count(DbConnection connection, StoreSql sql, string key, TimeSpan window, DateTimeOffset now) =>
        Convert.ToInt64(Scalar(connection, null, sql.CountRateEvents,
            ("@key", key), ("@since", now.ToUnixTimeMilliseconds() - (long)window.TotalMilliseconds)));

    public static int Execute(DbConnection connection, DbTransaction? transaction, string text, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, text, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(DbConnection connection, DbTransaction? transaction, string text, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, text, parameters);
        return command.ExecuteScalar();
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
