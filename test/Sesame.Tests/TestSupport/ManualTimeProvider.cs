namespace Sesame.Tests.TestSupport;

/// <summary>
/// A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing does not restore here). Only "now" is
/// faked unless <see cref="TimersFollowClock"/> is set: timers still run on real time, so background work keeps flowing
/// (delivery retries wait through this provider).
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public ManualTimeProvider() : this(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>
    /// When set, timers created from then on (the trigger timeout, a delivery retry's delay) fire only when
    /// <see cref="Advance"/> reaches their due time, on the advancing thread: a test of a timeout moves the clock
    /// instead of waiting for it.
    /// </summary>
    public bool TimersFollowClock { get; set; }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <summary>Timers created and not yet fired or disposed, so a test can wait until the code under test armed one.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            _now += by;
            due = _timers.Where(t => t.DueAt <= _now).OrderBy(t => t.DueAt).ToList();
            foreach (var timer in due)
            {
                timer.DueAt = timer.Period is { } period ? _now + period : null;
            }
        }

        // Outside the lock: a callback may read the clock or arm another timer.
        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (!TimersFollowClock)
        {
            return base.CreateTimer(callback, state, dueTime, period);
        }

        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        // Guarded by clock._lock.
        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + (dueTime == TimeSpan.Zero ? Period : dueTime);
            }

            // Due now is due without the clock moving, as for a real timer.
            if (dueTime == TimeSpan.Zero)
            {
                ThreadPool.QueueUserWorkItem(_ => Fire());
            }

            return true;
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                DueAt = null;
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
