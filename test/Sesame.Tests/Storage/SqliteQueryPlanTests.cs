using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Configuration;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Storage.Sqlite;
using Sesame.Tests.Unit;

namespace Sesame.Tests.Storage;

/// <summary>
/// The lookups of a user by login or alias use one index per term on the real SQLite file (EXPLAIN QUERY PLAN), so a
/// sign-in or sign-up costs the same with a thousand users or a million; reading the pool's whole primary-key range
/// (<c>SEARCH users USING PRIMARY KEY (pool_id=?)</c>) is what they did before.
/// </summary>
public sealed partial class SqliteQueryPlanTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sesame-plan-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;

    public SqliteQueryPlanTests()
    {
        var services = new ServiceCollection();
        services.AddOptions<SesameOptions>().Configure(o =>
        {
            o.DataDir = _dataDir;
            o.Secrets.MasterKey = TestSecrets.NewMasterKey();
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<ServerSecrets>();
        services.AddSesameStorage();
        _services = services.BuildServiceProvider();
    }

    public static TheoryData<string> UserLookups => ["FindUser", "FindHolders", "FindOtherAliasHolders", "FindImportHolders"];

    [Theory]
    [MemberData(nameof(UserLookups))]
    public async Task UserLookup_FreshFile_UsesAnIndexPerTermNotThePoolsWholeRange(string name)
    {
        var sql = (string)typeof(StoreSql).GetProperty(name)!.GetValue(SqliteDatabase.Sql)!;
        var database = _services.GetRequiredService<SqliteDatabase>();

        var plan = await database.ReadAsync(connection =>
        {
            using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var parameter in Parameter().Matches(sql).Select(m => m.Value).Distinct())
            {
                explain.Parameters.AddWithValue(parameter, "x");
            }

            using var reader = explain.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(reader.GetString(3));
            }

            return lines;
        }, CancellationToken.None);

        Assert.Contains(plan, line => line.StartsWith("SEARCH users USING", StringComparison.Ordinal));
        Assert.All(plan, line =>
        {
            Assert.DoesNotContain("SCAN users", line, StringComparison.Ordinal);
            Assert.NotEqual("SEARCH users USING PRIMARY KEY (pool_id=?)", line);
        });
    }

    [GeneratedRegex("@[a-z]+")]
    private static partial Regex Parameter();

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}
