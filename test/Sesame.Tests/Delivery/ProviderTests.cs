using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Sesame.Cognito;
using Sesame.CognitoApi;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Delivery.AmazonSes;
using Sesame.Delivery.AmazonSns;
using Sesame.Delivery.Http;
using Sesame.Delivery.Plivo;
using Sesame.Delivery.Twilio;
using Sesame.Delivery.Vonage;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Delivery;

/// <summary>
/// Each provider against a loopback server that answers as the provider documents (success and errors); the tests
/// check the exact request the provider would receive.
/// </summary>
public sealed class ProviderTests : IAsyncLifetime
{
    private const string Phone = "+15551234567";
    private const string Body = "123456 is your Acme sign-in code. It expires in 3 minutes.\n\n@example.com #123456";

    private readonly HttpClient _http = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    // --- Twilio (www.twilio.com/docs/messaging/api/message-resource) ---

    [Fact]
    public async Task Twilio_Send_PostsFormWithBasicAuthAndReturnsSid()
    {
        _server.Handler = (c, _) => Answer(c, 201, """{"sid":"SM1234567890abcdef1234567890abcdef","status":"queued","to":"+15551234567"}""");
        var sender = new TwilioSmsSender("twilio", new DeliveryProviderOptions { Type = "Twilio", Endpoint = _server.Url, AccountSid = "AC0123", AuthToken = "tok", From = "+15005550006" }, _http);

        var receipt = await sender.SendAsync(new SmsMessage(Phone, Body), default);

        Assert.Equal(new SendReceipt("twilio", "SM1234567890abcdef1234567890abcdef"), receipt);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/2010-04-01/Accounts/AC0123/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC0123:tok")), request.Headers["authorization"]);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers["content-type"]);
        Assert.Equal(new Dictionary<string, string> { ["To"] = Phone, ["From"] = "+15005550006", ["Body"] = Body }, request.Form());
        Assert.Contains("%2B15551234567", request.Text);
    }

    [Fact]
    public async Task Twilio_MessagingService_SendsMessagingServiceSidInsteadOfFrom()
    {
        _server.Handler = (c, _) => Answer(c, 201, """{"sid":"SM1"}""");
        var sender = new TwilioSmsSender("twilio", new DeliveryProviderOptions { Type = "Twilio", Endpoint = _server.Url, AccountSid = "AC1", AuthToken = "t", MessagingServiceSid = "MG99" }, _http);

        await sender.SendAsync(new SmsMessage(Phone, "hi"), default);

        var form = Assert.Single(_server.Requests).Form();
        Assert.Equal("MG99", form["MessagingServiceSid"]);
        Assert.False(form.ContainsKey("From"));
    }

    [Theory]
    [InlineData(400, 21211, DeliveryFailure.Permanent)]
    [InlineData(429, 20429, DeliveryFailure.Transient)]
    [InlineData(401, 20003, DeliveryFailure.Provider)]
    [InlineData(503, 0, DeliveryFailure.Transient)]
    public async Task Twilio_ErrorAnswer_IsClassified(int status, int code, DeliveryFailure expected)
    {
        _server.Handler = (c, _) => Answer(c, status, $$"""{"code":{{code}},"message":"The 'To' number is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""");
        var sender = new TwilioSmsSender("twilio", new DeliveryProviderOptions { Type = "Twilio", Endpoint = _server.Url, AccountSid = "AC1", AuthToken = "t", From = "+1500" }, _http);

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(new SmsMessage(Phone, Body), default));

