using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Codes;

internal static class CodeServices
{
    /// <summary>The one-time-code model: MAC primitives, the one issuer and the one verifier.</summary>
    public static IServiceCollection AddSesameCodes(this IServiceCollection services)
    {
        services.TryAddSingleton<OneTimeCodes>();
        services.TryAddSingleton<CodeIssuer>();
        services.TryAddSingleton<CodeVerifier>();
        return services;
    }
}
