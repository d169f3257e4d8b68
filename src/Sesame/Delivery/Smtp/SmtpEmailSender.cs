using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Sesame.Configuration;

namespace Sesame.Delivery.Smtp;

/// <summary>
/// SMTP submission through MailKit (System.Net.Mail's SmtpClient is not for new work, and has no implicit TLS:
/// https://learn.microsoft.com/dotnet/api/system.net.mail.smtpclient#remarks). TLS is required — STARTTLS on 587 or
/// implicit TLS on 465 — unless <see cref="SmtpSecurity.None"/> is configured for a relay on loopback. A text body
/// always, an HTML alternative when the template has one. 4xx replies and connection failures are transient; 5xx
/// replies about the recipient are permanent; authentication failures, a missing STARTTLS and a certificate we do not
/// trust are the provider's.
/// </summary>
internal sealed class SmtpEmailSender(string name, DeliveryProviderOptions options) : IEmailSender
{
    private readonly byte[]? _pinnedCertificate = options.CertificateSha256 is { } pin ? SmtpCertificatePin.Parse(pin) : null;

    public async ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var from = MailboxAddress.Parse(options.From!);
        var messageId = $"{Guid.NewGuid():N}@{(string.IsNullOrEmpty(from.Domain) ? "sesame" : from.Domain)}";
        using var mail = new MimeMessage { Subject = message.Subject, MessageId = messageId };
        mail.From.Add(from);
        if (!MailboxAddress.TryParse(message.To, out var to))
        {
            throw new DeliveryException($"{name}: the recipient is not an email address", DeliveryFailure.Permanent);
        }

        mail.To.Add(to);
        mail.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();

        // SmtpClient is not thread-safe; one connection per message keeps a failed one from poisoning the next.
        using var client = new SmtpClient();
        var certificateRefused = false;
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            var accepted = Trusted(certificate, errors);
            certificateRefused = !accepted;
            return accepted;
        };
        // A pinned certificate is trusted for its hash alone; there is no issuer to ask about revocation.
        client.CheckCertificateRevocation = _pinnedCertificate is null;

        try
        {
            await client.ConnectAsync(options.Host!, options.Port, SocketOptions(options.Security), cancellationToken);
            if (!string.IsNullOrEmpty(options.UserName))
            {
                await client.AuthenticateAsync(options.UserName, options.Password ?? string.Empty, cancellationToken);
            }

            await client.SendAsync(mail, cancellationToken);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
        {
            throw new DeliveryException($"{name}: the recipient was refused ({(int)e.StatusCode} {e.StatusCode})", Classify((int)e.StatusCode), e);
        }
        catch (SmtpCommandException e)
        {
            throw new DeliveryException($"{name}: SMTP failed ({(int)e.StatusCode} {e.StatusCode}): {e.Message}", Classify((int)e.StatusCode), e);
        }
        catch (NotSupportedException e)
        {
            // The server cannot do what we require (STARTTLS above all, or AUTH when we have credentials). Another
            // provider may; retrying this one will not, and the message never goes out in the clear.
            throw new DeliveryException($"{name}: {e.Message}", DeliveryFailure.Provider, e);
        }
        catch (AuthenticationException e)
        {
            throw new DeliveryException($"{name}: SMTP authentication failed: {e.Message}", DeliveryFailure.Provider, e);
        }
        catch (SslHandshakeException e) when (certificateRefused)
        {
            // A certificate we do not trust will not become trusted on a retry: fail over at once.
            throw new DeliveryException($"{name}: the server's TLS certificate is not trusted", DeliveryFailure.Provider, e);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or SmtpProtocolException
            or SslHandshakeException or ServiceNotConnectedException)
        {
            throw new DeliveryException($"{name}: SMTP connection failed: {e.Message}", DeliveryFailure.Transient, e);
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or SmtpProtocolException
            or SmtpCommandException or OperationCanceledException)
        {
            // The server has accepted the message; a failed QUIT must not make the outbox send it again.
        }

        return new SendReceipt(name, $"<{messageId}>");
    }

    private bool Trusted(X509Certificate? certificate, SslPolicyErrors errors) =>
        _pinnedCertificate is null
            ? errors == SslPolicyErrors.None
            : certificate is not null && CryptographicOperations.FixedTimeEquals(
                certificate.GetCertHash(HashAlgorithmName.SHA256), _pinnedCertificate);

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => throw new InvalidOperationException($"SMTP security '{security}' is not StartTls, SslOnConnect or None."),
    };

    /// <summary>Reply codes of RFC 5321 §4.2.3.</summary>
    private static DeliveryFailure Classify(int status) => status switch
    {
        // 550/553 mailbox unavailable or name not allowed, 551 user not local, 552 storage exceeded.
        550 or 551 or 552 or 553 => DeliveryFailure.Permanent,
        // 454 TLS or client not available to us, 530 authentication required, 554 transaction failed (often a policy
        // refusal of us).
        454 or 530 or 554 => DeliveryFailure.Provider,
        >= 400 and < 500 => DeliveryFailure.Transient,
        _ => DeliveryFailure.Provider,
    };
}

/// <summary>The <c>CertificateSha256</c> setting: 64 hex digits, optionally in colon-separated pairs.</summary>
internal static class SmtpCertificatePin
{
    public static byte[]? TryParse(string value)
    {
        var hex = value.Replace(":", string.Empty, StringComparison.Ordinal);
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(hex);
    }

    public static byte[] Parse(string value) =>
        TryParse(value) ?? throw new InvalidOperationException("CertificateSha256 must be the 64 hex digits of a SHA-256 hash.");
}
