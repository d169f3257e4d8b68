using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Sesame.CognitoApi;
using Sesame.Configuration;
using Sesame.Delivery.Development;
using Sesame.Delivery.Receipts;
using Sesame.Metrics;
using Sesame.Storage;
using Sesame.Tokens;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Sesame's endpoints.</summary>
public static class SesameEndpointRouteBuilderExtensions
{
    internal const string CorsPolicy = "Sesame.Cognito";

    /// <summary>
    /// Maps the Cognito API (<c>POST /</c>), JWKS and discovery under <c>/{userPoolId}/.well-known/</c>, <c>GET /health</c>,
    /// and, when enabled, <c>GET /dev/outbox</c>. Call <c>app.UseCors()</c> before this for browser clients.
    /// </summary>
    public static IEndpointRouteBuilder MapSesame(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.ServiceProvider.GetRequiredService<CognitoApiEndpoint>();
        endpoints.MapPost("/", api.HandleAsync).RequireCors(CorsPolicy).WithName("CognitoApi");

        endpoints.MapGet("/{userPoolId}/.well-known/jwks.json", JwksEndpoint.JwksAsync).RequireCors(CorsPolicy);
        endpoints.MapGet("/{userPoolId}/.well-known/openid-configuration", JwksEndpoint.OpenIdConfiguration).RequireCors(CorsPolicy);

        endpoints.MapGet("/health", async (IStorageHealth storage, CancellationToken cancellationToken) =>
            await storage.PingAsync(cancellationToken)
                ? Results.Text("{\"status\":\"ok\"}", "application/json")
                : Results.Text("{\"status\":\"storage unavailable\"}", "application/json", statusCode: StatusCodes.Status503ServiceUnavailable));

        // GET /admin/messages: delivery status, SigV4-signed by an admin key.
        endpoints.MapGet("/admin/messages", MessagesEndpoint.HandleAsync);
        endpoints.MapSesameMetrics();
        // Delivery receipts of providers (Twilio, Plivo, HTTP gateways), each authenticated the provider's way.
        endpoints.MapPost("/delivery/receipts/{provider}", DeliveryReceiptEndpoint.HandleAsync);

        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SesameOptions>>().Value;
        if (options.DevOutbox.Enabled == true)
        {
            endpoints.MapGet("/dev/outbox", (string? to, DevOutbox outbox) =>
            {
                if (string.IsNullOrWhiteSpace(to))
                {
                    return Results.BadRequest(new Dictionary<string, string> { ["message"] = "Pass ?to=<phone-or-email>." });
                }

                // An unencoded '+' arrives as a space: "?to=+15551234567" still finds the number.
                var destination = to.StartsWith(' ') ? "+" + to.TrimStart() : to.Trim();
                // No CORS here, ever: a web page must not read codes from a developer's outbox.
                return Results.Json(outbox.For(destination), DevOutboxJsonContext.Relaxed.IReadOnlyListDevOutboxEntry);
            });
        }

        return endpoints;
    }
}
