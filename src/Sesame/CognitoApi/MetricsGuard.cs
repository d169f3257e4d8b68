using System.Net;
using Microsoft.Extensions.Options;
using Sesame.Configuration;

namespace Sesame.CognitoApi;

/// <summary>
/// Keeps <c>GET /metrics</c> to who <c>Sesame:Metrics</c> allows: clients in <c>AllowedNetworks</c> (others get 404, as
/// if there were nothing there) and, with <c>RequireSignature</c>, requests signed by an admin key.
/// </summary>
internal static class MetricsGuard
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<SesameOptions>>().Value.Metrics;
        if (options.AllowedNetworks.Count > 0)
        {
            var networks = options.AllowedNetworks.Select(n => IPNetworks.TryParse(n, out var network) ? network : default).ToList();
            if (context.Connection.RemoteIpAddress is not IPAddress address || !IPNetworks.Contains(networks, address))
            {
                return Results.NotFound();
            }
        }

        if (options.RequireSignature && MessagesEndpoint.Unsigned(context, services.GetRequiredService<SigV4>()) is { } unsigned)
        {
            return unsigned;
        }

        return await next(invocation);
    }
}
