using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Sesame.Cognito;
using Sesame.Configuration;

namespace Sesame.Abuse;

/// <summary>
/// Bounds the CPU that password work (PBKDF2 verification, SRP exponentiations) may take at once: at most
/// <see cref="PasswordOptions.MaxConcurrentHashes"/> run, at most <see cref="PasswordOptions.MaxQueuedHashes"/> wait
/// (without holding a thread), and any further attempt is refused at once with <c>TooManyRequestsException</c>. So a
/// flood of password attempts, even one spread over many IPs and names, leaves the other cores to passwordless sign-in.
/// </summary>
internal sealed class HashingSlots : IDisposable
{
    private readonly SemaphoreSlim _running;
    private readonly int _capacity;
    private int _admitted;
    private readonly Counter<long> _outcomes;

    public HashingSlots(IOptions<SesameOptions> options, IMeterFactory meters)
    {
        var passwords = options.Value.Passwords;
        Concurrency = passwords.MaxConcurrentHashes ?? Math.Max(1, Environment.ProcessorCount / 2);
        _capacity = Concurrency + (passwords.MaxQueuedHashes ?? 4 * Concurrency);
        _running = new SemaphoreSlim(Concurrency, Concurrency);
        _outcomes = meters.Create("Sesame.Abuse")
            .CreateCounter<long>("sesame.passwords.hashing", description: "Password and SRP work admitted (run) or refused because every slot and queue place was taken (busy).");
    }

    /// <summary>How many password computations run at once.</summary>
    public int Concurrency { get; }

    /// <summary>Runs <paramref name="work"/> in a slot, waiting for one if the queue has room; otherwise refuses.</summary>
    public async ValueTask<T> RunAsync<T>(Func<ValueTask<T>> work, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "busy"));
            throw new CognitoException(CognitoErrors.TooManyRequests, "Rate exceeded") { RetryAfter = TimeSpan.FromSeconds(1) };
        }

        try
        {
            await _running.WaitAsync(cancellationToken);
            try
            {
                _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "run"));
                return await work();
            }
            finally
            {
                _running.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    public void Dispose() => _running.Dispose();
}
