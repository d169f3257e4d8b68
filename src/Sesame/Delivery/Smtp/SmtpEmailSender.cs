using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Sesame.Configuration;

namespace Sesame.Delivery.Smtp;

/// <summary>
/// SMTP submission through <see cref="SmtpClient"/>, with STARTTLS required unless turned off for a loopback relay.
/// A text body always, an HTML alternative when the template has one. 4xx replies and connection failures are
/// transient; 5xx replies about the recipient are permanent; authentication failures are the provider's.
/// </summary>
internal sealed class SmtpEmailSender(string name, DeliveryProviderOptions options) : IEmailSender
{
    public async ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var messageId = $"<{Guid.NewGuid():N}@{(MailAddress.TryCreate(options.From, out var from) ? from.Host : "sesame")}>";
        using var mail = new MailMessage
        {
            From = from ?? new MailAddress(options.From!),
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = message.TextBody,
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        mail.To.Add(message.To);
        mail.Headers["Message-ID"] = messageId;
        if (message.HtmlBody is not null)
        {
            mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html));
        }

        // SmtpClient is not thread-safe; one per message is its documented use.
        using var client = new SmtpClient(options.Host, options.Port)
        {
            EnableSsl = options.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            UseDefaultCredentials = false,
        };
        if (!string.IsNullOrEmpty(options.UserName))
        {
            client.Credentials = new NetworkCredential(options.UserName, options.Password);
        }

        try
        {
            await client.SendMailAsync(mail, cancellationToken);
        }
        catch (SmtpFailedRecipientException e)
        {
            throw new DeliveryException($"{name}: the recipient was refused ({(int)e.StatusCode} {e.StatusCode})", Classify(e.StatusCode), e);
        }
        catch (SmtpException e) when (e.StatusCode == SmtpStatusCode.GeneralFailure && e.InnerException is null)
        {
            // No reply code and no network error: the server cannot do what we require (STARTTLS above all). Another
            // provider may; retrying this one will not, and the message never goes out in the clear.
            throw new DeliveryException($"{name}: {e.Message}", DeliveryFailure.Provider, e);
        }
        catch (SmtpException e)
        {
            throw new DeliveryException($"{name}: SMTP failed ({(int)e.StatusCode} {e.StatusCode}): {e.Message}", Classify(e.StatusCode), e);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
        {
            throw new DeliveryException($"{name}: SMTP connection failed: {e.Message}", DeliveryFailure.Transient, e);
        }

        return new SendReceipt(name, messageId);
    }

    private static DeliveryFailure Classify(SmtpStatusCode status) => status switch
    {
        SmtpStatusCode.MailboxUnavailable or SmtpStatusCode.MailboxNameNotAllowed or SmtpStatusCode.UserNotLocalTryAlternatePath
            or SmtpStatusCode.UserNotLocalWillForward or SmtpStatusCode.ExceededStorageAllocation => DeliveryFailure.Permanent,
        // 530 authentication required, 535-style rejections, 554 transaction failed (often a policy refusal of us).
        SmtpStatusCode.ClientNotPermitted or SmtpStatusCode.MustIssueStartTlsFirst or SmtpStatusCode.TransactionFailed => DeliveryFailure.Provider,
        // GeneralFailure is what SmtpClient reports when it could not connect at all.
        _ when (int)status is >= 400 and < 500 || status == SmtpStatusCode.GeneralFailure => DeliveryFailure.Transient,
        _ => DeliveryFailure.Provider,
    };
}
