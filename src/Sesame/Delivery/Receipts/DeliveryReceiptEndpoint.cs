using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Delivery.Http;
using Sesame.Storage;

namespace Sesame.Delivery.Receipts;

/// <summary>What a receipt says happened to a message; <see cref="Delivered"/> null for an intermediate status (queued, sent).</summary>
internal sealed record DeliveryReceipt(string MessageId, bool? Delivered, string? Reason);

/// <summary>
/// <c>POST /delivery/receipts/{provider}</c>: a provider's delivery receipt (Twilio status callback, Plivo message
/// callback, Vonage DLR, which may also come as a GET, an HTTP gateway's callback). Each is authenticated the provider's way before it is read; one that fails is
/// answered 403 and changes nothing. A receipt moves a <c>sent</c> message to <c>delivered</c> or <c>failed</c> once:
/// providers retry and repeat receipts, and a repeat changes nothing.
/// </summary>
internal static partial class DeliveryReceiptEndpoint
{
    private const int MaxBody = 64 * 1024;
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public static async Task<IResult> HandleAsync(
        string provider, HttpContext context, IOptions<SesameOptions> options, IOutboxStore store, DeliveryMetrics metrics, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!options.Value.Delivery.Providers.TryGetValue(provider, out var settings) || !Accepts(settings))
        {
            return Results.NotFound();
        }

        var body = await ReadAsync(context.Request, cancellationToken);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var fields = Fields(context.Request, body);
        if (settings.Type.Equals("Vonage", StringComparison.OrdinalIgnoreCase))
        {
            // Vonage sends receipts as GET (query), POST (form) or POST-JSON, as its dashboard says.
            foreach (var (key, value) in context.Request.Query)
            {
                fields.TryAdd(key, value.ToString());
            }
        }

        var now = time.GetUtcNow();
        if (!Authentic(settings, context.Request, body, fields, now))
        {
            metrics.Receipt(provider, "refused");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        var receipt = Read(settings, fields);
        if (receipt?.Delivered is not { } delivered)
        {
            return Results.Ok();
        }

        var changed = await store.RecordReceiptAsync(provider, receipt.MessageId, delivered, delivered ? null : Mask(receipt.Reason), now, cancellationToken);
        metrics.Receipt(provider, changed ? (delivered ? "delivered" : "failed") : "unchanged");
        return Results.Ok();
    }

