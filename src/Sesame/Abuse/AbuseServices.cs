using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Abuse;

internal static class AbuseServices
{
    /// <summary>The limits on sending codes.</summary>
    public static IServiceCollection AddSesameAbuse(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SendLimits>();
        return services;
    }
}
