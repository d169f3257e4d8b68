using Microsoft.Extensions.Hosting;
using Sesame.Storage;

namespace Sesame.Delivery;

/// <summary>
/// Drains the outbox: claims due messages with a lease (so several nodes never send the same one at once), sends
/// them, and records the outcome. A crash between "provider accepted" and "marked sent" re-sends once the lease runs
/// out: at most one duplicate per crash, never a lost message.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IOutboxStore store, Outbox outbox, ISmsSender sms, IEmailSender email, TimeProvider time, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private const int BatchSize = 32;
    private const int MaxAttempts = 5;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<ClaimedMessage> batch;
            try
            {
                var now = time.GetUtcNow();
                batch = await store.ClaimAsync(now, now + Lease, BatchSize, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Log.ClaimFailed(logger, exception);
                batch = [];
            }

            if (batch.Count == 0)
            {
                await outbox.WaitAsync(IdlePoll, stoppingToken);
                continue;
            }

            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken },
                async (message, token) => await DispatchAsync(message, token));
        }
    }

    private async Task DispatchAsync(ClaimedMessage message, CancellationToken stoppingToken)
    {
        var provider = "unknown";
        try
        {
            var payload = outbox.Open(message.Payload);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(SendTimeout);
            var receipt = message.Channel == MessageChannel.Sms
                ? await sms.SendAsync(new SmsMessage(payload.To, payload.Body, payload.Code), timeout.Token)
                : await email.SendAsync(new EmailMessage(payload.To, payload.Subject ?? string.Empty, payload.Body, null, payload.Code), timeout.Token);
            provider = receipt.Provider;
            await store.MarkSentAsync(message.Id, receipt.Provider, receipt.MessageId, time.GetUtcNow(), CancellationToken.None);
            Log.Sent(logger, message.Id, message.Channel, message.DestinationHint, receipt.Provider);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The lease runs out and the next start sends it.
        }
        catch (Exception exception)
        {
            var transient = exception is not DeliveryException { Transient: false };
            var attempts = message.Attempts + 1;
            DateTimeOffset? retryAt = transient && attempts < MaxAttempts
                ? time.GetUtcNow() + TimeSpan.FromSeconds(Math.Pow(2, attempts))
                : null;
            Log.SendFailed(logger, message.Id, message.Channel, message.DestinationHint, attempts, retryAt is not null, exception.Message);
            try
            {
                await store.MarkFailedAsync(message.Id, provider, exception.Message, retryAt, CancellationToken.None);
            }
            catch (Exception storeError)
            {
                Log.ClaimFailed(logger, storeError);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Message {Id} ({Channel}) to {Destination} sent via {Provider}.")]
        public static partial void Sent(ILogger logger, long id, MessageChannel channel, string destination, string provider);

        [LoggerMessage(2, LogLevel.Warning, "Message {Id} ({Channel}) to {Destination} failed on attempt {Attempt} (retry: {WillRetry}): {Reason}")]
        public static partial void SendFailed(ILogger logger, long id, MessageChannel channel, string destination, int attempt, bool willRetry, string reason);

        [LoggerMessage(3, LogLevel.Error, "The outbox could not be read or updated.")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);
    }
}
