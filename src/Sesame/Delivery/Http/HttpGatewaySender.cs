using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Users;

namespace Sesame.Delivery.Http;

/// <summary>
/// Any gateway that takes an HTTP POST, met by configuration: the body is a JSON object or a form of
/// <see cref="DeliveryProviderOptions.Fields"/> (or the raw <see cref="DeliveryProviderOptions.BodyTemplate"/>), and the
/// request authenticates as <see cref="DeliveryProviderOptions.Auth"/> says: a bearer token, an API-key header, basic
/// auth, or <c>X-Sesame-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>, so the gateway
/// can check that Sesame sent it and when (a replayed request has an old <c>t</c>).
/// 2xx is success; 408, 429 and 5xx are transient; 401/403 are the provider's; other 4xx are permanent.
/// </summary>
internal sealed class HttpGatewaySender(string name, DeliveryProviderOptions options, HttpClient http, TimeProvider time) : ISmsSender, IEmailSender
{
    private const string DefaultJsonTemplate = """{"channel":"{channel}","from":"{from}","to":"{to}","subject":"{subject}","body":"{body}","html":"{html}"}""";
    private const string DefaultFormTemplate = "channel={channel}&from={from}&to={to}&subject={subject}&body={body}&html={html}";

    private readonly Uri _url = new(options.Url!);
    private readonly bool _form = options.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    private readonly HttpGatewayAuth _auth = HttpGatewayAuthentication.Scheme(options);
    private readonly byte[]? _key = string.IsNullOrEmpty(options.SigningSecret) ? null : Encoding.UTF8.GetBytes(options.SigningSecret);

    public ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken) =>
        PostAsync(Values(DeliveryMedium.Sms, message.PhoneNumber, message.Body, string.Empty, string.Empty, message.Code, message.Dlt), cancellationToken);

    public ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        PostAsync(Values(DeliveryMedium.Email, message.To, message.TextBody, message.Subject, message.HtmlBody ?? string.Empty, message.Code, null), cancellationToken);

    /// <summary>The body of one message, as <see cref="DeliveryProviderOptions.Fields"/> or the template make it.</summary>
    internal string Body(IReadOnlyDictionary<string, string> values)
    {
        if (options.Fields is { Count: > 0 } fields)
        {
            if (_form)
            {
                return string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(Fill(f.Value, values, raw: true))));
            }

            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                foreach (var (field, template) in fields)
                {
                    writer.WriteString(field, Fill(template, values, raw: true));
                }

                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        return Fill(options.BodyTemplate ?? (_form ? DefaultFormTemplate : DefaultJsonTemplate), values, raw: false);
    }

    /// <summary>The placeholders a field or template may use, for one message.</summary>
    internal Dictionary<string, string> Values(string channel, string to, string body, string subject, string html, string? code, DltRegistration? dlt)
    {
        var number = channel == DeliveryMedium.Sms ? PhoneNumberClassifier.Classify(to) : null;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["{channel}"] = channel,
            ["{from}"] = dlt?.SenderId ?? options.From ?? string.Empty,
            ["{to}"] = to,
            ["{to_digits}"] = to.TrimStart('+'),
            ["{national_number}"] = number?.NationalNumber ?? to.TrimStart('+'),
            ["{country_code}"] = number?.CountryCallingCode.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            ["{subject}"] = subject,
            ["{html}"] = html,
            ["{code}"] = code ?? string.Empty,
            ["{dlt_entity_id}"] = dlt?.EntityId ?? string.Empty,
            ["{dlt_template_id}"] = dlt?.TemplateId ?? string.Empty,
            // Last: the body is the only value that may itself contain text looking like a placeholder.
            ["{body}"] = body,
        };
    }

    private string Fill(string template, IReadOnlyDictionary<string, string> values, bool raw)
    {
        var text = new StringBuilder(template);
        foreach (var (placeholder, value) in values)
        {
            text.Replace(placeholder, raw ? value : Escape(value));
        }

        return text.ToString();
    }

    private async ValueTask<SendReceipt> PostAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(Body(values));
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(_form ? "application/x-www-form-urlencoded; charset=utf-8" : options.ContentType);
        switch (_auth)
        {
            case HttpGatewayAuth.Hmac when _key is not null:
                var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                request.Headers.TryAddWithoutValidation(options.SignatureHeader, HttpGatewayAuthentication.Signature(_key, timestamp, payload));
                break;
            case HttpGatewayAuth.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AuthToken);
                break;
            case HttpGatewayAuth.Header:
                request.Headers.TryAddWithoutValidation(options.AuthHeader, options.ApiKey);
                break;
            case HttpGatewayAuth.Basic:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}")));
                break;
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

/// <summary>How Sesame and an HTTP gateway prove who is calling, both ways (sends, and the gateway's delivery receipts).</summary>
internal static class HttpGatewayAuthentication
{
    /// <summary>The scheme in force: <see cref="DeliveryProviderOptions.Auth"/>, or HMAC when only a signing secret is set.</summary>
    public static HttpGatewayAuth Scheme(DeliveryProviderOptions options) =>
        options.Auth ?? (string.IsNullOrEmpty(options.SigningSecret) ? HttpGatewayAuth.None : HttpGatewayAuth.Hmac);

    /// <summary><c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.</summary>
    public static string Signature(byte[] key, string timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(key, signed))}";
    }
}
