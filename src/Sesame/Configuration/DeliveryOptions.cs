namespace Sesame.Configuration;

/// <summary>The <c>Sesame:Delivery</c> section: providers, the default failover order, retries and the circuit breaker.</summary>
public sealed class DeliveryOptions
{
    /// <summary>
    /// Providers keyed by a name you choose (e.g. <c>twilio</c>, <c>backup-sms</c>). Secrets belong in environment
    /// variables (<c>Sesame__Delivery__Providers__twilio__AuthToken</c>) or another configuration source, never in the repo.
    /// </summary>
    public Dictionary<string, DeliveryProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>SMS providers in failover order, for pools that name none. Empty: the registered <c>ISmsSender</c> (the dev outbox in development).</summary>
    /// <remarks>Null rather than a pre-filled list: configuration binding appends to a list's initial items.</remarks>
    public List<string>? SmsProviders { get; set; }

    /// <summary>Email providers in failover order, for pools that name none.</summary>
    public List<string>? EmailProviders { get; set; }

    /// <summary>
    /// Routes for pools that set none: the first whose match fits a message picks its provider chain; a message no
    /// route fits goes through <see cref="SmsProviders"/>/<see cref="EmailProviders"/> (route <c>default</c>).
    /// </summary>
    public List<DeliveryRouteOptions>? Routes { get; set; }

    /// <summary>Calls to one provider for one message before failing over: 1 to 10. Default 3 (the first and two retries).</summary>
    public int AttemptsPerProvider { get; set; } = 3;

    /// <summary>Base delay of the exponential backoff (with jitter) between calls to one provider. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one provider call may take before it counts as a transient failure. Default 10 s.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a dispatcher owns a message it is sending. A node that dies mid-send leaves the message to be sent
    /// again once the lease runs out. Must exceed the worst case of one dispatch. Default 2 minutes.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// When every provider failed transiently, the message is queued again after this delay, doubled each round with
    /// jitter, up to 1 minute. Default 5 s.
    /// </summary>
    public TimeSpan RequeueDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A message still undelivered this long after it was queued is failed: its code has expired. Default 15 minutes.</summary>
    public TimeSpan MaxMessageAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Messages sent at once by one node. Default 8.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>The circuit breaker each provider has.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}

/// <summary>A provider's circuit breaker: when too many calls fail, the provider is skipped for a while.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Share of failed calls, within <see cref="SamplingDuration"/>, that opens the circuit. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed within the sampling window before the ratio counts. Default 5.</summary>
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>The window failures are counted in. Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit skips the provider before one trial call. Default 30 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One delivery provider. <see cref="Type"/> decides which other settings apply (docs/delivery.md).</summary>
public sealed class DeliveryProviderOptions
{
    /// <summary><c>Twilio</c>, <c>Vonage</c>, <c>Plivo</c>, <c>Sns</c>, <c>Ses</c>, <c>Smtp</c>, <c>Http</c> or <c>Development</c>.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>The provider's base URL, to reach a regional endpoint, a proxy or a test double. Default: the provider's public API.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The sender: a phone number or alphanumeric id for SMS, an address (optionally <c>Name &lt;addr&gt;</c>) for email.</summary>
    public string? From { get; set; }

    /// <summary>Twilio account SID.</summary>
    public string? AccountSid { get; set; }

    /// <summary>Twilio or Plivo auth token.</summary>
    public string? AuthToken { get; set; }

    /// <summary>Twilio Messaging Service SID (<c>MG…</c>), used instead of <see cref="From"/> when set.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>Vonage API key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Vonage API secret.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>Plivo auth id.</summary>
    public string? AuthId { get; set; }

    /// <summary>AWS region of SNS or SES, e.g. <c>us-east-1</c>.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// AWS access key id, with <see cref="SecretAccessKey"/>. Unset: the AWS SDKs' default chain (environment variables,
    /// the shared credentials and config files, the container endpoint, the instance role), refreshed before expiry.
    /// </summary>
    public string? AccessKeyId { get; set; }

    /// <summary>AWS secret access key.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>AWS session token, for temporary credentials.</summary>
    public string? SessionToken { get; set; }

    /// <summary>SNS/SES without <see cref="AccessKeyId"/>: the profile of the shared files to read. Default: <c>AWS_PROFILE</c>, else <c>default</c>.</summary>
    public string? Profile { get; set; }

