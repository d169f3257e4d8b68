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
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<PostgresDatabase>();

        AddStore<IUserStore, SqliteUserStore>(services);
        AddStore<IOneTimeCodeStore, SqliteOneTimeCodeStore>(services);
        AddStore<ISignInSessionStore, SqliteSignInSessionStore>(services);
        AddStore<IRefreshTokenStore, SqliteRefreshTokenStore>(services);
        AddStore<IOutboxStore, SqliteOutboxStore>(services);
        AddStore<IPasswordStore, SqlitePasswordStore>(services);
        AddStore<IMessageStatusStore, SqliteMessageStatusStore>(services);
        AddStore<IUserPoolStore, SqliteUserPoolStore>(services);
        AddStore<IUserAdminStore, SqliteUserAdminStore>(services);
        AddStore<ISigningKeyStore, SqliteSigningKeyStore>(services);
        AddStore<IRefreshTokenRotationStore, SqliteRefreshTokenRotationStore>(services);
        AddStore<IUserAccountStore, SqliteUserAccountStore>(services);
        AddStore<IRateLimitStore, SqliteRateLimitStore>(services);

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

    private static void AddStore<TStore, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSqlite>(IServiceCollection services)
        where TStore : class
        where TSqlite : class, TStore
    {
        services.TryAddSingleton<TSqlite>();
        services.TryAddSingleton<TStore>(sp => Engine(sp) switch
        {
            Provider.Postgres => throw PostgresStoresMissing(sp.GetRequiredService<PostgresDatabase>()),
            _ => sp.GetRequiredService<TSqlite>(),
        });
    }

    // The PostgreSQL database, its schema and its health check exist; the stores over it come next (issue 10). Until
    // then a server configured for PostgreSQL stops at start-up rather than serving half its API from nowhere. The
    // database is opened first, so a wrong connection string is still reported as such.
    private static InvalidOperationException PostgresStoresMissing(PostgresDatabase database) => new(
        $"{SesameOptions.SectionName}:Storage:Provider 'Postgres': this build has no PostgreSQL stores yet (the database at " +
        $"{database.Describe} is reachable and its schema is applied). Use 'Sqlite' for now.");
}
