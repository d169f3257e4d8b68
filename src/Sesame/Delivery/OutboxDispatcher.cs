using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Sesame.Configuration;
using Sesame.Storage;

namespace Sesame.Delivery;

/// <summary>
/// Drains the outbox: claims due messages with a lease (so several nodes never send the same one at once), sends each
/// through the provider chain of the route its destination takes (the pool's routes, first match), in failover order,
/// and records the outcome with the route.
/// <list type="bullet">
/// <item>A transient failure is retried on the same provider with exponential backoff and jitter, then the next provider
/// gets the very same message (the same code: codes are drawn once, when the message is queued).</item>
/// <item>When every provider failed transiently, the message is queued again for a later round, until it is older than
/// <see cref="DeliveryOptions.MaxMessageAge"/>.</item>
/// <item>A permanent failure (invalid number, recipient refused) is recorded and never retried.</item>
/// <item>A crash between "provider accepted" and "marked sent" re-sends once the lease runs out: at most one duplicate
/// per crash, for the messages in flight at that moment, and never a lost message.</item>
/// </list>
/// </summary>
internal sealed partial class OutboxDispatcher(
    IOutboxStore store, Outbox outbox, DeliveryProviders providers, DeliveryMetrics metrics, IOptions<SesameOptions> options,
    TimeProvider time, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRequeueDelay = TimeSpan.FromMinutes(1);

    private readonly DeliveryOptions _options = options.Value.Delivery;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Up to Parallelism messages in flight, and a free slot is filled at once: a message queued while others are
        // being sent is claimed as soon as one of them is done, not after the slowest of a whole batch.
        var parallelism = Math.Max(1, _options.Parallelism);
        using var slots = new SemaphoreSlim(parallelism, parallelism);
        // True after a wait that no Notify ended: nothing was written here for IdlePoll.
        var idle = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (free < parallelism && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                IReadOnlyList<ClaimedMessage> batch;
                try
                {
                    var now = time.GetUtcNow();
                    batch = await store.ClaimAsync(now, now + _options.Lease, free, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    slots.Release(free);
                    return;
                }
                catch (Exception exception)
                {
                    Log.StoreFailed(logger, exception);
                    batch = [];
                }

                if (batch.Count < free)
                {
                    slots.Release(free - batch.Count);
                    // The queue is drained: the decoys written meanwhile (unknown users' stand-in messages) go now. Only
                    // when some were written (Outbox.Notify says so), or when idle, for any a failed sweep left behind.
                    if (outbox.TakeDecoys() || idle)
                    {
                        await SafelyAsync(async () => await store.SweepDecoysAsync(time.GetUtcNow(), CancellationToken.None));
                    }
                }

                foreach (var message in batch)
                {
                    // Not cancelled with the host: every claimed message is either dispatched or released, so a restart finds it at once.
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await DispatchAsync(message, stoppingToken);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None);
                }

                // Fewer due messages than free slots: the queue is drained, and claiming again at once would find nothing.
                // Every write of a message notifies after its commit, so the next one wakes the wait; retries that come
                // due and other nodes' messages are found by the idle poll.
                idle = batch.Count < free && !await outbox.WaitAsync(IdlePoll, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            // Every slot back: no dispatch is still running when the host's stop completes.
            for (var i = 0; i < parallelism; i++)
            {
                await slots.WaitAsync(CancellationToken.None);
            }
        }
    }

    private async Task DispatchAsync(ClaimedMessage message, CancellationToken stoppingToken)
    {
        if (stoppingToken.IsCancellationRequested)
        {
            await SafelyAsync(() => store.ReleaseAsync(message.Id, CancellationToken.None));
            return;
        }

        MessagePayload payload;
        try
        {
            payload = outbox.Open(message.Payload);
        }
        catch (CryptographicException)
        {
            // Sealed with another master key: no node of this deployment can ever read it.
            await FailAsync(message, null, "unknown", "The message cannot be decrypted with this server's master key.", 0, null);
            return;
        }

        var route = providers.Route(message.PoolId, message.Channel, payload.To);
        if (route.RequireDlt && message.Channel == MessageChannel.Sms && DltMissing(payload) is { } missing)
        {
            // India's operators drop an unregistered template silently; refusing it here says so in the status instead.
            await FailAsync(message, route, "none", $"Not sent: route '{route.Name}' requires India DLT registration, and template {payload.Template ?? "(unknown)"} has no {missing} (Sesame:UserPools:{message.PoolId}:Delivery:Templates:{{locale}}:{{SignIn|SignUp|Invitation}}:{missing}).", 0, null);
            return;
        }

        var chain = route.Chain;
        var calls = 0;
        var lastProvider = chain.Count > 0 ? chain[^1].Name : "none";
        var lastError = $"No provider of route '{route.Name}' serves this channel.";
        foreach (var provider in chain)
        {
            lastProvider = provider.Name;
            try
            {
                var receipt = await provider.Pipeline.ExecuteAsync(async token =>
                {
                    Interlocked.Increment(ref calls);
                    return await SendOnceAsync(provider, message, payload, token);
                }, stoppingToken);
                metrics.Attempt(provider.Name, "ok");
                // Counted before the status is written (as failures are), so whoever sees "sent" also sees it counted.
                metrics.Message(message.Channel, receipt.Provider, "sent");
                metrics.Route(route.Name, message.Channel, "sent", route.Cost);
                await SafelyAsync(() => store.MarkSentAsync(message.Id, receipt.Provider, receipt.MessageId, calls, time.GetUtcNow(), route.Name, route.Cost, CancellationToken.None));
                Log.Sent(logger, message.Id, message.Channel, message.DestinationHint, receipt.Provider, route.Name, calls);
                return;
            }
            catch (BrokenCircuitException)
            {
                metrics.Attempt(provider.Name, "circuit_open");
                lastError = $"{provider.Name}: circuit open (the provider failed repeatedly)";
                Log.Skipped(logger, message.Id, provider.Name);
            }
            catch (DeliveryException e) when (e.Failure == DeliveryFailure.Permanent)
            {
                metrics.Attempt(provider.Name, "permanent");
                await FailAsync(message, route, provider.Name, Scrub(e.Message, payload, message.DestinationHint), calls, null);
                return;
            }
            catch (DeliveryException e)
            {
                metrics.Attempt(provider.Name, e.Failure == DeliveryFailure.Provider ? "provider" : "transient");
                lastError = Scrub(e.Message, payload, message.DestinationHint);
                Log.FailingOver(logger, message.Id, provider.Name, lastError);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down mid-send: the provider may have accepted it; the lease decides, as for a crash.
                return;
            }
        }

        var now = time.GetUtcNow();
        if (message.CreatedAt != default && now - message.CreatedAt >= _options.MaxMessageAge)
        {
            await FailAsync(message, route, lastProvider, $"Not delivered within {_options.MaxMessageAge}: {lastError}", calls, null);
            return;
        }

        var round = Math.Min(6, message.Attempts / Math.Max(1, _options.AttemptsPerProvider * Math.Max(1, chain.Count)));
        var delay = _options.RequeueDelay * Math.Pow(2, round) * (0.8 + (RandomNumberGenerator.GetInt32(0, 401) / 1000.0));
        await FailAsync(message, route, lastProvider, lastError, calls, now + (delay < MaxRequeueDelay ? delay : MaxRequeueDelay));
    }

    /// <summary>The DLT setting a message lacks for a route that requires registration, or null when it has both ids.</summary>
    private static string? DltMissing(MessagePayload payload) =>
        string.IsNullOrWhiteSpace(payload.Dlt?.TemplateId) ? "DltTemplateId"
        : string.IsNullOrWhiteSpace(payload.Dlt?.EntityId) ? "DltEntityId"
        : null;

    /// <summary>
    /// India's DLT registration goes with messages to Indian numbers only (+91: calling codes are prefix-free): a template's
    /// registered sender id must not replace the From of a message to the US, where an alphanumeric sender is refused.
    /// </summary>
    private static DltRegistration? IndianDlt(MessagePayload payload) =>
        payload.To.StartsWith("+91", StringComparison.Ordinal) ? payload.Dlt : null;

    private async Task<SendReceipt> SendOnceAsync(DeliveryProvider route, ClaimedMessage message, MessagePayload payload, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("send " + (message.Channel == MessageChannel.Sms ? "sms" : "email"), System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("sesame.provider", route.Name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SendTimeout);
        try
        {
            return message.Channel == MessageChannel.Sms
                ? await route.Sms!.SendAsync(new SmsMessage(payload.To, payload.Body, payload.Code) { Dlt = IndianDlt(payload), OutboxId = message.Id }, timeout.Token)
                : await route.Email!.SendAsync(new EmailMessage(payload.To, payload.Subject ?? string.Empty, payload.Body, payload.Html, payload.Code) { OutboxId = message.Id }, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException($"{route.Name}: no answer within {_options.SendTimeout.TotalSeconds:0.###} s", DeliveryFailure.Transient, e);
        }
        catch (Exception e) when (e is not DeliveryException and not OperationCanceledException)
        {
            // A sender that throws something else (an app's own) is treated as a passing failure.
            throw new DeliveryException($"{route.Name}: {e.GetType().Name}: {e.Message}", DeliveryFailure.Transient, e);
        }
    }

    /// <summary>
    /// Providers echo the number (Twilio: "The 'To' number +1555… is not a valid phone number") and may echo the text:
    /// error reasons are logged and stored, so the destination is masked and the code blanked before either.
    /// </summary>
    internal static string Scrub(string text, MessagePayload payload, string hint)
    {
        var scrubbed = text.Replace(payload.To, hint, StringComparison.OrdinalIgnoreCase);
        if (payload.To.StartsWith('+'))
        {
            scrubbed = scrubbed.Replace(payload.To[1..], hint, StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(payload.To), hint, StringComparison.OrdinalIgnoreCase);
        }

        return string.IsNullOrEmpty(payload.Code) ? scrubbed : scrubbed.Replace(payload.Code, new string('*', payload.Code.Length), StringComparison.Ordinal);
    }

    private async Task FailAsync(ClaimedMessage message, DeliveryRoute? route, string provider, string error, int calls, DateTimeOffset? retryAt)
    {
        Log.SendFailed(logger, message.Id, message.Channel, message.DestinationHint, message.Attempts + calls, retryAt is not null, error);
        var outcome = retryAt is null ? "failed" : "requeued";
        metrics.Message(message.Channel, provider, outcome);
        if (route is not null)
        {
            // One outcome per message and round, however many providers of the chain were tried; nothing is spent.
            metrics.Route(route.Name, message.Channel, outcome, null);
        }

        await SafelyAsync(() => store.MarkFailedAsync(message.Id, provider, error, calls, retryAt, route?.Name, CancellationToken.None));
    }

    private async Task SafelyAsync(Func<ValueTask> write)
    {
        try
        {
            await write();
        }
        catch (Exception storeError)
        {
            Log.StoreFailed(logger, storeError);
        }
    }

    private static partial class Log
    {
        // Debug: one line per message sent would be the server's busiest log at the default level; sesame_delivery_messages counts them.
        [LoggerMessage(1, LogLevel.Debug, "Message {Id} ({Channel}) to {Destination} sent via {Provider} (route {Route}) after {Calls} call(s).")]
        public static partial void Sent(ILogger logger, long id, MessageChannel channel, string destination, string provider, string route, int calls);

        [LoggerMessage(2, LogLevel.Warning, "Message {Id} ({Channel}) to {Destination} failed after {Attempts} call(s) (retry later: {WillRetry}): {Reason}")]
        public static partial void SendFailed(ILogger logger, long id, MessageChannel channel, string destination, int attempts, bool willRetry, string reason);

        [LoggerMessage(3, LogLevel.Error, "The outbox could not be read or updated.")]
        public static partial void StoreFailed(ILogger logger, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "Message {Id}: provider {Provider} failed ({Reason}); trying the next provider.")]
        public static partial void FailingOver(ILogger logger, long id, string provider, string reason);

        [LoggerMessage(5, LogLevel.Information, "Message {Id}: provider {Provider} skipped, its circuit is open.")]
        public static partial void Skipped(ILogger logger, long id, string provider);
    }
}
