using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Sesame.CognitoApi;
using Sesame.Configuration;
using Sesame.Delivery.Development;
using Sesame.Delivery.Receipts;
using Sesame.Metrics;
using Sesame.OAuth;
using Sesame.Storage;
using Sesame.Tokens;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Sesame's endpoints.</summary>
public static class SesameEndpointRouteBuilderExtensions
{
    internal const string CorsPolicy = "Sesame.Cognito";

    /// <summary>
    /// 200 when storage answers, every schema script is applied and every pool's signing keys are loaded; 503 naming
    /// what is not (<c>{"status":"not ready","checks":{"storage":"ok","migrations":"pending","signingKeys":"ok"}}</c>).
    /// </summary>
    private static async Task<IResult> ReadyAsync(IStorageHealth storage, Sesame.Readiness readiness, CancellationToken cancellationToken)
    {
        var reachable = await storage.PingAsync(cancellationToken);
        var migrated = reachable && await storage.SchemaCurrentAsync(cancellationToken);
        var keys = readiness.SigningKeysLoaded;
        var ready = reachable && migrated && keys;
        var body = $"{{\"status\":\"{(ready ? "ready" : "not ready")}\",\"checks\":{{\"storage\":\"{(reachable ? "ok" : "unavailable")}\","
            + $"\"migrations\":\"{(migrated ? "ok" : reachable ? "pending" : "unknown")}\",\"signingKeys\":\"{(keys ? "ok" : "loading")}\"}}}}";
        return Results.Text(body, "application/json", statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// Maps the Cognito API (<c>POST /</c>), JWKS and discovery under <c>/{userPoolId}/.well-known/</c>, <c>GET /health</c>, <c>/health/live</c>, <c>/health/ready</c>,
    /// and, when enabled, <c>GET /dev/outbox</c>. Call <c>app.UseCors()</c> before this for browser clients.
    /// </summary>
    public static IEndpointRouteBuilder MapSesame(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.ServiceProvider.GetRequiredService<CognitoApiEndpoint>();
        endpoints.MapPost("/", api.HandleAsync).RequireCors(CorsPolicy).WithName("CognitoApi");

        endpoints.MapGet("/{userPoolId}/.well-known/jwks.json", JwksEndpoint.JwksAsync).RequireCors(CorsPolicy);
        endpoints.MapGet("/{userPoolId}/.well-known/openid-configuration", JwksEndpoint.OpenIdConfiguration).RequireCors(CorsPolicy);
        endpoints.MapSesameOAuth(CorsPolicy);

        endpoints.MapGet("/health", async (IStorageHealth storage, CancellationToken cancellationToken) =>
            await storage.PingAsync(cancellationToken)
                ? Results.Text("{\"status\":\"ok\"}", "application/json")
                : Results.Text("{\"status\":\"storage unavailable\"}", "application/json", statusCode: StatusCodes.Status503ServiceUnavailable));

        // Orchestrators' probes: live while the process answers; ready once it can serve a sign-in.
        endpoints.MapGet("/health/live", () => Results.Text("{\"status\":\"live\"}", "application/json"));
        endpoints.MapGet("/health/ready", ReadyAsync);

        // GET /admin/messages: delivery status, SigV4-signed by an admin key.
        endpoints.MapGet("/admin/messages", MessagesEndpoint.HandleAsync);
        // Signing keys of a pool: list, and rotate (Sesame's own operations, docs/administration.md).
        endpoints.MapGet("/admin/user-pools/{userPoolId}/signing-keys", SigningKeysEndpoint.ListAsync);
        endpoints.MapPost("/admin/user-pools/{userPoolId}/signing-keys/rotate", SigningKeysEndpoint.RotateAsync);
        // GET /admin/limits, DELETE /admin/limits/prefixes|destinations|client-ips: the SMS budget, blocked number prefixes
        // and one destination's or client IP's counters, SigV4-signed (OperatorLimits, shared with `sesame limits`).
        endpoints.MapGet("/admin/limits", LimitsEndpoint.GetAsync);
        endpoints.MapDelete("/admin/limits/prefixes", LimitsEndpoint.UnblockAsync);
        endpoints.MapDelete("/admin/limits/destinations", LimitsEndpoint.UnblockDestinationAsync);
        endpoints.MapDelete("/admin/limits/client-ips", LimitsEndpoint.UnblockClientIpAsync);
        endpoints.MapSesameMetrics().AddEndpointFilter(MetricsGuard.FilterAsync);
        // Delivery receipts of providers (Twilio, Plivo, HTTP gateways), each authenticated the provider's way.
        endpoints.MapPost("/delivery/receipts/{provider}", DeliveryReceiptEndpoint.HandleAsync);
        // Vonage may be set to send its delivery receipts as a GET with query parameters.
        endpoints.MapGet("/delivery/receipts/{provider}", DeliveryReceiptEndpoint.HandleAsync);

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
