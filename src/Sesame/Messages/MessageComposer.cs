using System.Net;
using System.Text.RegularExpressions;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Triggers;

namespace Sesame.Messages;

/// <summary>What a code message is for; it picks the templates and the CustomMessage trigger source.</summary>
internal enum MessagePurpose
{
    /// <summary>A sign-in code (the one-time-code flow): <c>CustomMessage_Authentication</c>.</summary>
    SignIn,

    /// <summary>The first confirmation code of a sign-up: <c>CustomMessage_SignUp</c>.</summary>
    SignUp,

    /// <summary>A confirmation code sent again: <c>CustomMessage_ResendCode</c>.</summary>
    ResendCode,

    /// <summary>A code for a changed phone number or email (UpdateUserAttributes, AdminUpdateUserAttributes): <c>CustomMessage_UpdateUserAttribute</c>.</summary>
    UpdateUserAttribute,

    /// <summary>A code asked for with GetUserAttributeVerificationCode: <c>CustomMessage_VerifyUserAttribute</c>.</summary>
    VerifyUserAttribute,
}

/// <summary>One code message to compose.</summary>
/// <param name="Medium"><c>SMS</c> or <c>EMAIL</c>.</param>
internal sealed record CodeMessageRequest(
    UserPool Pool, MessagePurpose Purpose, string Medium, string Destination, string Code, TimeSpan Lifetime, string UserName,
    IReadOnlyDictionary<string, string> UserAttributes, string? ClientId = null, Dictionary<string, string>? ClientMetadata = null);

/// <summary>
/// Composes code messages: the pool's templates for the user's locale, then the CustomMessage trigger (which may
/// replace them, as in Cognito), then the code, app name and lifetime filled in, and for SMS the Web OTP line.
/// The result is an encrypted outbox message, ready to be written with the state that needs it.
/// </summary>
internal sealed partial class MessageComposer(Outbox outbox, TriggerInvoker triggers, ILogger<MessageComposer> logger)
{
    // Cognito's limits for a CustomMessage response (cognito-protocol.md §3.10).
    private const int MaxSmsLength = 140;
    private const int MaxEmailLength = 20_000;

    public async ValueTask<OutboxMessage> ComposeAsync(CodeMessageRequest request, CancellationToken cancellationToken)
    {
        var pool = request.Pool;
        var templates = Templates(pool, request.Purpose, request.UserAttributes.GetValueOrDefault("locale"));
        var sms = templates.SmsMessage!;
        var subject = templates.EmailSubject!;
        var text = templates.EmailMessage!;
        var html = templates.EmailHtmlMessage;

        var triggerEvent = new CustomMessageEvent
        {
            TriggerSource = request.Purpose switch
            {
                MessagePurpose.SignUp => "CustomMessage_SignUp",
                MessagePurpose.ResendCode => "CustomMessage_ResendCode",
                MessagePurpose.UpdateUserAttribute => "CustomMessage_UpdateUserAttribute",
                MessagePurpose.VerifyUserAttribute => "CustomMessage_VerifyUserAttribute",
                _ => "CustomMessage_Authentication",
            },
            Region = pool.Region,
            UserPoolId = pool.Id,
            UserName = request.UserName,
            CallerContext = new CallerContext { ClientId = request.ClientId ?? string.Empty },
            Request = new CustomMessageRequest
            {
                UserAttributes = new Dictionary<string, string>(request.UserAttributes),
                ClientMetadata = request.ClientMetadata,
            },
        };
        await triggers.InvokeAsync("CustomMessage", triggerEvent, cancellationToken);
        var response = triggerEvent.Response;
        if (request.Medium == DeliveryMedium.Sms && Usable(response.SmsMessage, MaxSmsLength, "smsMessage", triggerEvent.TriggerSource))
        {
            sms = response.SmsMessage!;
        }

        if (request.Medium == DeliveryMedium.Email && Usable(response.EmailMessage, MaxEmailLength, "emailMessage", triggerEvent.TriggerSource))
        {
            // Cognito sends the trigger's email message as the (HTML) body; a text part is derived from it.
            html = response.EmailMessage!;
            text = PlainText(response.EmailMessage!);
            if (!string.IsNullOrEmpty(response.EmailSubject))
            {
                subject = response.EmailSubject;
            }
        }

        var name = pool.Options.Name;
        if (request.Medium == DeliveryMedium.Sms)
        {
            var body = MessageTemplate.Fill(sms, request.Code, name, request.Lifetime) + WebOtpLine(pool.Options.Delivery, request.Code);
            var locale = request.UserAttributes.GetValueOrDefault("locale");
            var template = $"{(request.Purpose == MessagePurpose.SignIn ? "SignIn" : "SignUp")} (locale {(string.IsNullOrWhiteSpace(locale) ? "default" : locale)})";
            var dlt = templates.DltTemplateId is null && templates.DltEntityId is null && templates.DltSenderId is null
                ? null
                : new DltRegistration(templates.DltEntityId, templates.DltTemplateId, templates.DltSenderId);
            return outbox.Sms(pool.Id, request.Destination, body, request.Code, template, dlt);
        }

        return outbox.Email(pool.Id, request.Destination,
            MessageTemplate.Fill(subject, request.Code, name, request.Lifetime),
            MessageTemplate.Fill(text, request.Code, name, request.Lifetime),
            request.Code,
            html is null ? null : MessageTemplate.Fill(html, request.Code, name, request.Lifetime));
    }

