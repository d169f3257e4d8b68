using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Metrics;

internal static class MetricsServices
{
    /// <summary>The Prometheus exporter; it listens from start-up so no count is missed before the first scrape.</summary>
    public static IServiceCollection AddSesameMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<PrometheusMetrics>();
        return services;
    }

    /// <summary><c>GET /metrics</c> in Prometheus text format (counts only: no destination, code or user appears in a label).</summary>
    public static RouteHandlerBuilder MapSesameMetrics(this IEndpointRouteBuilder endpoints)
    {
        // Created now, before any message is sent, so the listener sees every measurement.
        var metrics = endpoints.ServiceProvider.GetRequiredService<PrometheusMetrics>();
        return endpoints.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
    }
}
