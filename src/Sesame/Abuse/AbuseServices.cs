using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Abuse;

internal static class AbuseServices
{
    /// <summary>The limits on sending codes, answering them and sign-in attempts, and the client IP they count by.</summary>
    public static IServiceCollection AddSesameAbuse(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<LimitKeys>();
        services.TryAddSingleton<PrefixVelocity>();
        services.TryAddSingleton<SendLimits>();
        services.TryAddSingleton<SmsCostBudget>();
        services.TryAddSingleton<AnswerLimits>();
        services.TryAddSingleton<AttemptLimits>();
        services.TryAddSingleton<HashingSlots>();
        services.TryAddSingleton<OperatorLimits>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, TrustedProxies>());
        services.AddHostedService<LimitSweeper>();
        return services;
    }
}
