namespace Sesame.Storage;

/// <summary>At most <paramref name="Max"/> counted events in any interval of <paramref name="Length"/> that ends now.</summary>
/// <remarks>A minimum spacing between events is the window (spacing, 1).</remarks>
internal readonly record struct RateWindow(TimeSpan Length, int Max);

/// <summary>The windows one key is held to, e.g. a phone number's (60 s, 1), (10 min, 5) and (24 h, 10).</summary>
internal sealed record RateLimit(string Key, IReadOnlyList<RateWindow> Windows);

/// <summary>How a check-and-count ended.</summary>
/// <param name="RefusedBy">The index of the first limit that refused; -1 when allowed.</param>
/// <param name="RetryAt">When every refusing window has room again; null when allowed.</param>
internal readonly record struct RateDecision(bool Allowed, int RefusedBy, DateTimeOffset? RetryAt)
{
    public static RateDecision Allow { get; } = new(true, -1, null);
}

/// <summary>A key's live events: how many, and the latest.</summary>
internal sealed record RateKeyEvents(string Key, int Events, DateTimeOffset Latest);

/// <summary>
/// Counters for abuse limits, kept in the database so that every node sharing it sees the same counts. Each key holds a
/// log of the events counted against it; a window counts the events inside it, so limits are exact sliding windows.
/// </summary>
internal interface IRateLimitStore
{
    /// <summary>
    /// Checks every window of every limit and, only when all have room, counts one event against each key — atomically,
    /// in one transaction, so of concurrent callers exactly as many are allowed as the windows have room for. A refused
    /// call counts nothing (a client that retries a refused call does not push its own wait further out).
    /// </summary>
    ValueTask<RateDecision> TryAcquireAsync(IReadOnlyList<RateLimit> limits, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryAcquireAsync"/> for one limit that a success clears: when the limit has room, <paramref name="succeeded"/>
    /// runs inside the same transaction, with the key still locked, and decides: false counts the event, true forgets every
    /// event of the key instead (as <see cref="ResetAsync"/> after the count would). So an answer is counted before it is
    /// compared, concurrent answers are compared one after another (of them, exactly as many as the windows have room for
    /// are compared), and a right answer costs one write, not two. A refused call counts nothing and does not call
    /// <paramref name="succeeded"/>; when it throws, nothing is written. It must be quick and touch no store (it runs
    /// inside the write).
    /// </summary>
    ValueTask<RateDecision> TryAcquireOrResetAsync(RateLimit limit, DateTimeOffset now, Func<bool> succeeded, CancellationToken cancellationToken);

    /// <summary>Forgets every event of a key (a correct code answer clears the failures before it).</summary>
    ValueTask ResetAsync(string key, CancellationToken cancellationToken);

    /// <summary>How many events of a key fall within <paramref name="window"/> before <paramref name="now"/>.</summary>
    ValueTask<int> CountAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Every key starting with <paramref name="keyPrefix"/> that holds events not yet expired at <paramref name="now"/>,
    /// ordered by key (the operators' view of blocked number prefixes).
    /// </summary>
    ValueTask<IReadOnlyList<RateKeyEvents>> ListAsync(string keyPrefix, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes events no window counts any more and keys left without events; returns the events deleted.</summary>
    ValueTask<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
