using Microsoft.Extensions.DependencyInjection;
using Sesame.Configuration;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Tests.Unit;

namespace Sesame.Tests.Storage;

/// <summary>The storage contract on SQLite: a fresh database file for every test, through the production registrations.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private protected override StoreFixture CreateStores(TimeProvider clock)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-contract-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddOptions<SesameOptions>().Configure(o =>
        {
            o.DataDir = dataDir;
            o.Secrets.MasterKey = TestSecrets.NewMasterKey();
        });
        services.AddSingleton(clock);
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<ServerSecrets>();
        services.AddSesameStorage();
        var provider = services.BuildServiceProvider();
        return new StoreFixture(provider, () =>
        {
            provider.Dispose();
            Directory.Delete(dataDir, recursive: true);
        });
    }
}
