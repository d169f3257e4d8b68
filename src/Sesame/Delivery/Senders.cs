namespace Sesame.Delivery;

/// <summary>A text message to send.</summary>
/// <param name="PhoneNumber">The destination, E.164.</param>
/// <param name="Body">The text, which carries the code.</param>
/// <param name="Code">The code the body carries, for senders that need it apart (the development outbox). Never log it.</param>
public sealed record SmsMessage(string PhoneNumber, string Body, string? Code = null);

/// <summary>An email to send.</summary>
/// <param name="Code">The code the body carries, for senders that need it apart. Never log it.</param>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null, string? Code = null);

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

/// <summary>A send that failed; <see cref="Transient"/> says whether trying again later may succeed.</summary>
public sealed class DeliveryException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}

/// <summary>The sender used when no provider is configured: every message fails, permanently, with a clear reason.</summary>
internal sealed class UnconfiguredSender : ISmsSender, IEmailSender
{
    public ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken) =>
        throw new DeliveryException("No SMS provider is configured (see docs/configuration.md).", transient: false);

    public ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        throw new DeliveryException("No email provider is configured (see docs/configuration.md).", transient: false);
}
