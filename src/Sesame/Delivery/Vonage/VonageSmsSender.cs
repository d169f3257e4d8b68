using System.Globalization;
using System.Text.Json;
using Sesame.Configuration;

namespace Sesame.Delivery.Vonage;

/// <summary>
/// Vonage (Nexmo) SMS API: <c>POST https://rest.nexmo.com/sms/json</c>, form fields <c>api_key</c>, <c>api_secret</c>,
/// <c>from</c>, <c>to</c> (digits only, no <c>+</c>), <c>text</c>, and <c>type=unicode</c> when the text is not plain
/// GSM, and for India the DLT ids as <c>entity-id</c> and <c>content-id</c> (developer.vonage.com/en/api/sms). It answers 200 even for errors: each entry of <c>messages</c> has a
/// <c>status</c>, <c>"0"</c> for success, and an <c>error-text</c> otherwise
/// (developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms#sms-api-error-codes).
/// </summary>
internal sealed class VonageSmsSender(string name, DeliveryProviderOptions options, HttpClient http) : ISmsSender
{
    private readonly Uri _endpoint = new((options.Endpoint ?? "https://rest.nexmo.com").TrimEnd('/') + "/sms/json");

    public async ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("api_key", options.ApiKey!),
            new("api_secret", options.ApiSecret!),
            new("from", message.Dlt?.SenderId ?? options.From!),
            new("to", message.PhoneNumber.TrimStart('+')),
            new("text", message.Body),
        };
        // India's DLT ids: the SMS API's entity-id and content-id parameters.
        if (message.Dlt?.EntityId is { Length: > 0 } entity)
        {
            fields.Add(new("entity-id", entity));
        }

        if (message.Dlt?.TemplateId is { Length: > 0 } content)
        {
            fields.Add(new("content-id", content));
        }

        // Delivery receipts for this message go to Sesame (developer.vonage.com/en/messaging/sms/guides/delivery-receipts).
        if (options.ReceiptUrl is { Length: > 0 } receipts)
        {
            fields.Add(new("callback", receipts));
        }

        if (!message.Body.All(c => c < 128))
        {
            fields.Add(new("type", "unicode"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new FormUrlEncodedContent(fields) };
        var response = await ProviderHttp.SendAsync(http, request, name, cancellationToken);
        if (!ProviderHttp.IsSuccess(response.Status))
        {
            throw new DeliveryException($"{name}: Vonage answered {(int)response.Status}", ProviderHttp.Classify(response.Status));
        }

        JsonElement first;
        try
        {
            first = JsonDocument.Parse(response.Body).RootElement.GetProperty("messages")[0];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new DeliveryException($"{name}: Vonage answered something unreadable", DeliveryFailure.Transient, e);
        }

        var status = int.TryParse(first.TryGetProperty("status", out var s) ? s.GetString() : null, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        if (status == 0)
        {
            return new SendReceipt(name, first.TryGetProperty("message-id", out var id) ? id.GetString() : null);
        }

        var text = first.TryGetProperty("error-text", out var e2) ? e2.GetString() : "no error-text";
        var failure = status switch
        {
            // 1 Throttled, 5 Internal Error.
            1 or 5 => DeliveryFailure.Transient,
            // 4 Invalid Credentials, 8 Partner Account Barred, 9 Partner Quota Violation, 15 Invalid Sender Address,
            // 29 Non-Whitelisted Destination (a trial account).
            4 or 8 or 9 or 15 or 29 => DeliveryFailure.Provider,
            _ => DeliveryFailure.Permanent,
        };
        throw new DeliveryException($"{name}: Vonage status {status}: {text}", failure);
    }
}
