using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sesame.Configuration;

namespace Sesame.Delivery.Plivo;

/// <summary>
/// Plivo Messages API: <c>POST /v1/Account/{auth_id}/Message/</c>, HTTP Basic auth with the auth id and token, a JSON
/// body <c>{"src","dst","text"}</c>, with <c>dlt_entity_id</c> and <c>dlt_template_id</c> for India (www.plivo.com/docs/messaging/api/message#send-a-message). Success is 202 with
/// <c>message_uuid</c> (an array); errors are <c>{"api_id","error"}</c>.
/// </summary>
internal sealed class PlivoSmsSender(string name, DeliveryProviderOptions options, HttpClient http) : ISmsSender
{
    private readonly Uri _endpoint = new(new Uri((options.Endpoint ?? "https://api.plivo.com").TrimEnd('/') + "/"),
        $"v1/Account/{Uri.EscapeDataString(options.AuthId!)}/Message/");

    private readonly AuthenticationHeaderValue _authorization = new("Basic",
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AuthId}:{options.AuthToken}")));

    public async ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("src", message.Dlt?.SenderId ?? options.From);
            writer.WriteString("dst", message.PhoneNumber);
            writer.WriteString("text", message.Body);
            if (options.ReceiptUrl is { Length: > 0 } callback)
            {
                writer.WriteString("url", callback);
            }
            // India's DLT ids, which Plivo's Message API takes as dlt_entity_id and dlt_template_id.
            if (message.Dlt?.EntityId is { Length: > 0 } entity)
            {
                writer.WriteString("dlt_entity_id", entity);
            }

            if (message.Dlt?.TemplateId is { Length: > 0 } template)
            {
                writer.WriteString("dlt_template_id", template);
            }
            writer.WriteEndObject();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(buffer.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = _authorization;

        var response = await ProviderHttp.SendAsync(http, request, name, cancellationToken);
        JsonElement? json = null;
        try
        {
            json = JsonDocument.Parse(response.Body).RootElement;
        }
        catch (JsonException)
        {
        }

        if (ProviderHttp.IsSuccess(response.Status))
        {
            var id = json?.TryGetProperty("message_uuid", out var uuids) == true && uuids.ValueKind == JsonValueKind.Array && uuids.GetArrayLength() > 0
                ? uuids[0].GetString()
                : null;
            return new SendReceipt(name, id);
        }

        var error = json?.TryGetProperty("error", out var e) == true ? e.ToString() : ProviderHttp.Trim(response.Body);
        throw new DeliveryException($"{name}: Plivo answered {(int)response.Status}: {error}", ProviderHttp.Classify(response.Status));
    }
}
