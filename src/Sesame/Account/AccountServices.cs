using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sesame.Configuration;

namespace Sesame.Account;

internal static class AccountServices
{
    /// <summary>Self-service and administration of accounts, and refresh token rotation options (their stores are registered by Storage/).</summary>
    public static IServiceCollection AddSesameAccount(this IServiceCollection services)
    {
        services.TryAddSingleton<AccountFlow>();
        services.TryAddSingleton<AdminUsers>();
        services.TryAddSingleton<PasswordRecovery>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, RefreshTokenRotationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, PoolAttributeSettingsValidator>());
        return services;
    }
}
