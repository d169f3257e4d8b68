using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sesame.Cognito;
using Sesame.Configuration;

namespace Sesame.Delivery.Http;

/// <summary>
/// Any gateway that takes an HTTP POST: the body is built from <see cref="DeliveryProviderOptions.BodyTemplate"/>, and
/// the request carries <c>X-Sesame-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>,
/// so the gateway can check that Sesame sent it and when (a replayed request has an old <c>t</c>).
/// 2xx is success; 408, 429 and 5xx are transient; 401/403 are the provider's; other 4xx are permanent.
/// </summary>
internal sealed class HttpGatewaySender(string name, DeliveryProviderOptions options, HttpClient http, TimeProvider time) : ISmsSender, IEmailSender
{
    private const string DefaultJsonTemplate = """{"channel":"{channel}","from":"{from}","to":"{to}","subject":"{subject}","body":"{body}","html":"{html}"}""";
    private const string DefaultFormTemplate = "channel={channel}&from={from}&to={to}&subject={subject}&body={body}&html={html}";

    private readonly Uri _url = new(options.Url!);
    private readonly bool _form = options.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    private readonly byte[]? _key = string.IsNullOrEmpty(options.SigningSecret) ? null : Encoding.UTF8.GetBytes(options.SigningSecret);

    public ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken) =>
        PostAsync(DeliveryMedium.Sms, message.PhoneNumber, message.Body, string.Empty, string.Empty, cancellationToken);

    public ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        PostAsync(DeliveryMedium.Email, message.To, message.TextBody, message.Subject, message.HtmlBody ?? string.Empty, cancellationToken);

    internal string Body(string channel, string to, string body, string subject, string html)
    {
        var template = options.BodyTemplate ?? (_form ? DefaultFormTemplate : DefaultJsonTemplate);
        return new StringBuilder(template)
            .Replace("{channel}", Escape(channel))
            .Replace("{from}", Escape(options.From ?? string.Empty))
            .Replace("{to}", Escape(to))
            .Replace("{subject}", Escape(subject))
            .Replace("{html}", Escape(html))
            .Replace("{body}", Escape(body))
            .ToString();
    }

    private async ValueTask<SendReceipt> PostAsync(string channel, string to, string body, string subject, string html, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(Body(channel, to, body, subject, html));
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(_form ? "application/x-www-form-urlencoded; charset=utf-8" : options.ContentType);
        if (_key is not null)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(payload).ToArray();
            request.Headers.TryAddWithoutValidation(options.SignatureHeader, $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(_key, signed))}");
        }

        var response = await ProviderHttp.SendAsync(http, request, name, cancellationToken);
        if (!ProviderHttp.IsSuccess(response.Status))
        {
            throw new DeliveryException($"{name}: the gateway answered {(int)response.Status}: {ProviderHttp.Trim(response.Body)}", ProviderHttp.Classify(response.Status));
        }

        string? id = null;
        try
        {
            using var json = JsonDocument.Parse(response.Body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(options.MessageIdField, out var value))
            {
                id = value.ToString();
            }
        }
        catch (JsonException)
        {
            // A gateway need not answer JSON.
        }

        return new SendReceipt(name, id);
    }

    private string Escape(string value)
    {
        if (_form)
        {
            return Uri.EscapeDataString(value);
        }

        // The JSON string's content, without its quotes: the template supplies them.
        var encoded = JsonEncodedText.Encode(value, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        return encoded.ToString();
    }
}
