using Microsoft.Extensions.DependencyInjection;
using Sesame.Configuration;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Storage.Sqlite;
using Sesame.Tests.Unit;

namespace Sesame.Tests.Storage;

/// <summary>The one-time-code store contract on SQLite: a fresh database file for every test, through the production registrations.</summary>
public sealed class SqliteOneTimeCodeStoreContractTests : OneTimeCodeStoreContract
{
    private protected override OneTimeCodeStores CreateStores()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-codes-contract-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddOptions<SesameOptions>().Configure(o =>
        {
            o.DataDir = dataDir;
            o.Secrets.MasterKey = TestSecrets.NewMasterKey();
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<ServerSecrets>();
        services.AddSesameStorage();
        var provider = services.BuildServiceProvider();
        return new OneTimeCodeStores(
            provider.GetRequiredService<IOneTimeCodeStore>(),
            provider.GetRequiredService<IUserStore>(),
            new SqliteUserAccountStore(provider.GetRequiredService<SqliteDatabase>()),
            provider.GetRequiredService<IMessageStatusStore>(),
            () =>
            {
                provider.Dispose();
                Directory.Delete(dataDir, recursive: true);
            });
    }
}