    /// <summary>Only providers whose receipts Sesame can authenticate take them.</summary>
    private static bool Accepts(DeliveryProviderOptions settings) => settings.Type.ToUpperInvariant() switch
    {
        "TWILIO" or "PLIVO" => !string.IsNullOrEmpty(settings.ReceiptUrl),
        "VONAGE" => !string.IsNullOrEmpty(settings.ReceiptUrl) && !string.IsNullOrEmpty(settings.SignatureSecret),
        "HTTP" => true,
        _ => false,
    };

    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The receipt's fields: a form or a flat JSON object, whichever the body is.</summary>
    internal static Dictionary<string, string> Fields(HttpRequest request, byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal);
                }
            }
            catch (JsonException)
            {
            }

            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return QueryHelpers.ParseQuery(text).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
    }

    private static bool Authentic(DeliveryProviderOptions settings, HttpRequest request, byte[] body, Dictionary<string, string> fields, DateTimeOffset now)
    {
        switch (settings.Type.ToUpperInvariant())
        {
            case "TWILIO":
                // www.twilio.com/docs/usage/webhooks/webhooks-security: HMAC-SHA1 (auth token) of the URL and the
                // form's names and values sorted by name, Base64, in X-Twilio-Signature.
                var signed = new StringBuilder(settings.ReceiptUrl);
                foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    signed.Append(name).Append(value);
                }

#pragma warning disable CA5350 // Twilio's scheme is HMAC-SHA1: verifying it is not choosing it.
                var twilio = HMACSHA1.HashData(Encoding.UTF8.GetBytes(settings.AuthToken!), Encoding.UTF8.GetBytes(signed.ToString()));
#pragma warning restore CA5350
                return Equal(request.Headers["X-Twilio-Signature"].ToString(), Convert.ToBase64String(twilio));
            case "PLIVO":
                // Plivo's signature V2: HMAC-SHA256 (auth token) of the URL without its query and the nonce, Base64.
                var nonce = request.Headers["X-Plivo-Signature-V2-Nonce"].ToString();
                var url = settings.ReceiptUrl!.Split('?')[0];
                return nonce.Length > 0 && Equal(request.Headers["X-Plivo-Signature-V2"].ToString(),
                    Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.AuthToken!), Encoding.UTF8.GetBytes(url + nonce))));
            case "VONAGE":
                return VonageReceipts.Authentic(settings.SignatureSecret!, settings.SignatureMethod, request, body, fields, now, MaxClockSkew);
            default:
                return HttpGateway(settings, request, body, now);
        }
    }

    /// <summary>The gateway's callback proves itself the way Sesame's sends to it do.</summary>
    private static bool HttpGateway(DeliveryProviderOptions settings, HttpRequest request, byte[] body, DateTimeOffset now)
    {
        switch (HttpGatewayAuthentication.Scheme(settings))
        {
            case HttpGatewayAuth.Hmac:
                var header = request.Headers[settings.SignatureHeader].ToString();
                var t = header.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("t=", StringComparison.Ordinal))?[2..];
                if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                    || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > MaxClockSkew)
                {
                    return false;
                }

                return Equal(header, HttpGatewayAuthentication.Signature(Encoding.UTF8.GetBytes(settings.SigningSecret!), t, body));
            case HttpGatewayAuth.Bearer:
                return Equal(request.Headers.Authorization.ToString(), "Bearer " + settings.AuthToken);
            case HttpGatewayAuth.Header:
                return Equal(request.Headers[settings.AuthHeader].ToString(), settings.ApiKey ?? string.Empty);
            case HttpGatewayAuth.Basic:
                return Equal(request.Headers.Authorization.ToString(),
                    "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.UserName}:{settings.Password}")));
            default:
                // No secret to check: a gateway on a private network. Such receipts are taken as they come.
                return true;
        }
    }

    private static DeliveryReceipt? Read(DeliveryProviderOptions settings, Dictionary<string, string> fields)
    {
        string? Field(string name) => fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        var (id, status, reason) = settings.Type.ToUpperInvariant() switch
        {
            // www.twilio.com/docs/messaging/guides/track-outbound-message-status
            "TWILIO" => (Field("MessageSid"), Field("MessageStatus"), Field("ErrorCode") is { } code ? $"Twilio error {code}" : null),
            // www.plivo.com/docs/messaging/api/message#the-message-object (Status, ErrorCode)
            "PLIVO" => (Field("MessageUUID"), Field("Status"), Field("ErrorCode") is { } code ? $"Plivo error {code}" : null),
            // developer.vonage.com/en/messaging/sms/guides/delivery-receipts: status delivered, expired, failed, rejected
            // (final) or accepted, buffered, unknown; err-code 0 when delivered.
            "VONAGE" => (Field("messageId"), Field("status"), Field("err-code") is { } code && code != "0" ? $"Vonage error {code}" : null),
            _ => (Field(settings.ReceiptIdField ?? settings.MessageIdField), Field(settings.ReceiptStatusField), Field(settings.ReceiptReasonField)),
        };
        if (id is null || status is null)
        {
            return null;
        }

        bool? delivered = status.ToLowerInvariant() switch
        {
            "delivered" => true,
            "failed" or "undelivered" or "rejected" or "expired" => false,
            _ => null,
        };
        return new DeliveryReceipt(id, delivered, delivered == false ? $"{status}{(reason is null ? string.Empty : ": " + reason)}" : null);
    }

    private static bool Equal(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    /// <summary>A provider's reason may echo the number: runs of seven or more digits are masked, and the text kept short.</summary>
    private static string? Mask(string? reason)
    {
        if (reason is null)
        {
            return null;
        }

        var masked = LongDigits().Replace(reason, "[number]");
        return masked.Length > 300 ? masked[..300] : masked;
    }

    [GeneratedRegex("\\+?\\d{7,}")]
    private static partial Regex LongDigits();
}
