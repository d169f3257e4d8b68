using System.Net;
using System.Net.Sockets;

namespace Sesame.Delivery;

/// <summary>What a provider answered over HTTP.</summary>
internal readonly record struct ProviderResponse(HttpStatusCode Status, string Body, string? ErrorType);

/// <summary>
/// The one way providers call out: every network failure becomes a transient <see cref="DeliveryException"/>, and
/// HTTP statuses are classified the same way for every provider unless it knows better.
/// </summary>
internal static class ProviderHttp
{
    public static async Task<ProviderResponse> SendAsync(HttpClient client, HttpRequestMessage request, string provider, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            return new ProviderResponse(response.StatusCode, body.Length > 4096 ? body[..4096] : body, errorType);
        }
        catch (HttpRequestException e)
        {
            throw new DeliveryException($"{provider}: {Describe(e)}", DeliveryFailure.Transient, e);
        }
        catch (IOException e)
        {
            throw new DeliveryException($"{provider}: connection failed ({e.Message})", DeliveryFailure.Transient, e);
        }
    }

    /// <summary>Timeouts, throttling and server errors may pass; credentials refused are the provider's; other 4xx are the message's.</summary>
    public static DeliveryFailure Classify(HttpStatusCode status) => (int)status switch
    {
        408 or 425 or 429 or >= 500 => DeliveryFailure.Transient,
        401 or 402 or 403 or 404 => DeliveryFailure.Provider,
        _ => DeliveryFailure.Permanent,
    };

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    public static string Trim(string text) => text.Length > 300 ? text[..300] : text;

    private static string Describe(HttpRequestException e) => e.InnerException switch
    {
        SocketException s => $"connection failed ({s.SocketErrorCode})",
        IOException io => $"connection failed ({io.Message})",
        _ => e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"connection failed ({e.HttpRequestError})",
    };
}
