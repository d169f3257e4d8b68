using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Delivery;

/// <summary>
/// Delivery receipts at <c>POST /delivery/receipts/{provider}</c>: signed as each provider signs them, they turn a sent
/// message into delivered or failed with the provider's reason, once; a receipt with a wrong signature is refused and
/// changes nothing.
/// </summary>
public sealed class ReceiptTests : IAsyncLifetime
{
    private const string TwilioReceipts = "https://auth.example.com/delivery/receipts/twilio";
    private const string PlivoReceipts = "https://auth.example.com/delivery/receipts/plivo";
    private const string VonageReceipts = "https://auth.example.com/delivery/receipts/vonage";

    private LoopbackServer _provider = null!;

    public async Task InitializeAsync() => _provider = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Twilio_SignedStatusCallback_DeliveredOnceAndRepeatsChangeNothing()
    {
        _provider.Handler = (c, _) => Answer(c, 201, """{"sid":"SMreceipt1","status":"queued"}""");
        using var app = Twilio();
        await SignUpAsync(app);
        Assert.Equal(TwilioReceipts, Assert.Single(await _provider.WaitForAsync(1)).Form()["StatusCallback"]);
        await FailoverTests.StatusAsync(app, "sent");

        var fields = new Dictionary<string, string> { ["MessageSid"] = "SMreceipt1", ["MessageStatus"] = "delivered", ["AccountSid"] = "AC0123", ["To"] = "+15551230000" };
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "twilio", fields, ("X-Twilio-Signature", TwilioSignature("twilio-token", fields))));
        var delivered = await FailoverTests.StatusAsync(app, "delivered");
        Assert.Equal(app.Clock.GetUtcNow(), delivered.DeliveredAt);

        // Twilio retries and sends later states: the first final state stands.
        var late = new Dictionary<string, string> { ["MessageSid"] = "SMreceipt1", ["MessageStatus"] = "undelivered", ["ErrorCode"] = "30003" };
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "twilio", late, ("X-Twilio-Signature", TwilioSignature("twilio-token", late))));
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "twilio", fields, ("X-Twilio-Signature", TwilioSignature("twilio-token", fields))));
        var after = await FailoverTests.StatusAsync(app, "delivered");
        Assert.Equal((delivered.DeliveredAt, (string?)null), (after.DeliveredAt, after.LastError));
        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("sesame_delivery_receipts_total{effect=\"delivered\",provider=\"twilio\"} 1", metrics);
        Assert.Contains("sesame_delivery_receipts_total{effect=\"unchanged\",provider=\"twilio\"} 2", metrics);
    }

    [Fact]
    public async Task Twilio_Undelivered_FailedWithTheProvidersReason()
    {
        _provider.Handler = (c, _) => Answer(c, 201, """{"sid":"SMreceipt2"}""");
        using var app = Twilio();
        await SignUpAsync(app);
        await FailoverTests.StatusAsync(app, "sent");

        var fields = new Dictionary<string, string> { ["MessageSid"] = "SMreceipt2", ["MessageStatus"] = "undelivered", ["ErrorCode"] = "30003" };
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "twilio", fields, ("X-Twilio-Signature", TwilioSignature("twilio-token", fields))));

        var failed = await FailoverTests.StatusAsync(app, "failed");
        Assert.Equal(("undelivered: Twilio error 30003", (DateTimeOffset?)null), (failed.LastError, failed.DeliveredAt));
    }

    [Fact]
    public async Task Twilio_WrongSignatureOrNone_Refused403AndNothingChanges()
    {
        _provider.Handler = (c, _) => Answer(c, 201, """{"sid":"SMreceipt3"}""");
        using var app = Twilio();
        await SignUpAsync(app);
        await FailoverTests.StatusAsync(app, "sent");

        var fields = new Dictionary<string, string> { ["MessageSid"] = "SMreceipt3", ["MessageStatus"] = "failed", ["ErrorCode"] = "30007" };
        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "twilio", fields, ("X-Twilio-Signature", TwilioSignature("not-the-token", fields))));
        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "twilio", fields));
        // Signed, then altered in transit.
        var signature = TwilioSignature("twilio-token", fields);
        fields["MessageStatus"] = "delivered";
        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "twilio", fields, ("X-Twilio-Signature", signature)));

        var status = await FailoverTests.StatusAsync(app, "sent");
        Assert.Null(status.LastError);
    }

    [Fact]
    public async Task Plivo_SignedCallback_FailedWithReasonAndForgedOneRefused()
    {
        _provider.Handler = (c, _) => Answer(c, 202, """{"api_id":"a","message":"message(s) queued","message_uuid":["uuid-1"]}""");
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:plivo:Type"] = "Plivo",
            ["Sesame:Delivery:Providers:plivo:Endpoint"] = _provider.Url,
            ["Sesame:Delivery:Providers:plivo:AuthId"] = "MA0123",
            ["Sesame:Delivery:Providers:plivo:AuthToken"] = "plivo-token",
            ["Sesame:Delivery:Providers:plivo:From"] = "+14155550000",
            ["Sesame:Delivery:Providers:plivo:ReceiptUrl"] = PlivoReceipts,
            ["Sesame:Delivery:SmsProviders:0"] = "plivo",
        });
        await SignUpAsync(app);
        Assert.Contains($"\"url\":\"{PlivoReceipts}\"", Assert.Single(await _provider.WaitForAsync(1)).Text);
        await FailoverTests.StatusAsync(app, "sent");
        var fields = new Dictionary<string, string> { ["MessageUUID"] = "uuid-1", ["Status"] = "undelivered", ["ErrorCode"] = "200" };

        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "plivo", fields, ("X-Plivo-Signature-V2", PlivoSignature("wrong", "n1")), ("X-Plivo-Signature-V2-Nonce", "n1")));
        Assert.Null((await FailoverTests.StatusAsync(app, "sent")).LastError);
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "plivo", fields, ("X-Plivo-Signature-V2", PlivoSignature("plivo-token", "n2")), ("X-Plivo-Signature-V2-Nonce", "n2")));

        Assert.Equal("undelivered: Plivo error 200", (await FailoverTests.StatusAsync(app, "failed")).LastError);
    }

    [Fact]
    public async Task HttpGateway_HmacSignedJsonReceipt_FailedWithMaskedReasonAndStaleSignatureRefused()
    {
        _provider.Handler = (c, _) => Answer(c, 200, """{"id":"gw-77"}""");
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:gateway:Type"] = "Http",
            ["Sesame:Delivery:Providers:gateway:Url"] = _provider.Url + "/send",
            ["Sesame:Delivery:Providers:gateway:SigningSecret"] = "gw-secret",
            ["Sesame:Delivery:SmsProviders:0"] = "gateway",
        });
        await SignUpAsync(app);
        await FailoverTests.StatusAsync(app, "sent");
        var body = """{"id":"gw-77","status":"rejected","reason":"DND registered: 918123456789"}""";

        var stale = app.Clock.GetUtcNow().AddMinutes(-10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Forbidden, await PostJsonAsync(app, body, ("X-Sesame-Signature", GatewaySignature("gw-secret", stale, body))));
        var now = app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Forbidden, await PostJsonAsync(app, body, ("X-Sesame-Signature", GatewaySignature("other-secret", now, body))));
        Assert.Null((await FailoverTests.StatusAsync(app, "sent")).LastError);
        Assert.Equal(HttpStatusCode.OK, await PostJsonAsync(app, body, ("X-Sesame-Signature", GatewaySignature("gw-secret", now, body))));

        Assert.Equal("rejected: DND registered: [number]", (await FailoverTests.StatusAsync(app, "failed")).LastError);
    }

    [Fact]
    public async Task HttpGateway_BearerReceipt_DeliveredOnlyWithTheToken()
    {
        _provider.Handler = (c, _) => Answer(c, 200, """{"ref":"gw-5"}""");
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:gateway:Type"] = "Http",
            ["Sesame:Delivery:Providers:gateway:Url"] = _provider.Url + "/send",
            ["Sesame:Delivery:Providers:gateway:Auth"] = "Bearer",
            ["Sesame:Delivery:Providers:gateway:AuthToken"] = "gw-token",
            ["Sesame:Delivery:Providers:gateway:MessageIdField"] = "ref",
            ["Sesame:Delivery:Providers:gateway:ReceiptStatusField"] = "state",
            ["Sesame:Delivery:SmsProviders:0"] = "gateway",
        });
        await SignUpAsync(app);
        await FailoverTests.StatusAsync(app, "sent");
        var fields = new Dictionary<string, string> { ["ref"] = "gw-5", ["state"] = "DELIVERED" };

        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "gateway", fields, ("Authorization", "Bearer guess")));
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "gateway", fields, ("Authorization", "Bearer gw-token")));

        Assert.NotNull((await FailoverTests.StatusAsync(app, "delivered")).DeliveredAt);
    }

    [Fact]
    public async Task HttpGateway_ApiKeyHeaderReceipt_DeliveredOnlyWithTheKey()
    {
        _provider.Handler = (c, _) => Answer(c, 200, """{"id":"gw-key"}""");
        using var app = Gateway(new()
        {
            ["Sesame:Delivery:Providers:gateway:Auth"] = "Header",
            ["Sesame:Delivery:Providers:gateway:ApiKey"] = "gw-api-key",
        });
        await SignUpAsync(app);
        // The send carries the key in the default header: the receipt is checked against the same key.
        Assert.Equal("gw-api-key", Assert.Single(await _provider.WaitForAsync(1)).Headers["x-api-key"]);
        await FailoverTests.StatusAsync(app, "sent");
        var fields = new Dictionary<string, string> { ["id"] = "gw-key", ["status"] = "delivered" };

        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "gateway", fields, ("X-API-Key", "gw-api-guess")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "gateway", fields));
        // The key in another header is not the key.
        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "gateway", fields, ("Authorization", "Bearer gw-api-key")));
        Assert.Null((await FailoverTests.StatusAsync(app, "sent")).DeliveredAt);
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "gateway", fields, ("X-API-Key", "gw-api-key")));

        Assert.Equal(app.Clock.GetUtcNow(), (await FailoverTests.StatusAsync(app, "delivered")).DeliveredAt);
    }

    [Fact]
    public async Task HttpGateway_BasicAuthReceipt_FailedOnlyWithTheRightPassword()
    {
        _provider.Handler = (c, _) => Answer(c, 200, """{"id":"gw-basic"}""");
        using var app = Gateway(new()
        {
            ["Sesame:Delivery:Providers:gateway:Auth"] = "Basic",
            ["Sesame:Delivery:Providers:gateway:UserName"] = "acme",
            ["Sesame:Delivery:Providers:gateway:Password"] = "gw-password",
        });
        await SignUpAsync(app);
        await FailoverTests.StatusAsync(app, "sent");
        var fields = new Dictionary<string, string> { ["id"] = "gw-basic", ["status"] = "failed", ["reason"] = "absent subscriber" };
        static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "gateway", fields, ("Authorization", Basic("acme", "guess"))));
        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "gateway", fields, ("Authorization", Basic("other", "gw-password"))));
        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "gateway", fields));
        Assert.Null((await FailoverTests.StatusAsync(app, "sent")).LastError);
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "gateway", fields, ("Authorization", Basic("acme", "gw-password"))));

        Assert.Equal("failed: absent subscriber", (await FailoverTests.StatusAsync(app, "failed")).LastError);
    }

    [Fact]
    public async Task Vonage_SignedGetReceipt_DeliveredOnce_ForgedOrStaleRefused()
    {
        using var app = Vonage("Sha256Hmac");
        await SignUpAsync(app);
        Assert.Equal(VonageReceipts, Assert.Single(await _provider.WaitForAsync(1)).Form()["callback"]);
        await FailoverTests.StatusAsync(app, "sent");
        var now = app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stale = app.Clock.GetUtcNow().AddMinutes(-10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Dictionary<string, string> Receipt(string timestamp) => new()
        {
            ["msisdn"] = "15551230000", ["to"] = "Acme", ["network-code"] = "310090", ["messageId"] = "0A0000001234ABCD", ["price"] = "0.00590000",
            ["status"] = "delivered", ["scts"] = "2612030915", ["err-code"] = "0", ["api-key"] = "vonage-key",
            ["message-timestamp"] = "2026-12-03 09:15:00", ["timestamp"] = timestamp, ["nonce"] = "a1b2=c3&d4",
        };

        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(app, "vonage", VonageSigned(Receipt(now), "other-secret", "sha256")));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(app, "vonage", VonageSigned(Receipt(stale), "vonage-signature-secret", "sha256")));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(app, "vonage", Receipt(now)));
        Assert.Null((await FailoverTests.StatusAsync(app, "sent")).DeliveredAt);

        Assert.Equal(HttpStatusCode.OK, await GetAsync(app, "vonage", VonageSigned(Receipt(now), "vonage-signature-secret", "sha256")));
        var delivered = await FailoverTests.StatusAsync(app, "delivered");
        Assert.Equal(app.Clock.GetUtcNow(), delivered.DeliveredAt);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(app, "vonage", VonageSigned(Receipt(now), "vonage-signature-secret", "sha256")));
        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("sesame_delivery_receipts_total{effect=\"delivered\",provider=\"vonage\"} 1", metrics);
        Assert.Contains("sesame_delivery_receipts_total{effect=\"unchanged\",provider=\"vonage\"} 1", metrics);
        Assert.Contains("sesame_delivery_receipts_total{effect=\"refused\",provider=\"vonage\"} 3", metrics);
    }

    [Fact]
    public async Task Vonage_Md5HashFormReceipt_FailedWithItsErrorCode()
    {
        using var app = Vonage("Md5Hash");
        await SignUpAsync(app);
        await FailoverTests.StatusAsync(app, "sent");
        var now = app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fields = new Dictionary<string, string>
        {
            ["msisdn"] = "15551230000", ["messageId"] = "0A0000001234ABCD", ["status"] = "failed", ["err-code"] = "6", ["timestamp"] = now, ["nonce"] = "n-2",
        };

        Assert.Equal(HttpStatusCode.Forbidden, await PostFormAsync(app, "vonage", VonageSigned(fields, "vonage-signature-secret", "sha256")));
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(app, "vonage", VonageSigned(fields, "vonage-signature-secret", "md5hash")));

        Assert.Equal("failed: Vonage error 6", (await FailoverTests.StatusAsync(app, "failed")).LastError);
    }

    [Fact]
    public async Task Vonage_JwtSignedJsonReceipt_TakenOnlyWithTheBodysHash()
    {
        using var app = Vonage("Jwt");
        await SignUpAsync(app);
        await FailoverTests.StatusAsync(app, "sent");
        var body = """{"msisdn":"15551230000","messageId":"0A0000001234ABCD","status":"rejected","err-code":"4"}""";
        var iat = app.Clock.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(HttpStatusCode.Forbidden, await PostJsonAsync(app, body, "vonage", ("Authorization", "Bearer " + VonageJwt("vonage-signature-secret", iat, "{\"other\":1}"))));
        Assert.Equal(HttpStatusCode.Forbidden, await PostJsonAsync(app, body, "vonage", ("Authorization", "Bearer " + VonageJwt("guess", iat, body))));
        Assert.Equal(HttpStatusCode.Forbidden, await PostJsonAsync(app, body, "vonage", ("Authorization", "Bearer " + VonageJwt("vonage-signature-secret", iat - 3600, body))));
        Assert.Null((await FailoverTests.StatusAsync(app, "sent")).LastError);
        Assert.Equal(HttpStatusCode.OK, await PostJsonAsync(app, body, "vonage", ("Authorization", "Bearer " + VonageJwt("vonage-signature-secret", iat, body))));

        Assert.Equal("rejected: Vonage error 4", (await FailoverTests.StatusAsync(app, "failed")).LastError);
    }

    [Fact]
    public async Task Receipts_UnknownProviderOrOneWithoutReceipts_404()
    {
        using var app = Twilio(receipts: false);

        Assert.Equal(HttpStatusCode.NotFound, await PostFormAsync(app, "nosuch", []));
        Assert.Equal(HttpStatusCode.NotFound, await PostFormAsync(app, "twilio", []));
    }

    private SesameApp Twilio(bool receipts = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:twilio:Type"] = "Twilio",
            ["Sesame:Delivery:Providers:twilio:Endpoint"] = _provider.Url,
            ["Sesame:Delivery:Providers:twilio:AccountSid"] = "AC0123",
            ["Sesame:Delivery:Providers:twilio:AuthToken"] = "twilio-token",
            ["Sesame:Delivery:Providers:twilio:From"] = "+15005550006",
            ["Sesame:Delivery:SmsProviders:0"] = "twilio",
        };
        if (receipts)
        {
            settings["Sesame:Delivery:Providers:twilio:ReceiptUrl"] = TwilioReceipts;
        }

        return new SesameApp(settings);
    }

    private SesameApp Gateway(Dictionary<string, string?> auth)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:gateway:Type"] = "Http",
            ["Sesame:Delivery:Providers:gateway:Url"] = _provider.Url + "/send",
            ["Sesame:Delivery:SmsProviders:0"] = "gateway",
        };
        foreach (var (key, value) in auth)
        {
            settings[key] = value;
        }

        return new SesameApp(settings);
    }

    private SesameApp Vonage(string signatureMethod)
    {
        _provider.Handler = (c, _) => Answer(c, 200, """{"message-count":"1","messages":[{"to":"15551230000","message-id":"0A0000001234ABCD","status":"0"}]}""");
        return new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Delivery:Providers:vonage:Type"] = "Vonage",
            ["Sesame:Delivery:Providers:vonage:Endpoint"] = _provider.Url,
            ["Sesame:Delivery:Providers:vonage:ApiKey"] = "vonage-key",
            ["Sesame:Delivery:Providers:vonage:ApiSecret"] = "vonage-api-secret",
            ["Sesame:Delivery:Providers:vonage:From"] = "Acme",
            ["Sesame:Delivery:Providers:vonage:ReceiptUrl"] = VonageReceipts,
            ["Sesame:Delivery:Providers:vonage:SignatureSecret"] = "vonage-signature-secret",
            ["Sesame:Delivery:Providers:vonage:SignatureMethod"] = signatureMethod,
            ["Sesame:Delivery:SmsProviders:0"] = "vonage",
        });
    }

    // Written from Vonage's "Signing Messages" page, independently of the server's check: the parameters sorted by
    // name, each "&name=value" with '&' and '=' inside replaced by '_'; HMAC upper-case hex, or MD5 of it and the secret.
    private static Dictionary<string, string> VonageSigned(Dictionary<string, string> fields, string secret, string method)
    {
        var query = string.Concat(fields.OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => "&" + f.Key.Replace('&', '_').Replace('=', '_') + "=" + f.Value.Replace('&', '_').Replace('=', '_')));
        var key = Encoding.UTF8.GetBytes(secret);
