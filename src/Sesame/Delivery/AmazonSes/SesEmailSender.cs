using System.Net.Http.Headers;
using System.Text.Json;
using Sesame.Configuration;
using Sesame.Delivery.Aws;

namespace Sesame.Delivery.AmazonSes;

/// <summary>
/// Amazon SES v2 <c>SendEmail</c>: <c>POST https://email.{region}.amazonaws.com/v2/email/outbound-emails</c> with a
/// JSON body (<c>FromEmailAddress</c>, <c>Destination.ToAddresses</c>, <c>Content.Simple</c> subject, text and HTML),
/// signed with SigV4 for service <c>ses</c> (docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html).
/// Success is 200 <c>{"MessageId"}</c>; errors name themselves in <c>x-amzn-ErrorType</c>.
/// </summary>
internal sealed class SesEmailSender(string name, DeliveryProviderOptions options, HttpClient http, TimeProvider time, AwsCredentialSource? credentials = null) : IEmailSender
{
    private const string ContentType = "application/json";

    private readonly Uri _endpoint = new((options.Endpoint ?? $"https://email.{options.Region}.amazonaws.com").TrimEnd('/') + "/v2/email/outbound-emails");
    private readonly AwsSigner _signer = new(options.Region!, "ses", time);
    private readonly AwsCredentialSource _credentials = credentials ?? new AwsCredentialSource(name, options, http, time);

    public async ValueTask<SendReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("FromEmailAddress", options.From);
            writer.WriteStartObject("Destination");
            writer.WriteStartArray("ToAddresses");
            writer.WriteStringValue(message.To);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartObject("Content");
            writer.WriteStartObject("Simple");
            WriteContent(writer, "Subject", message.Subject);
            writer.WriteStartObject("Body");
            WriteContent(writer, "Text", message.TextBody);
            if (message.HtmlBody is not null)
            {
                WriteContent(writer, "Html", message.HtmlBody);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            if (!string.IsNullOrEmpty(options.ConfigurationSetName))
            {
                writer.WriteString("ConfigurationSetName", options.ConfigurationSetName);
            }

            writer.WriteEndObject();
        }

        var body = buffer.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        _signer.Sign(request, body, ContentType, await _credentials.GetAsync(cancellationToken));

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
            return new SendReceipt(name, json?.TryGetProperty("MessageId", out var id) == true ? id.GetString() : null);
        }

        // "MessageRejected:http://internal.amazon.com/..." → "MessageRejected"
        var type = (response.ErrorType ?? (json?.TryGetProperty("__type", out var t) == true ? t.GetString() : null) ?? "Unknown").Split(':')[0].Split('#')[^1];
        var text = json?.TryGetProperty("message", out var m) == true ? m.GetString() : ProviderHttp.Trim(response.Body);
        var failure = type switch
        {
            "TooManyRequestsException" or "LimitExceededException" or "InternalFailure" or "ServiceUnavailable" => DeliveryFailure.Transient,
            "AccountSuspendedException" or "SendingPausedException" or "MailFromDomainNotVerifiedException" or "AccessDeniedException"
                or "UnrecognizedClientException" or "InvalidSignatureException" or "NotFoundException" => DeliveryFailure.Provider,
            "MessageRejected" or "BadRequestException" => DeliveryFailure.Permanent,
            _ => ProviderHttp.Classify(response.Status),
        };
        throw new DeliveryException($"{name}: SES answered {(int)response.Status} {type}: {text}", failure);
    }

    private static void WriteContent(Utf8JsonWriter writer, string property, string data)
    {
        writer.WriteStartObject(property);
        writer.WriteString("Data", data);
        writer.WriteString("Charset", "UTF-8");
        writer.WriteEndObject();
    }
}