    /// <summary>SNS <c>AWS.SNS.SMS.SMSType</c>. Default <c>Transactional</c> (codes must arrive fast).</summary>
    public string SmsType { get; set; } = "Transactional";

    /// <summary>SES configuration set.</summary>
    public string? ConfigurationSetName { get; set; }

    /// <summary>SMTP host.</summary>
    public string? Host { get; set; }

    /// <summary>SMTP port. Default 587 (submission with STARTTLS); implicit TLS (<see cref="SmtpSecurity.SslOnConnect"/>) is 465.</summary>
    public int Port { get; set; } = 587;

    /// <summary>
    /// SMTP transport security: <c>StartTls</c> (default: plain connect, then STARTTLS, refused if not offered),
    /// <c>SslOnConnect</c> (implicit TLS, port 465) or <c>None</c> (only for a relay on loopback).
    /// </summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>
    /// SMTP: the SHA-256 hash (64 hex digits, colons allowed) of the one server certificate to trust instead of a
    /// CA-issued one, for a private relay with a self-signed certificate. Unset: the system's trusted CAs decide.
    /// </summary>
    public string? CertificateSha256 { get; set; }

    /// <summary>SMTP user name.</summary>
    public string? UserName { get; set; }

    /// <summary>SMTP password.</summary>
    public string? Password { get; set; }

    /// <summary>Replaced by <see cref="Security"/>; start-up refuses a configuration that still sets it, naming the new setting.</summary>
    public bool? StartTls { get; set; }

    /// <summary>HTTP provider: the URL messages are POSTed to.</summary>
    public string? Url { get; set; }

    /// <summary>HTTP provider: <c>application/json</c> (default) or <c>application/x-www-form-urlencoded</c>.</summary>
    public string ContentType { get; set; } = "application/json";

    /// <summary>
    /// HTTP provider: the body, with <c>{to}</c>, <c>{body}</c>, <c>{subject}</c>, <c>{html}</c>, <c>{channel}</c> and
    /// <c>{from}</c> filled in (JSON- or form-encoded to suit <see cref="ContentType"/>). Default: a JSON object of them.
    /// </summary>
    public string? BodyTemplate { get; set; }

    /// <summary>
    /// HTTP provider: the gateway's fields, each a value with placeholders (<c>{to}</c>, <c>{to_digits}</c>,
    /// <c>{national_number}</c>, <c>{country_code}</c>, <c>{body}</c>, <c>{code}</c>, <c>{from}</c>, <c>{subject}</c>,
    /// <c>{html}</c>, <c>{channel}</c>, <c>{dlt_entity_id}</c>, <c>{dlt_template_id}</c>), sent as a JSON object of
    /// strings or as a form, as <see cref="ContentType"/> says. Replaces <see cref="BodyTemplate"/>.
    /// </summary>
    public Dictionary<string, string>? Fields { get; set; }

    /// <summary>
    /// HTTP provider: how requests authenticate: <c>Hmac</c> (<see cref="SigningSecret"/>), <c>Bearer</c>
    /// (<see cref="AuthToken"/>), <c>Header</c> (<see cref="ApiKey"/> in <see cref="AuthHeader"/>), <c>Basic</c>
    /// (<see cref="UserName"/>, <see cref="Password"/>) or <c>None</c>. Unset: <c>Hmac</c> when a signing secret is set, else <c>None</c>.
    /// </summary>
    public HttpGatewayAuth? Auth { get; set; }

    /// <summary>HTTP provider: the header that carries <see cref="ApiKey"/> with <c>Auth: Header</c>. Default <c>X-API-Key</c>.</summary>
    public string AuthHeader { get; set; } = "X-API-Key";

    /// <summary>HTTP provider: the HMAC-SHA256 key that signs each request (header <see cref="SignatureHeader"/>).</summary>
    public string? SigningSecret { get; set; }

    /// <summary>HTTP provider: the signature header. Default <c>X-Sesame-Signature</c>.</summary>
    public string SignatureHeader { get; set; } = "X-Sesame-Signature";

    /// <summary>HTTP provider: the top-level JSON field of the response that holds the message id. Default <c>id</c>.</summary>
    public string MessageIdField { get; set; } = "id";

    /// <summary>
    /// The public URL of this provider's delivery receipts at Sesame, <c>https://{host}/delivery/receipts/{name}</c>:
    /// sent with each message (Twilio <c>StatusCallback</c>, Plivo <c>url</c>, Vonage <c>callback</c>), and the URL Twilio and Plivo sign.
    /// Unset: no receipts are asked for.
    /// </summary>
    public string? ReceiptUrl { get; set; }

