namespace Sesame.Delivery;

/// <summary>A text message to send.</summary>
/// <param name="PhoneNumber">The destination, E.164.</param>
/// <param name="Body">The text, which carries the code.</param>
/// <param name="Code">The code the body carries, for senders that need it apart (the development outbox). Never log it.</param>
public sealed record SmsMessage(string PhoneNumber, string Body, string? Code = null)
{
    /// <summary>The outbox row's id: it grows in the order messages were queued (0 for a message sent without the outbox).</summary>
    public long OutboxId { get; init; }

    /// <summary>India's DLT registration of the message's template, for providers that pass it on; null when the template has none.</summary>
    public DltRegistration? Dlt { get; init; }
}

/// <summary>What India's DLT registry knows a message template by (TRAI's rules for commercial SMS to Indian numbers).</summary>
/// <param name="EntityId">The principal entity (PE) id.</param>
/// <param name="TemplateId">The content template id.</param>
/// <param name="SenderId">The registered sender id (header), sent instead of the provider's <c>From</c> when set.</param>
public sealed record DltRegistration(string? EntityId, string? TemplateId, string? SenderId);

/// <summary>An email to send.</summary>
/// <param name="Code">The code the body carries, for senders that need it apart. Never log it.</param>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null, string? Code = null)
{
    /// <summary>The outbox row's id: it grows in the order messages were queued (0 for a message sent without the outbox).</summary>
    public long OutboxId { get; init; }
}

/// <summary>What a provider said when it accepted a message.</summary>
/// <param name="Provider">The provider's name, e.g. <c>twilio</c>.</param>
/// <param name="MessageId">The provider's id for the message, when it gives one.</param>
public readonly record struct SendReceipt(string Provider, string? MessageId);

/// <summary>
/// Sends text messages. Implementations must not log the body or the full number: the body holds a one-time code.
/// Throw <see cref="DeliveryException"/> to say whether a retry can help.
/// </summary>
public interface ISmsSender
{
    ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends email. Implementations must not log the body: it holds a one-time code.</summary>
public interface IEmailSender
{
    ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>Why a send failed, which decides what happens next.</summary>
public enum DeliveryFailure
{
    /// <summary>Timeout, connection error, 429, 5xx: retry with backoff, then fail over to the next provider.</summary>
    Transient,

    /// <summary>The message can never be delivered (invalid number, refused recipient): recorded, never retried.</summary>
    Permanent,

    /// <summary>The provider refuses us (bad credentials, suspended account): not retried on it, failed over at once.</summary>
    Provider,
}

/// <summary>A send that failed; <see cref="Failure"/> says whether trying again, here or elsewhere, may succeed.</summary>
public sealed class DeliveryException : Exception
{
    public DeliveryException(string message, bool transient, Exception? inner = null)
        : this(message, transient ? DeliveryFailure.Transient : DeliveryFailure.Permanent, inner)
    {
    }

    public DeliveryException(string message, DeliveryFailure failure, Exception? inner = null) : base(message, inner)
    {
        Failure = failure;
    }

    public DeliveryFailure Failure { get; }

    public bool Transient => Failure == DeliveryFailure.Transient;
}

/// <summary>The sender used when no provider is configured: every message fails, permanently, with a clear reason.</summary>
internal sealed class UnconfiguredSender : ISmsSender, IEmailSender
{
    public ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken) =>
        throw new DeliveryException("No SMS provider is configured (see docs/configuration.md).", transient: false);

    public ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        throw new DeliveryException("No email provider is configured (see docs/configuration.md).", transient: false);
}
