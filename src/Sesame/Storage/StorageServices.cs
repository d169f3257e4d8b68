using Microsoft.Extensions.DependencyInjection.Extensions;
using Sesame.Storage.Sqlite;

namespace Sesame.Storage;

internal static class StorageServices
{
    /// <summary>SQLite, one file under the data directory.</summary>
    public static IServiceCollection AddSesameStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<IUserStore, SqliteUserStore>();
        services.TryAddSingleton<IOneTimeCodeStore, SqliteOneTimeCodeStore>();
        services.TryAddSingleton<ISignInSessionStore, SqliteSignInSessionStore>();
        services.TryAddSingleton<IRefreshTokenStore, SqliteRefreshTokenStore>();
        services.TryAddSingleton<IOutboxStore, SqliteOutboxStore>();
        services.TryAddSingleton<IPasswordStore, SqlitePasswordStore>();
        services.TryAddSingleton<IMessageStatusStore, SqliteMessageStatusStore>();
        services.TryAddSingleton<IUserPoolStore, SqliteUserPoolStore>();
        services.TryAddSingleton<IUserAdminStore, SqliteUserAdminStore>();
        services.TryAddSingleton<SqliteSigningKeyStore>();
        services.TryAddSingleton<ISigningKeyStore>(sp => sp.GetRequiredService<SqliteSigningKeyStore>());
        services.TryAddSingleton<IStorageHealth>(sp => sp.GetRequiredService<SqliteSigningKeyStore>());
        return services;
    }
}
