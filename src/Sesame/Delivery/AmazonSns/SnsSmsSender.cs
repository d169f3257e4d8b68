using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Sesame.Configuration;
using Sesame.Delivery.Aws;

namespace Sesame.Delivery.AmazonSns;

/// <summary>
/// Amazon SNS <c>Publish</c> to a phone number: a form POST to <c>https://sns.{region}.amazonaws.com/</c> with
/// <c>Action=Publish</c>, <c>Version=2010-03-31</c>, <c>PhoneNumber</c>, <c>Message</c> and the
/// <c>AWS.SNS.SMS.SMSType</c> message attribute, signed with SigV4 for service <c>sns</c>
/// (docs.aws.amazon.com/sns/latest/api/API_Publish.html). Answers are XML: <c>PublishResult/MessageId</c>, or
/// <c>ErrorResponse/Error/Code</c>.
/// </summary>
internal sealed class SnsSmsSender(string name, DeliveryProviderOptions options, HttpClient http, TimeProvider time, AwsCredentialSource? credentials = null) : ISmsSender
{
    private const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly Uri _endpoint = new((options.Endpoint ?? $"https://sns.{options.Region}.amazonaws.com").TrimEnd('/') + "/");
    private readonly AwsSigner _signer = new(options.Region!, "sns", time);
    private readonly AwsCredentialSource _credentials = credentials ?? new AwsCredentialSource(name, options, http, time);

    public async ValueTask<SendReceipt> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Action", "Publish"),
            new("Version", "2010-03-31"),
            new("PhoneNumber", message.PhoneNumber),
            new("Message", message.Body),
            new("MessageAttributes.entry.1.Name", "AWS.SNS.SMS.SMSType"),
            new("MessageAttributes.entry.1.Value.DataType", "String"),
            new("MessageAttributes.entry.1.Value.StringValue", options.SmsType),
        };
        var entry = 1;
        void Attribute(string attribute, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                entry++;
                var prefix = $"MessageAttributes.entry.{entry.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                fields.Add(new(prefix + ".Name", attribute));
                fields.Add(new(prefix + ".Value.DataType", "String"));
                fields.Add(new(prefix + ".Value.StringValue", value));
            }
        }

        Attribute("AWS.SNS.SMS.SenderID", message.Dlt?.SenderId ?? options.From);
        // India's DLT ids (docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html: AWS.MM.SMS.EntityId, AWS.MM.SMS.TemplateId).
        Attribute("AWS.MM.SMS.EntityId", message.Dlt?.EntityId);
        Attribute("AWS.MM.SMS.TemplateId", message.Dlt?.TemplateId);

        var body = Encoding.UTF8.GetBytes(FormEncode(fields));
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        _signer.Sign(request, body, ContentType, await _credentials.GetAsync(cancellationToken));

        var response = await ProviderHttp.SendAsync(http, request, name, cancellationToken);
        XElement? root = null;
        try
        {
            root = XDocument.Parse(response.Body).Root;
        }
        catch (System.Xml.XmlException)
        {
        }

        if (ProviderHttp.IsSuccess(response.Status))
        {
            var id = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "MessageId")?.Value;
            return new SendReceipt(name, id);
        }

        var code = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "Unknown";
        var text = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? ProviderHttp.Trim(response.Body);
        var failure = code switch
        {
            "Throttling" or "ThrottlingException" or "ThrottledException" or "InternalError" or "InternalFailure" or "ServiceUnavailable" => DeliveryFailure.Transient,
            "InvalidClientTokenId" or "SignatureDoesNotMatch" or "AuthorizationError" or "AccessDenied" or "AccessDeniedException"
                or "OptedOut" or "KMSAccessDenied" or "ExpiredToken" => code == "OptedOut" ? DeliveryFailure.Permanent : DeliveryFailure.Provider,
            _ => ProviderHttp.Classify(response.Status),
        };
        throw new DeliveryException($"{name}: SNS answered {(int)response.Status} {code}: {text}", failure);
    }

    // SigV4 needs the exact bytes; spaces as %20 rather than '+', as the AWS SDKs send them.
    internal static string FormEncode(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
}