    /// <summary>
    /// Vonage receipts: the signature secret of the account (Vonage Dashboard, API settings), which signs its delivery
    /// receipts as <see cref="SignatureMethod"/> says. Required with <see cref="ReceiptUrl"/> on a Vonage provider.
    /// </summary>
    public string? SignatureSecret { get; set; }

    /// <summary>
    /// Vonage receipts: how they are signed, as chosen in the dashboard: <c>Sha256Hmac</c> (the default), <c>Sha512Hmac</c>,
    /// <c>Sha1Hmac</c>, <c>Md5Hmac</c>, <c>Md5Hash</c> (the <c>sig</c> parameter of signed webhooks), or <c>Jwt</c> (an
    /// HS256 bearer token with the body's <c>payload_hash</c>).
    /// </summary>
    public VonageSignatureMethod SignatureMethod { get; set; } = VonageSignatureMethod.Sha256Hmac;

    /// <summary>HTTP provider receipts: the field with the gateway's message id. Default: <see cref="MessageIdField"/>.</summary>
    public string? ReceiptIdField { get; set; }

    /// <summary>HTTP provider receipts: the field with the status (<c>delivered</c>; <c>failed</c>, <c>undelivered</c>, <c>rejected</c>, <c>expired</c>). Default <c>status</c>.</summary>
    public string ReceiptStatusField { get; set; } = "status";

    /// <summary>HTTP provider receipts: the field with the reason of a failure. Default <c>reason</c>.</summary>
    public string ReceiptReasonField { get; set; } = "reason";
}

/// <summary>How a generic HTTP gateway and Sesame authenticate each other's requests.</summary>
public enum HttpGatewayAuth
{
    /// <summary>Nothing: only for a gateway on a private network.</summary>
    None,

    /// <summary>An HMAC-SHA256 of the timestamp and body with a shared secret (<c>X-Sesame-Signature</c>).</summary>
    Hmac,

    /// <summary><c>Authorization: Bearer {AuthToken}</c>.</summary>
    Bearer,

    /// <summary>An API key in a header of your choice (<c>X-API-Key: {ApiKey}</c>).</summary>
    Header,

    /// <summary>HTTP basic authentication with <c>UserName</c> and <c>Password</c>.</summary>
    Basic,
}

/// <summary>How Vonage signs the webhooks (delivery receipts) it sends (developer.vonage.com/en/getting-started/concepts/signing-messages).</summary>
public enum VonageSignatureMethod
{
    /// <summary>The <c>sig</c> parameter: upper-case hex HMAC-SHA256 of the sorted parameters.</summary>
    Sha256Hmac,

    /// <summary>The <c>sig</c> parameter: upper-case hex HMAC-SHA512 of the sorted parameters.</summary>
    Sha512Hmac,

    /// <summary>The <c>sig</c> parameter: upper-case hex HMAC-SHA1 of the sorted parameters.</summary>
    Sha1Hmac,

    /// <summary>The <c>sig</c> parameter: upper-case hex HMAC-MD5 of the sorted parameters.</summary>
    Md5Hmac,

    /// <summary>The <c>sig</c> parameter: lower-case hex MD5 of the sorted parameters followed by the secret (Vonage's legacy default).</summary>
    Md5Hash,

    /// <summary><c>Authorization: Bearer</c> an HS256 JWT signed with the secret, whose <c>payload_hash</c> is the body's SHA-256.</summary>
    Jwt,
}

/// <summary>How an SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Connect in the clear, then STARTTLS (RFC 3207); a server that does not offer it gets nothing.</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, RFC 8314 §3.3), the port-465 mode.</summary>
    SslOnConnect,

    /// <summary>No TLS at all: only for a relay on loopback.</summary>
    None,
}

/// <summary>
/// One route: which messages it takes (channel, and for SMS the destination's calling code, ISO region or number
/// prefix) and the providers that send them, primary first. A route that names no calling code, region or prefix takes
/// every message of its channel (a default route); one that names several takes a number that fits any of them.
/// </summary>
public sealed class DeliveryRouteOptions
{
    /// <summary>The route's name, shown in <c>GET /admin/messages</c> and the metrics, e.g. <c>india</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>Sms</c> or <c>Email</c>; unset: both (a route that names numbers takes SMS only).</summary>
    public string? Channel { get; set; }

