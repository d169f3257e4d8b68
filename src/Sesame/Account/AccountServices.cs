using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Storage;
using Sesame.Storage.Sqlite;

namespace Sesame.Account;

internal static class AccountServices
{
    /// <summary>Self-service and administration of accounts, refresh token rotation, and their SQLite stores.</summary>
    public static IServiceCollection AddSesameAccount(this IServiceCollection services)
    {
        services.TryAddSingleton<IUserAccountStore, SqliteUserAccountStore>();
        services.TryAddSingleton<IRefreshTokenRotationStore, SqliteRefreshTokenRotationStore>();
        services.TryAddSingleton<AccountFlow>();
        services.TryAddSingleton<AdminUsers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, RefreshTokenRotationOptionsValidator>());
        return services;
    }
}
