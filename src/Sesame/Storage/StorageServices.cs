using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Storage.Postgres;
using Sesame.Storage.Sqlite;

namespace Sesame.Storage;

internal static class StorageServices
{
    /// <summary>
    /// Every store interface, answered by the engine <c>Sesame:Storage:Provider</c> names. The choice is made when a
    /// store is first resolved (at start-up, by the start-up tasks), from the validated options, so an unknown
    /// provider is reported by the options validator before any engine is touched.
    /// </summary>
    public static IServiceCollection AddSesameStorage(this IServiceCollection services)
    {
        // The SQLite engine counts its writes and commits (GET /metrics); AddMetrics only adds what is missing.
        services.AddMetrics();
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<PostgresDatabase>();

        AddStore<IUserStore, SqliteUserStore, PostgresUserStore>(services);
        AddStore<IOneTimeCodeStore, SqliteOneTimeCodeStore, PostgresOneTimeCodeStore>(services);
        AddStore<ISignInSessionStore, SqliteSignInSessionStore, PostgresSignInSessionStore>(services);
        AddStore<IRefreshTokenStore, SqliteRefreshTokenStore, PostgresRefreshTokenStore>(services);
        AddStore<IOutboxStore, SqliteOutboxStore, PostgresOutboxStore>(services);
        AddStore<IPasswordStore, SqlitePasswordStore, PostgresPasswordStore>(services);
        AddStore<IMessageStatusStore, SqliteMessageStatusStore, PostgresMessageStatusStore>(services);
        AddStore<IUserPoolStore, SqliteUserPoolStore, PostgresUserPoolStore>(services);
        AddStore<IUserAdminStore, SqliteUserAdminStore, PostgresUserAdminStore>(services);
        AddStore<ISigningKeyStore, SqliteSigningKeyStore, PostgresSigningKeyStore>(services);
        AddStore<IRefreshTokenRotationStore, SqliteRefreshTokenRotationStore, PostgresRefreshTokenRotationStore>(services);
        AddStore<IUserAccountStore, SqliteUserAccountStore, PostgresUserAccountStore>(services);
        AddStore<IRateLimitStore, SqliteRateLimitStore, PostgresRateLimitStore>(services);
        AddStore<IGroupStore, SqliteGroupStore, PostgresGroupStore>(services);
        AddStore<IOAuthGrantStore, SqliteOAuthGrantStore, PostgresOAuthGrantStore>(services);
        AddStore<IUserImportStore, SqliteUserImportStore, PostgresUserImportStore>(services);

        services.TryAddSingleton<IStorageHealth>(sp => Engine(sp) switch
        {
            Provider.Postgres => sp.GetRequiredService<PostgresDatabase>(),
            _ => sp.GetRequiredService<SqliteSigningKeyStore>(),
        });
        return services;
    }

    private enum Provider
    {
        Sqlite,
        Postgres,
    }

    private static Provider Engine(IServiceProvider services) =>
        string.Equals(services.GetRequiredService<IOptions<SesameOptions>>().Value.Storage.Provider, StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase)
            ? Provider.Postgres
            : Provider.Sqlite;

    private static void AddStore<
        TStore,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSqlite,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPostgres>(IServiceCollection services)
        where TStore : class
        where TSqlite : class, TStore
        where TPostgres : class, TStore
    {
        services.TryAddSingleton<TSqlite>();
        services.TryAddSingleton<TPostgres>();
        services.TryAddSingleton<TStore>(sp => Engine(sp) switch
        {
            Provider.Postgres => sp.GetRequiredService<TPostgres>(),
            _ => sp.GetRequiredService<TSqlite>(),
        });
    }
}
