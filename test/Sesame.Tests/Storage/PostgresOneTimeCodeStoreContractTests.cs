using Microsoft.Extensions.DependencyInjection;
using Sesame.Configuration;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Tests.Unit;

namespace Sesame.Tests.Storage;

/// <summary>The one-time-code store contract on PostgreSQL: a fresh database on the test cluster for every test.</summary>
[NeedsPostgres]
public sealed class PostgresOneTimeCodeStoreContractTests : OneTimeCodeStoreContract
{
    private protected override OneTimeCodeStores CreateStores()
    {
        var database = PostgresTestDatabase.CreateAsync().GetAwaiter().GetResult();
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-codes-contract-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<SesameOptions>().Configure(o =>
        {
            o.DataDir = dataDir;
            o.Secrets.MasterKey = TestSecrets.NewMasterKey();
            o.Storage.Provider = StorageOptions.Postgres;
            o.Storage.ConnectionString = database.ConnectionString;
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<ServerSecrets>();
        services.AddSesameStorage();
        var provider = services.BuildServiceProvider();
        return new OneTimeCodeStores(
            provider.GetRequiredService<IOneTimeCodeStore>(),
            provider.GetRequiredService<IUserStore>(),
            provider.GetRequiredService<IUserAccountStore>(),
            provider.GetRequiredService<IMessageStatusStore>(),
            () =>
            {
                provider.Dispose();
                database.DisposeAsync().AsTask().GetAwaiter().GetResult();
                if (Directory.Exists(dataDir))
                {
                    Directory.Delete(dataDir, recursive: true);
                }
            });
    }
}
