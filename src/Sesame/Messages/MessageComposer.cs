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

    /// <summary>A password-reset code (ForgotPassword, AdminResetUserPassword): <c>CustomMessage_ForgotPassword</c>.</summary>
    ForgotPassword,

    /// <summary>An AdminCreateUser invitation (its "code" is the temporary password, if any): <c>CustomMessage_AdminCreateUser</c>.</summary>
    Invitation,
}

/// <summary>One code message to compose.</summary>
/// <param name="Medium"><c>SMS</c> or <c>EMAIL</c>.</param>
internal sealed record CodeMessageRequest(
    UserPool Pool, MessagePurpose Purpose, string Medium, string Destination, string Code, TimeSpan Lifetime, string UserName,
    IReadOnlyDictionary<string, string> UserAttributes, string? ClientId = null, Dictionary<string, string>? ClientMetadata = null)
{
    /// <summary>An unknown user's stand-in message (<see cref="OutboxMessage.Decoy"/>): the templates only, no trigger, never sent.</summary>
    public bool Decoy { get; init; }
}

/// <summary>One AdminCreateUser invitation to compose.</summary>
/// <param name="SignInName">What <c>{username}</c> becomes: the name the user signs in with.</param>
/// <param name="TemporaryPassword">What <c>{####}</c> becomes, when the admin set a temporary password.</param>
internal sealed record InvitationRequest(
    UserPool Pool, string Medium, string Destination, string UserName, string SignInName, string? TemporaryPassword,
    IReadOnlyDictionary<string, string> UserAttributes, Dictionary<string, string>? ClientMetadata);

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
                MessagePurpose.ForgotPassword => "CustomMessage_ForgotPassword",
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
        // A decoy (an unknown user's stand-in message, never sent) runs no trigger: the app would see a user that does not exist.
        if (!request.Decoy)
        {
            await triggers.InvokeAsync("CustomMessage", triggerEvent, cancellationToken);
        }

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
            return outbox.Sms(pool.Id, request.Destination, body, request.Code, Label(request.Purpose, locale), Dlt(templates)) with { Decoy = request.Decoy };
        }

        return outbox.Email(pool.Id, request.Destination,
            MessageTemplate.Fill(subject, request.Code, name, request.Lifetime),
            MessageTemplate.Fill(text, request.Code, name, request.Lifetime),
            request.Code,
            html is null ? null : MessageTemplate.Fill(html, request.Code, name, request.Lifetime)) with { Decoy = request.Decoy };
    }

    /// <summary>
    /// Composes an AdminCreateUser invitation: the pool's <c>Invitation</c> templates (or the built-in text), then the
    /// CustomMessage trigger with <c>CustomMessage_AdminCreateUser</c>, whose message must keep <c>{username}</c> (and
    /// <c>{####}</c> when a temporary password is sent), as Cognito requires.
    /// </summary>
    public async ValueTask<OutboxMessage> ComposeInvitationAsync(InvitationRequest request, CancellationToken cancellationToken)
    {
        var pool = request.Pool;
        var locale = request.UserAttributes.GetValueOrDefault("locale");
        var templates = Templates(pool, MessagePurpose.Invitation, locale);
        var builtIn = request.TemporaryPassword is null
            ? "You have been invited to {app}. Sign in with {username}: a one-time code will be sent to you."
            : "You have been invited to {app}. Your username is {username} and your temporary password is {####}";
        var sms = templates.SmsMessage ?? builtIn;
        var subject = templates.EmailSubject!;
        var text = templates.EmailMessage ?? builtIn;
        var html = templates.EmailHtmlMessage;

        var triggerEvent = new CustomMessageEvent
        {
            TriggerSource = "CustomMessage_AdminCreateUser",
            Region = pool.Region,
            UserPoolId = pool.Id,
            UserName = request.UserName,
            CallerContext = new CallerContext { ClientId = "CLIENT_ID_NOT_APPLICABLE" },
            Request = new CustomMessageRequest
            {
                UserAttributes = new Dictionary<string, string>(request.UserAttributes),
                UsernameParameter = "{username}",
                ClientMetadata = request.ClientMetadata,
            },
        };
        await triggers.InvokeAsync("CustomMessage", triggerEvent, cancellationToken);
        var response = triggerEvent.Response;
        string[] required = request.TemporaryPassword is null ? ["{username}"] : ["{username}", "{####}"];
        if (request.Medium == DeliveryMedium.Sms && Usable(response.SmsMessage, MaxSmsLength, "smsMessage", triggerEvent.TriggerSource, required))
        {
            sms = response.SmsMessage!;
        }

        if (request.Medium == DeliveryMedium.Email && Usable(response.EmailMessage, MaxEmailLength, "emailMessage", triggerEvent.TriggerSource, required))
        {
            html = response.EmailMessage!;
            text = PlainText(response.EmailMessage!);
            if (!string.IsNullOrEmpty(response.EmailSubject))
            {
                subject = response.EmailSubject;
            }
        }

        // A temporary password is what the message carries instead of a code: the outbox treats it as one (never logged).
        var secret = request.TemporaryPassword ?? string.Empty;
        string Fill(string template) =>
            MessageTemplate.Fill(template.Replace("{username}", request.SignInName, StringComparison.Ordinal), secret, pool.Options.Name, TimeSpan.Zero);
        return request.Medium == DeliveryMedium.Sms
            ? outbox.Sms(pool.Id, request.Destination, Fill(sms), request.TemporaryPassword, Label(MessagePurpose.Invitation, locale), Dlt(templates))
            : outbox.Email(pool.Id, request.Destination, Fill(subject), Fill(text), request.TemporaryPassword, html is null ? null : Fill(html));
    }

    /// <summary>
    /// The notice the strict enumeration mode sends, instead of a code, to the owner of a phone number or email that
    /// someone tried to sign up with (Supabase's approach): it carries no code and no link, so it gives the person who
    /// asked nothing, and tells the owner to sign in or to ignore it. No CustomMessage trigger source exists for it in
    /// Cognito, so none is invoked.
    /// </summary>
    public OutboxMessage ComposeSignUpNotice(UserPool pool, string medium, string destination)
    {
        var name = pool.Options.Name;
        var text = $"Someone tried to sign up for {name} with this {(medium == DeliveryMedium.Sms ? "phone number" : "email address")}. "
            + "You already have an account: sign in instead. If it was not you, ignore this message.";
        return medium == DeliveryMedium.Sms
            ? outbox.Sms(pool.Id, destination, text, code: null, "SignUpNotice (locale default)")
            : outbox.Email(pool.Id, destination, $"Sign-up attempt with your {name} account", text, code: null);
    }

    /// <summary>How a DLT error names the template: its kind and the user's locale.</summary>
    private static string Label(MessagePurpose purpose, string? locale) =>
        $"{purpose switch { MessagePurpose.SignIn => "SignIn", MessagePurpose.Invitation => "Invitation", _ => "SignUp" }} (locale {(string.IsNullOrWhiteSpace(locale) ? "default" : locale)})";

    private static DltRegistration? Dlt(MessageTemplates templates) =>
        templates.DltTemplateId is null && templates.DltEntityId is null && templates.DltSenderId is null
            ? null
            : new DltRegistration(templates.DltEntityId, templates.DltTemplateId, templates.DltSenderId);

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
        var result = purpose switch
        {
            MessagePurpose.SignIn => new MessageTemplates { SmsMessage = options.OneTimeCode.SmsMessage, EmailSubject = options.OneTimeCode.EmailSubject, EmailMessage = options.OneTimeCode.EmailMessage },
            MessagePurpose.Invitation => new MessageTemplates { EmailSubject = "Your {app} invitation" },
            _ => new MessageTemplates { SmsMessage = options.ConfirmationCode.SmsMessage, EmailSubject = options.ConfirmationCode.EmailSubject, EmailMessage = options.ConfirmationCode.EmailMessage },
        };

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
                var t = purpose switch
                {
                    MessagePurpose.SignIn => localized.SignIn,
                    MessagePurpose.Invitation => localized.Invitation,
                    _ => localized.SignUp,
                };
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
    private bool Usable(string? message, int limit, string field, string source, string[]? required = null)
    {
        if (string.IsNullOrEmpty(message))
        {
            return false;
        }

        if ((required ?? ["{####}"]).Any(r => !message.Contains(r, StringComparison.Ordinal)) || message.Length > limit)
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
        [LoggerMessage(30, LogLevel.Warning, "{TriggerSource}: the trigger's {Field} lacks a placeholder it must keep ({{####}}, and {{username}} for invitations) or exceeds {Limit} characters; the pool's template was sent instead.")]
        public static partial void Ignored(ILogger logger, string triggerSource, string field, int limit);
    }
}
