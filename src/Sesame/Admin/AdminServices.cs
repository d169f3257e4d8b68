using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Admin;

internal static class AdminServices
{
    /// <summary>IAM-style authentication of admin operations.</summary>
    public static IServiceCollection AddSesameAdmin(this IServiceCollection services)
    {
        services.TryAddSingleton<SigV4>();
        return services;
    }
}
