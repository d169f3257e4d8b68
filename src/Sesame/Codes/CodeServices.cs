using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Codes;

internal static class CodeServices
{
    /// <summary>One-time codes: drawing, MACs, and sign-in codes with their messages.</summary>
    public static IServiceCollection AddSesameCodes(this IServiceCollection services)
    {
        services.TryAddSingleton<OneTimeCodes>();
        services.TryAddSingleton<SignInCodes>();
        return services;
    }
}