#pragma warning disable CA5351 // Vonage's own legacy scheme.
        var sig = method == "md5hash"
            ? Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(query + secret)))
            : Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(query)));
#pragma warning restore CA5351
        return new Dictionary<string, string>(fields) { ["sig"] = sig };
    }

    private static string VonageJwt(string secret, long issuedAt, string body)
    {
        static string Part(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Part(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var claims = Part(Encoding.UTF8.GetBytes($$"""{"iat":{{issuedAt}},"jti":"c0ffee","iss":"Vonage","payload_hash":"{{hash}}","api_key":"vonage-key"}"""));
        return $"{header}.{claims}.{Part(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(header + "." + claims)))}";
    }

    private static async Task<HttpStatusCode> GetAsync(SesameApp app, string provider, Dictionary<string, string> fields)
    {
        var query = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        using var response = await app.CreateClient().GetAsync($"/delivery/receipts/{provider}?{query}");
        return response.StatusCode;
    }

    private static async Task SignUpAsync(SesameApp app) =>
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = SesameApp.NewPhone() })).AssertOk();

    // Written from Twilio's documentation, independently of the server's check.
    private static string TwilioSignature(string token, Dictionary<string, string> fields)
    {
        var data = TwilioReceipts + string.Concat(fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + f.Value));
#pragma warning disable CA5350 // Twilio's own scheme.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data)));
#pragma warning restore CA5350
    }

    private static string PlivoSignature(string token, string nonce) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(PlivoReceipts + nonce)));

    private static string GatewaySignature(string secret, string timestamp, string body) =>
        $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)))}";

    private static async Task<HttpStatusCode> PostFormAsync(SesameApp app, string provider, Dictionary<string, string> fields, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/delivery/receipts/{provider}") { Content = new FormUrlEncodedContent(fields) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await app.CreateClient().SendAsync(request);
        return response.StatusCode;
    }

    private static Task<HttpStatusCode> PostJsonAsync(SesameApp app, string body, params (string Name, string Value)[] headers) =>
        PostJsonAsync(app, body, "gateway", headers);

    private static async Task<HttpStatusCode> PostJsonAsync(SesameApp app, string body, string provider, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/delivery/receipts/{provider}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await app.CreateClient().SendAsync(request);
        return response.StatusCode;
    }

    private static Task Answer(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }
}
