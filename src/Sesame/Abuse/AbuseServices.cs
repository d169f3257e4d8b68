using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Abuse;

internal static class AbuseServices
{
    /// <summary>The limits on sending codes and on answering them.</summary>
    public static IServiceCollection AddSesameAbuse(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SendLimits>();
        services.TryAddSingleton<AnswerLimits>();
        return services;
    }
}
