using Microsoft.Extensions.DependencyInjection;
using Sesame.Configuration;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Tests.Unit;

namespace Sesame.Tests.Storage;

/// <summary>
/// The storage contract on PostgreSQL: a fresh database on the test cluster for every test, through the production
/// registrations (<c>Sesame:Storage:Provider=Postgres</c>). Without a cluster every test is skipped, with the reason
/// (and fails under CI), as <see cref="PostgresFactAttribute"/> does.
/// </summary>
[NeedsPostgres]
public sealed class PostgresStoreContractTests : StoreContractTests
{
    private protected override StoreFixture CreateStores(TimeProvider clock)
    {
        var database = PostgresTestDatabase.CreateAsync().GetAwaiter().GetResult();
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-contract-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<SesameOptions>().Configure(o =>
        {
            o.DataDir = dataDir;
            o.Secrets.MasterKey = TestSecrets.NewMasterKey();
            o.Storage.Provider = StorageOptions.Postgres;
            o.Storage.ConnectionString = database.ConnectionString;
        });
        services.AddSingleton(clock);
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<ServerSecrets>();
        services.AddSesameStorage();
        var provider = services.BuildServiceProvider();
        return new StoreFixture(provider, () =>
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