    /// <summary>Country calling codes, e.g. <c>91</c>, <c>44</c>. Note that <c>1</c> is the whole North American plan (US, Canada and the Caribbean).</summary>
    public List<int>? CountryCodes { get; set; }

    /// <summary>ISO 3166-1 alpha-2 regions, e.g. <c>US</c>, <c>CA</c>, <c>JM</c>, decided by libphonenumber from the whole number.</summary>
    public List<string>? Regions { get; set; }

    /// <summary>Number prefixes, <c>+</c> then digits, e.g. <c>+4477</c>.</summary>
    public List<string>? Prefixes { get; set; }

    /// <summary>The provider chain: names from <c>Sesame:Delivery:Providers</c>, primary first, then failover.</summary>
    public List<string>? Providers { get; set; }

    /// <summary>What one message sent on this route costs (any currency unit you count in), recorded per message and summed in the metrics.</summary>
    public double? CostPerMessage { get; set; }

    /// <summary>
    /// India's DLT rules: an SMS on this route must carry a registered template id and entity id
    /// (<c>Templates:{locale}:{SignIn|SignUp|Invitation}:DltTemplateId</c> and <c>DltEntityId</c>); one without is refused
    /// before sending, with the reason in its delivery status.
    /// </summary>
    public bool RequireDlt { get; set; }
}

/// <summary>A pool's delivery settings: which providers, the Web OTP line, and templates per locale.</summary>
public sealed class PoolDeliveryOptions
{
    /// <summary>This pool's routes, replacing <see cref="DeliveryOptions.Routes"/>; first match wins.</summary>
    public List<DeliveryRouteOptions>? Routes { get; set; }

    /// <summary>SMS providers for this pool in failover order; unset: <see cref="DeliveryOptions.SmsProviders"/>.</summary>
    public List<string>? SmsProviders { get; set; }

    /// <summary>Email providers for this pool in failover order; unset: <see cref="DeliveryOptions.EmailProviders"/>.</summary>
    public List<string>? EmailProviders { get; set; }

    /// <summary>
    /// When set (e.g. <c>example.com</c>), every SMS ends with the line <c>@example.com #123456</c> that the Web OTP API
    /// and Android's SMS Retriever read the code from.
    /// </summary>
    public string? WebOtpDomain { get; set; }

    /// <summary>Android SMS Retriever app hash (11 characters), appended to the Web OTP line when set.</summary>
    public string? AndroidAppHash { get; set; }

    /// <summary>
    /// Templates keyed by locale (<c>fr</c>, <c>pt-BR</c>; the user's <c>locale</c> attribute picks one, then its
    /// language, then <c>default</c>). Anything a locale leaves unset comes from the pool's OneTimeCode and
    /// ConfirmationCode settings.
    /// </summary>
    public Dictionary<string, LocaleTemplates> Templates { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The templates of one locale.</summary>
public sealed class LocaleTemplates
{
    /// <summary>Sign-in codes (the one-time-code flow).</summary>
    public MessageTemplates SignIn { get; set; } = new();

    /// <summary>Sign-up confirmation codes (sent and re-sent).</summary>
    public MessageTemplates SignUp { get; set; } = new();

    /// <summary>
    /// AdminCreateUser invitations: <c>{username}</c> is the name the user signs in with and <c>{####}</c> the temporary
    /// password (when the admin set one); every text must contain <c>{username}</c>.
    /// </summary>
    public MessageTemplates Invitation { get; set; } = new();
}

/// <summary>One kind of message; placeholders <c>{####}</c> (code), <c>{app}</c> (pool name), <c>{minutes}</c> (lifetime).</summary>
public sealed class MessageTemplates
{
    /// <summary>SMS text.</summary>
    public string? SmsMessage { get; set; }

    /// <summary>Email subject.</summary>
    public string? EmailSubject { get; set; }

    /// <summary>Email text body.</summary>
    public string? EmailMessage { get; set; }

    /// <summary>Email HTML body (optional; the text body is always sent too).</summary>
    public string? EmailHtmlMessage { get; set; }

    /// <summary>India DLT: the content template id this SMS text is registered under.</summary>
    public string? DltTemplateId { get; set; }

    /// <summary>India DLT: the principal entity (PE) id the template belongs to.</summary>
    public string? DltEntityId { get; set; }

    /// <summary>India DLT: the registered sender id (header) to send this SMS from, instead of the provider's <c>From</c>.</summary>
    public string? DltSenderId { get; set; }
}
