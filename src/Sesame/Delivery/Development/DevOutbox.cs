using System.Text.Json.Serialization;
using Sesame.Cognito;

namespace Sesame.Delivery.Development;

/// <summary>One message as <c>GET /dev/outbox</c> shows it.</summary>
internal sealed record DevOutboxEntry(
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("sentAt")] DateTimeOffset SentAt)
{
    /// <summary>The outbox row's id, which orders messages as they were queued (the dispatcher sends several at once).</summary>
    [JsonIgnore]
    public long OutboxId { get; init; }
}

[JsonSerializable(typeof(IReadOnlyList<DevOutboxEntry>))]
internal sealed partial class DevOutboxJsonContext : JsonSerializerContext
{
    /// <summary>Writes '+' as itself, so tests and people can read phone numbers.</summary>
    public static DevOutboxJsonContext Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>
/// The development sink: every message is printed to the console and kept in memory for
/// <c>GET /dev/outbox?to=...</c>. It exists only in development or when explicitly enabled, because it shows codes.
/// </summary>
internal sealed class DevOutbox(int capacity, TimeProvider time) : ISmsSender, IEmailSender
{
    private readonly Lock _lock = new();
    private readonly LinkedList<DevOutboxEntry> _entries = new();

    public ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        Add(new DevOutboxEntry(message.PhoneNumber, DeliveryMedium.Sms, message.Body, message.Code, time.GetUtcNow()) { OutboxId = message.OutboxId });
        return ValueTask.FromResult(new SendReceipt("development", null));
    }

    public ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Add(new DevOutboxEntry(message.To, DeliveryMedium.Email, message.TextBody, message.Code, time.GetUtcNow()) { OutboxId = message.OutboxId });
        return ValueTask.FromResult(new SendReceipt("development", null));
    }

    /// <summary>
    /// Messages to one phone number or email (case-insensitive for email), oldest first: in the order they were queued,
    /// not the order in which parallel sends finished, so "the second code" is the second one the server issued.
    /// </summary>
    public IReadOnlyList<DevOutboxEntry> For(string to)
    {
        lock (_lock)
        {
            return _entries.Where(e => string.Equals(e.To, to, StringComparison.OrdinalIgnoreCase)).ToList();
        }
    }

    private void Add(DevOutboxEntry entry)
    {
        lock (_lock)
        {
            // Sends run in parallel, so a message can finish before one queued earlier: keep queue order.
            var later = _entries.Last;
            while (entry.OutboxId != 0 && later is not null && later.Value.OutboxId > entry.OutboxId)
            {
                later = later.Previous;
            }

            if (later is null)
            {
                _entries.AddFirst(entry);
            }
            else
            {
                _entries.AddAfter(later, entry);
            }
            while (_entries.Count > capacity)
            {
                _entries.RemoveFirst();
            }
        }

        // The console is the development stand-in for the phone: it shows the message, code included, on purpose.
        Console.WriteLine($"[dev outbox] {entry.Channel} to {entry.To}: {entry.Body}");
    }
}