        Assert.Equal(expected, error.Failure);
        Assert.Contains($"code {code}", error.Message);
    }

    // --- Vonage (developer.vonage.com/en/api/sms) ---

    [Fact]
    public async Task Vonage_Send_PostsFormWithKeyAndDigitsOnlyNumber()
    {
        _server.Handler = (c, _) => Answer(c, 200, """{"message-count":"1","messages":[{"to":"15551234567","message-id":"0A0000000123ABCD1","status":"0","remaining-balance":"3.14159265","message-price":"0.03330000","network":"12345"}]}""");
        var sender = new VonageSmsSender("vonage", new DeliveryProviderOptions { Type = "Vonage", Endpoint = _server.Url, ApiKey = "abcd1234", ApiSecret = "s3cr3t", From = "Acme" }, _http);

        var receipt = await sender.SendAsync(new SmsMessage(Phone, Body), default);

        Assert.Equal("0A0000000123ABCD1", receipt.MessageId);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/sms/json", request.Path);
        Assert.Equal(new Dictionary<string, string> { ["api_key"] = "abcd1234", ["api_secret"] = "s3cr3t", ["from"] = "Acme", ["to"] = "15551234567", ["text"] = Body }, request.Form());
    }

    [Fact]
    public async Task Vonage_NonGsmText_SendsTypeUnicode()
    {
        _server.Handler = (c, _) => Answer(c, 200, """{"message-count":"1","messages":[{"status":"0","message-id":"X"}]}""");
        var sender = new VonageSmsSender("vonage", new DeliveryProviderOptions { Type = "Vonage", Endpoint = _server.Url, ApiKey = "k", ApiSecret = "s", From = "Acme" }, _http);

        await sender.SendAsync(new SmsMessage(Phone, "123456 est votre code — Acme"), default);

        Assert.Equal("unicode", Assert.Single(_server.Requests).Form()["type"]);
    }

    [Theory]
    [InlineData("1", "Throttled", DeliveryFailure.Transient)]
    [InlineData("3", "Invalid to address", DeliveryFailure.Permanent)]
    [InlineData("4", "Bad Credentials", DeliveryFailure.Provider)]
    public async Task Vonage_StatusInA200_IsClassified(string status, string text, DeliveryFailure expected)
    {
        _server.Handler = (c, _) => Answer(c, 200, $$"""{"message-count":"1","messages":[{"status":"{{status}}","error-text":"{{text}}"}]}""");
        var sender = new VonageSmsSender("vonage", new DeliveryProviderOptions { Type = "Vonage", Endpoint = _server.Url, ApiKey = "k", ApiSecret = "s", From = "Acme" }, _http);

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(new SmsMessage(Phone, Body), default));

        Assert.Equal(expected, error.Failure);
        Assert.Contains(text, error.Message);
    }

    // --- Plivo (www.plivo.com/docs/messaging/api/message) ---

    [Fact]
    public async Task Plivo_Send_PostsJsonWithBasicAuthAndReturnsUuid()
    {
        _server.Handler = (c, _) => Answer(c, 202, """{"api_id":"db342550-7f1d-11e1-8ea7-1231380bc196","message":"message(s) queued","message_uuid":["db3ce55a-7f1d-11e1-8ea7-1231380bc196"]}""");
        var sender = new PlivoSmsSender("plivo", new DeliveryProviderOptions { Type = "Plivo", Endpoint = _server.Url, AuthId = "MAXXXXXXXXXXXXXXXXXX", AuthToken = "tok", From = "+14155550000" }, _http);

        var receipt = await sender.SendAsync(new SmsMessage(Phone, Body), default);

        Assert.Equal("db3ce55a-7f1d-11e1-8ea7-1231380bc196", receipt.MessageId);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/Account/MAXXXXXXXXXXXXXXXXXX/Message/", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("MAXXXXXXXXXXXXXXXXXX:tok")), request.Headers["authorization"]);
        Assert.StartsWith("application/json", request.Headers["content-type"]);
        var json = JsonNode.Parse(request.Text)!;
        Assert.Equal("+14155550000", json["src"]!.GetValue<string>());
        Assert.Equal(Phone, json["dst"]!.GetValue<string>());
        Assert.Equal(Body, json["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(400, DeliveryFailure.Permanent)]
    [InlineData(401, DeliveryFailure.Provider)]
    [InlineData(500, DeliveryFailure.Transient)]
    public async Task Plivo_ErrorAnswer_IsClassified(int status, DeliveryFailure expected)
    {
        _server.Handler = (c, _) => Answer(c, status, """{"api_id":"a","error":"invalid destination number"}""");
        var sender = new PlivoSmsSender("plivo", new DeliveryProviderOptions { Type = "Plivo", Endpoint = _server.Url, AuthId = "MA", AuthToken = "t", From = "+1" }, _http);

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(new SmsMessage(Phone, Body), default));

        Assert.Equal(expected, error.Failure);
    }

    // --- Amazon SNS Publish (docs.aws.amazon.com/sns/latest/api/API_Publish.html) ---

    [Fact]
    public async Task Sns_Publish_IsSigV4SignedFormWithSmsType()
    {
        var verifier = Verifier("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        string? signedBy = null;
        _server.Handler = (c, r) =>
        {
            signedBy = verifier.Authenticate(c.Request, r.Body).AccessKeyId;
            return Answer(c, 200, """
                <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                  <PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>
                  <ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata>
                </PublishResponse>
                """, "text/xml");
        };
        var sender = new SnsSmsSender("sns", new DeliveryProviderOptions
        {
            Type = "Sns", Endpoint = _server.Url, Region = "us-east-1", AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        }, _http, TimeProvider.System);

        var receipt = await sender.SendAsync(new SmsMessage(Phone, Body), default);

        Assert.Equal("567910cd-659e-55d4-8ccb-5aaf14679dc0", receipt.MessageId);
        Assert.Equal("AKIDEXAMPLE", signedBy);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/", request.Path);
        Assert.Matches("^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/us-east-1/sns/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$", request.Headers["authorization"]);
        Assert.Equal(new Dictionary<string, string>
        {
            ["Action"] = "Publish", ["Version"] = "2010-03-31", ["PhoneNumber"] = Phone, ["Message"] = Body,
            ["MessageAttributes.entry.1.Name"] = "AWS.SNS.SMS.SMSType", ["MessageAttributes.entry.1.Value.DataType"] = "String",
            ["MessageAttributes.entry.1.Value.StringValue"] = "Transactional",
        }, request.Form());
    }

    [Fact]
    public async Task Sns_WrongSecret_FailsTheSignatureCheck()
    {
        var verifier = Verifier("AKIDEXAMPLE", "the-real-secret");
        _server.Handler = (c, r) =>
        {
            try
            {
                verifier.Authenticate(c.Request, r.Body);
                return Answer(c, 200, "<PublishResponse><PublishResult><MessageId>x</MessageId></PublishResult></PublishResponse>", "text/xml");
            }
            catch (CognitoException)
            {
                return Answer(c, 403, "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error><RequestId>r</RequestId></ErrorResponse>", "text/xml");
            }
        };
        var sender = new SnsSmsSender("sns", new DeliveryProviderOptions { Type = "Sns", Endpoint = _server.Url, Region = "us-east-1", AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "wrong" }, _http, TimeProvider.System);

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(new SmsMessage(Phone, Body), default));

        Assert.Equal(DeliveryFailure.Provider, error.Failure);
        Assert.Contains("SignatureDoesNotMatch", error.Message);
    }

    [Theory]
    [InlineData(400, "InvalidParameter", DeliveryFailure.Permanent)]
    [InlineData(400, "Throttling", DeliveryFailure.Transient)]
    [InlineData(500, "InternalError", DeliveryFailure.Transient)]
    public async Task Sns_ErrorResponse_IsClassifiedByCode(int status, string code, DeliveryFailure expected)
    {
        _server.Handler = (c, _) => Answer(c, status, $"<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>Invalid parameter: PhoneNumber Reason: +1 is not valid to publish to</Message></Error><RequestId>r</RequestId></ErrorResponse>", "text/xml");
        var sender = new SnsSmsSender("sns", new DeliveryProviderOptions { Type = "Sns", Endpoint = _server.Url, Region = "eu-west-1", AccessKeyId = "A", SecretAccessKey = "S" }, _http, TimeProvider.System);

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(new SmsMessage(Phone, Body), default));

        Assert.Equal(expected, error.Failure);
        Assert.Contains(code, error.Message);
    }

    // --- Amazon SES v2 SendEmail (docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html) ---

    [Fact]
    public async Task Ses_SendEmail_IsSigV4SignedJsonWithSubjectTextAndHtml()
    {
        var verifier = Verifier("AKIDSES", "ses-secret");
        string? signedBy = null;
        _server.Handler = (c, r) =>
        {
            signedBy = verifier.Authenticate(c.Request, r.Body).AccessKeyId;
            return Answer(c, 200, """{"MessageId":"0100018c-ses-message-id"}""");
        };
        var sender = new SesEmailSender("ses", new DeliveryProviderOptions
        {
            Type = "Ses", Endpoint = _server.Url, Region = "eu-west-1", AccessKeyId = "AKIDSES", SecretAccessKey = "ses-secret",
            From = "Acme <no-reply@acme.example>", ConfigurationSetName = "codes",
        }, _http, TimeProvider.System);

        var receipt = await sender.SendAsync(new EmailMessage("jane@example.com", "Your Acme code", "Your code is 123456.", "<p>Your code is <b>123456</b>.</p>"), default);

        Assert.Equal("0100018c-ses-message-id", receipt.MessageId);
        Assert.Equal("AKIDSES", signedBy);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v2/email/outbound-emails", request.Path);
        Assert.Contains("/eu-west-1/ses/aws4_request", request.Headers["authorization"]);
        var json = JsonNode.Parse(request.Text)!;
        Assert.Equal("Acme <no-reply@acme.example>", json["FromEmailAddress"]!.GetValue<string>());
        Assert.Equal("jane@example.com", json["Destination"]!["ToAddresses"]![0]!.GetValue<string>());
        var simple = json["Content"]!["Simple"]!;
        Assert.Equal("Your Acme code", simple["Subject"]!["Data"]!.GetValue<string>());
        Assert.Equal("UTF-8", simple["Subject"]!["Charset"]!.GetValue<string>());
        Assert.Equal("Your code is 123456.", simple["Body"]!["Text"]!["Data"]!.GetValue<string>());
        Assert.Equal("<p>Your code is <b>123456</b>.</p>", simple["Body"]!["Html"]!["Data"]!.GetValue<string>());
        Assert.Equal("codes", json["ConfigurationSetName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(400, "MessageRejected", DeliveryFailure.Permanent)]
    [InlineData(429, "TooManyRequestsException", DeliveryFailure.Transient)]
    [InlineData(400, "AccountSuspendedException", DeliveryFailure.Provider)]
    public async Task Ses_ErrorType_IsClassified(int status, string type, DeliveryFailure expected)
    {
        _server.Handler = (c, _) =>
        {
            c.Response.Headers["x-amzn-ErrorType"] = type + ":http://internal.amazon.com/coral/com.amazonaws.sesv2/";
            return Answer(c, status, """{"message":"Email address is not verified."}""");
        };
        var sender = new SesEmailSender("ses", new DeliveryProviderOptions { Type = "Ses", Endpoint = _server.Url, Region = "us-east-1", AccessKeyId = "A", SecretAccessKey = "S", From = "a@b.c" }, _http, TimeProvider.System);

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(new EmailMessage("jane@example.com", "s", "t"), default));

        Assert.Equal(expected, error.Failure);
        Assert.Contains(type, error.Message);
    }

    // --- India's DLT ids, in each provider's own field ---

    private static readonly DltRegistration Dlt = new("1101234567890123456", "1107161234567890123", "ACMEIN");

    [Fact]
    public async Task Vonage_DltTemplate_SendsEntityIdContentIdAndSenderId()
    {
        _server.Handler = (c, _) => Answer(c, 200, """{"message-count":"1","messages":[{"status":"0","message-id":"X"}]}""");
        var sender = new VonageSmsSender("vonage", new DeliveryProviderOptions { Type = "Vonage", Endpoint = _server.Url, ApiKey = "k", ApiSecret = "s", From = "Acme" }, _http);

        await sender.SendAsync(new SmsMessage("+918123456789", Body) { Dlt = Dlt }, default);

        Assert.Equal(new Dictionary<string, string>
        {
            ["api_key"] = "k", ["api_secret"] = "s", ["from"] = "ACMEIN", ["to"] = "918123456789", ["text"] = Body,
            ["entity-id"] = "1101234567890123456", ["content-id"] = "1107161234567890123",
        }, Assert.Single(_server.Requests).Form());
    }

    [Fact]
    public async Task Plivo_DltTemplate_SendsDltEntityAndTemplateIds()
    {
        _server.Handler = (c, _) => Answer(c, 202, """{"api_id":"a","message":"message(s) queued","message_uuid":["u-1"]}""");
        var sender = new PlivoSmsSender("plivo", new DeliveryProviderOptions { Type = "Plivo", Endpoint = _server.Url, AuthId = "MA", AuthToken = "t", From = "+14155550000" }, _http);

        await sender.SendAsync(new SmsMessage("+918123456789", "Code 123456") { Dlt = Dlt }, default);

        var json = JsonNode.Parse(Assert.Single(_server.Requests).Text)!.AsObject();
        Assert.Equal(
            [("src", "ACMEIN"), ("dst", "+918123456789"), ("text", "Code 123456"), ("dlt_entity_id", "1101234567890123456"), ("dlt_template_id", "1107161234567890123")],
            json.Select(p => (p.Key, p.Value!.GetValue<string>())));
    }

    [Fact]
    public async Task Sns_DltTemplate_SendsSenderIdEntityIdAndTemplateIdAttributes()
    {
        _server.Handler = (c, _) => Answer(c, 200, "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>", "text/xml");
        var sender = new SnsSmsSender("sns", new DeliveryProviderOptions
        {
            Type = "Sns", Endpoint = _server.Url, Region = "ap-south-1", AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "secret", From = "ACME",
        }, _http, TimeProvider.System);

        await sender.SendAsync(new SmsMessage("+918123456789", Body) { Dlt = Dlt }, default);

        var form = Assert.Single(_server.Requests).Form();
        Assert.Equal(
            [("AWS.SNS.SMS.SMSType", "Transactional"), ("AWS.SNS.SMS.SenderID", "ACMEIN"), ("AWS.MM.SMS.EntityId", "1101234567890123456"), ("AWS.MM.SMS.TemplateId", "1107161234567890123")],
            Enumerable.Range(1, 4).Select(i => (form[$"MessageAttributes.entry.{i}.Name"], form[$"MessageAttributes.entry.{i}.Value.StringValue"])));
        Assert.False(form.ContainsKey("MessageAttributes.entry.5.Name"));
    }

    [Fact]
    public async Task Http_DltTemplate_FillsDltPlaceholdersAndSenderId()
    {
        var sender = new HttpGatewaySender("gateway", new DeliveryProviderOptions
        {
            Type = "Http", Url = _server.Url + "/send", From = "Acme", ContentType = "application/x-www-form-urlencoded",
            Fields = new() { ["sender"] = "{from}", ["pe_id"] = "{dlt_entity_id}", ["template_id"] = "{dlt_template_id}", ["to"] = "{national_number}" },
        }, _http, TimeProvider.System);

        await sender.SendAsync(new SmsMessage("+918123456789", Body) { Dlt = Dlt }, default);

        Assert.Equal("sender=ACMEIN&pe_id=1101234567890123456&template_id=1107161234567890123&to=8123456789", Assert.Single(_server.Requests).Text);
    }

    // --- The generic HTTP provider ---

    [Fact]
    public async Task Http_DefaultJson_PostsEscapedFieldsWithHmacSignature()
    {
        _server.Handler = (c, _) => Answer(c, 200, """{"id":"gw-42"}""");
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        var sender = new HttpGatewaySender("gateway", new DeliveryProviderOptions { Type = "Http", Url = _server.Url + "/send", SigningSecret = "hook-secret", From = "Acme" }, _http, time);

        var receipt = await sender.SendAsync(new SmsMessage(Phone, "Say \"hi\"\n123456"), default);

        Assert.Equal("gw-42", receipt.MessageId);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/send", request.Path);
        var json = JsonNode.Parse(request.Text)!;
        Assert.Equal("SMS", json["channel"]!.GetValue<string>());
        Assert.Equal(Phone, json["to"]!.GetValue<string>());
        Assert.Equal("Say \"hi\"\n123456", json["body"]!.GetValue<string>());
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("hook-secret"), Encoding.UTF8.GetBytes($"{timestamp}.{request.Text}")));
        Assert.Equal($"t={timestamp},v1={expected}", request.Headers["x-sesame-signature"]);
    }

    [Fact]
    public async Task Http_FormTemplate_FormEncodesPlaceholders()
    {
        _server.Handler = (c, _) => Answer(c, 202, "queued", "text/plain");
        var sender = new HttpGatewaySender("gateway", new DeliveryProviderOptions
        {
            Type = "Http", Url = _server.Url + "/sms", ContentType = "application/x-www-form-urlencoded", BodyTemplate = "number={to}&message={body}&sender=Acme",
        }, _http, TimeProvider.System);

        var receipt = await sender.SendAsync(new SmsMessage(Phone, "123456 & more"), default);

        Assert.Null(receipt.MessageId);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("number=%2B15551234567&message=123456%20%26%20more&sender=Acme", request.Text);
        Assert.False(request.Headers.ContainsKey("x-sesame-signature"));
    }

    [Fact]
    public async Task Http_BearerAndJsonFields_MeetsAGatewaysDocumentedApi()
    {
        _server.Handler = (c, _) => Answer(c, 200, """{"request_id":"r-9"}""");
        var sender = new HttpGatewaySender("gateway", new DeliveryProviderOptions
        {
            Type = "Http", Url = _server.Url + "/v2/sms", Auth = HttpGatewayAuth.Bearer, AuthToken = "gw-token", From = "ACMEIN", MessageIdField = "request_id",
            Fields = new() { ["mobile"] = "{national_number}", ["country"] = "{country_code}", ["message"] = "{body}", ["otp"] = "{code}", ["sender"] = "{from}" },
        }, _http, TimeProvider.System);

        var receipt = await sender.SendAsync(new SmsMessage("+918123456789", "Your code is 654321", "654321"), default);

        Assert.Equal("r-9", receipt.MessageId);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("Bearer gw-token", request.Headers["authorization"]);
        Assert.StartsWith("application/json", request.Headers["content-type"]);
        Assert.Equal("""{"mobile":"8123456789","country":"91","message":"Your code is 654321","otp":"654321","sender":"ACMEIN"}""", request.Text);
        Assert.False(request.Headers.ContainsKey("x-sesame-signature"));
    }

    [Fact]
    public async Task Http_ApiKeyHeaderAndFormFields_SendsTheKeyInItsHeader()
    {
        var sender = new HttpGatewaySender("gateway", new DeliveryProviderOptions
        {
            Type = "Http", Url = _server.Url + "/send", Auth = HttpGatewayAuth.Header, AuthHeader = "authkey", ApiKey = "k-123",
            ContentType = "application/x-www-form-urlencoded",
            Fields = new() { ["to"] = "{to_digits}", ["text"] = "{body}" },
        }, _http, TimeProvider.System);

        await sender.SendAsync(new SmsMessage(Phone, "123456 & more"), default);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("k-123", request.Headers["authkey"]);
        Assert.False(request.Headers.ContainsKey("authorization"));
        Assert.Equal("to=15551234567&text=123456%20%26%20more", request.Text);
    }

    [Fact]
    public async Task Http_BasicAuth_SendsUserAndPassword()
    {
        var sender = new HttpGatewaySender("gateway", new DeliveryProviderOptions
        {
            Type = "Http", Url = _server.Url + "/send", Auth = HttpGatewayAuth.Basic, UserName = "acme", Password = "p@ss:word",
        }, _http, TimeProvider.System);

        await sender.SendAsync(new SmsMessage(Phone, Body), default);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("acme:p@ss:word")), request.Headers["authorization"]);
        Assert.Equal(Body, JsonNode.Parse(request.Text)!["body"]!.GetValue<string>());
    }

    [Fact]
    public void Validate_HttpAuthWithoutItsSecret_NamesTheSetting()
    {
        var options = new SesameOptions();
        options.Delivery.Providers["gw"] = new DeliveryProviderOptions { Type = "Http", Url = "https://gw.example/send", Auth = HttpGatewayAuth.Basic, UserName = "u" };
        options.Delivery.Providers["gw2"] = new DeliveryProviderOptions { Type = "Http", Url = "https://gw.example/send", Auth = HttpGatewayAuth.Bearer, BodyTemplate = "{body}", Fields = new() { ["a"] = "{to}" } };

        var failures = new DeliveryOptionsValidator().Validate(null, options).Failures!;

        Assert.Equal(
            [
                "Sesame:Delivery:Providers:gw:Password is required with Sesame:Delivery:Providers:gw:Auth Basic.",
                "Sesame:Delivery:Providers:gw2:AuthToken is required with Sesame:Delivery:Providers:gw2:Auth Bearer.",
                "Sesame:Delivery:Providers:gw2: set Fields or BodyTemplate, not both.",
            ],
            failures);
    }

    [Theory]
    [InlineData(503, DeliveryFailure.Transient)]
    [InlineData(429, DeliveryFailure.Transient)]
    [InlineData(422, DeliveryFailure.Permanent)]
    [InlineData(403, DeliveryFailure.Provider)]
    public async Task Http_ErrorStatus_IsClassified(int status, DeliveryFailure expected)
    {
        _server.Handler = (c, _) => Answer(c, status, "no");
        var sender = new HttpGatewaySender("gateway", new DeliveryProviderOptions { Type = "Http", Url = _server.Url }, _http, TimeProvider.System);

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(new SmsMessage(Phone, Body), default));

        Assert.Equal(expected, error.Failure);
    }

    [Fact]
    public async Task AnyProvider_ConnectionRefused_IsTransient()
    {
        var sender = new TwilioSmsSender("twilio", new DeliveryProviderOptions { Type = "Twilio", Endpoint = LoopbackServer.DeadUrl(), AccountSid = "AC", AuthToken = "t", From = "+1" }, _http);

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(new SmsMessage(Phone, Body), default));

        Assert.Equal(DeliveryFailure.Transient, error.Failure);
        Assert.Contains("connection", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static SigV4 Verifier(string keyId, string secret) =>
        new(Options.Create(new SesameOptions { AdminAccessKeys = { [keyId] = secret } }), TimeProvider.System);

    private static Task Answer(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }
}