    /// <summary>
    /// The line the Web OTP API (wicg.github.io/web-otp: last line <c>@domain #code</c>) and Android's SMS Retriever
    /// (the app hash at the end) read the code from; empty unless the pool sets a domain.
    /// </summary>
    internal static string WebOtpLine(PoolDeliveryOptions delivery, string code) =>
        string.IsNullOrEmpty(delivery.WebOtpDomain)
            ? string.Empty
            : $"\n\n@{delivery.WebOtpDomain} #{code}" + (string.IsNullOrEmpty(delivery.AndroidAppHash) ? string.Empty : " " + delivery.AndroidAppHash);

    /// <summary>The templates for a purpose and locale: the exact locale, then its language, then <c>default</c>, then the pool's own.</summary>
    internal static MessageTemplates Templates(UserPool pool, MessagePurpose purpose, string? locale)
    {
        var options = pool.Options;
        var result = purpose == MessagePurpose.SignIn
            ? new MessageTemplates { SmsMessage = options.OneTimeCode.SmsMessage, EmailSubject = options.OneTimeCode.EmailSubject, EmailMessage = options.OneTimeCode.EmailMessage }
            : new MessageTemplates { SmsMessage = options.ConfirmationCode.SmsMessage, EmailSubject = options.ConfirmationCode.EmailSubject, EmailMessage = options.ConfirmationCode.EmailMessage };

        var candidates = new List<string> { "default" };
        if (!string.IsNullOrWhiteSpace(locale))
        {
            var normalized = locale.Trim().Replace('_', '-');
            if (normalized.Contains('-', StringComparison.Ordinal))
            {
                candidates.Add(normalized[..normalized.IndexOf('-', StringComparison.Ordinal)]);
            }

            candidates.Add(normalized);
        }

        // From the least to the most specific: each level overrides what it sets.
        foreach (var key in candidates)
        {
            if (options.Delivery.Templates.TryGetValue(key, out var localized))
            {
                var t = purpose == MessagePurpose.SignIn ? localized.SignIn : localized.SignUp;
                result.SmsMessage = t.SmsMessage ?? result.SmsMessage;
                result.EmailSubject = t.EmailSubject ?? result.EmailSubject;
                result.EmailMessage = t.EmailMessage ?? result.EmailMessage;
                result.EmailHtmlMessage = t.EmailHtmlMessage ?? result.EmailHtmlMessage;
                result.DltTemplateId = t.DltTemplateId ?? result.DltTemplateId;
                result.DltEntityId = t.DltEntityId ?? result.DltEntityId;
                result.DltSenderId = t.DltSenderId ?? result.DltSenderId;
            }
        }

        return result;
    }

    /// <summary>
    /// A trigger's message is used when it carries the code placeholder and fits Cognito's limit; otherwise the
    /// pool's template is sent, because a code message without its code, or cut short, is worse than a plain one.
    /// </summary>
    private bool Usable(string? message, int limit, string field, string source)
    {
        if (string.IsNullOrEmpty(message))
        {
            return false;
        }

        if (!message.Contains("{####}", StringComparison.Ordinal) || message.Length > limit)
        {
            Log.Ignored(logger, source, field, limit);
            return false;
        }

        return true;
    }

    private static string PlainText(string html) =>
        WebUtility.HtmlDecode(Tags().Replace(BreakTags().Replace(html, "\n"), string.Empty)).Trim();

    [GeneratedRegex("<br\\s*/?>|</p>", RegexOptions.IgnoreCase)]
    private static partial Regex BreakTags();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Warning, "{TriggerSource}: the trigger's {Field} lacks the {{####}} code placeholder or exceeds {Limit} characters; the pool's template was sent instead.")]
        public static partial void Ignored(ILogger logger, string triggerSource, string field, int limit);
    }
}
