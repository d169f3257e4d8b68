using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sesame.Configuration;

namespace Sesame.Delivery.Twilio;

/// <summary>
/// Twilio Programmable Messaging: <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, HTTP Basic auth with
/// the account SID and auth token, form fields <c>To</c>, <c>From</c> (or <c>MessagingServiceSid</c>) and <c>Body</c>
/// (www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource). Success is 201 with the message
/// <c>sid</c>; errors carry Twilio's numeric <c>code</c> (www.twilio.com/docs/api/errors).
/// </summary>
internal sealed class TwilioSmsSender(string name, DeliveryProviderOptions options, HttpClient http) : ISmsSender
{
    private readonly Uri _endpoint = new(new Uri((options.Endpoint ?? "https://api.twilio.com").TrimEnd('/') + "/"),
        $"2010-04-01/Accounts/{Uri.EscapeDataString(options.AccountSid!)}/Messages.json");

    private readonly AuthenticationHeaderValue _authorization = new("Basic",
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));

    public async ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>> { new("To", message.PhoneNumber) };
        // Twilio's Messages API documents no DLT id parameter (docs/compatibility.md); a template's registered sender id
        // is sent as From.
        fields.Add(options.MessagingServiceSid is { Length: > 0 } service ? new("MessagingServiceSid", service) : new("From", message.Dlt?.SenderId ?? options.From!));
        fields.Add(new("Body", message.Body));
        if (options.ReceiptUrl is { Length: > 0 } callback)
        {
            fields.Add(new("StatusCallback", callback));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var response = await ProviderHttp.SendAsync(http, request, name, cancellationToken);
        var json = Parse(response.Body);
        if (ProviderHttp.IsSuccess(response.Status))
        {
            return new SendReceipt(name, json?.TryGetProperty("sid", out var sid) == true ? sid.GetString() : null);
        }

        var code = json?.TryGetProperty("code", out var c) == true && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        var text = json?.TryGetProperty("message", out var m) == true ? m.GetString() : ProviderHttp.Trim(response.Body);
        var failure = code switch
        {
            20429 => DeliveryFailure.Transient,
            // Authentication, a suspended account, a 'From' we may not use, a region not enabled: another provider may do.
            20003 or 20005 or 21606 or 21659 or 21408 or 21612 => DeliveryFailure.Provider,
            _ => ProviderHttp.Classify(response.Status),
        };
        throw new DeliveryException($"{name}: Twilio answered {(int)response.Status} (code {code}): {text}", failure);
    }

    private static JsonElement? Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
