using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Tokens;

internal static class TokenServices
{
    public static IServiceCollection AddSesameTokens(this IServiceCollection services)
    {
        services.TryAddSingleton<ISigningKeyGenerator, RsaSigningKeyGenerator>();
        services.TryAddSingleton<SigningKeys>();
        services.TryAddSingleton<TokenIssuer>();
        services.TryAddSingleton<AccessTokenValidator>();
        services.TryAddSingleton<RefreshTokenFlow>();
        services.TryAddSingleton<AuthorizationCodes>();
        return services;
    }
}
