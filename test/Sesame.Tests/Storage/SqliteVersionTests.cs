using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage.Sqlite;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Storage;

public sealed class SqliteVersionTests
{
    /// <summary>
    /// The SQLite library the server's own connections run on (the bundled e_sqlite3) has the CVE-2025-6965 fix,
    /// which landed in 3.50.2 (https://www.sqlite.org/cves.html). A package downgrade, or a provider routed back to an
    /// older library, fails here.
    /// </summary>
    [Fact]
    public async Task SqliteDatabase_Version_IsAtLeastTheCve20256965Fix()
    {
        using var app = new SesameApp();
        var database = app.Services.GetRequiredService<SqliteDatabase>();

        var version = await database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "select sqlite_version()";
            return (string)command.ExecuteScalar()!;
        }, CancellationToken.None);

        Assert.True(Version.Parse(version) >= new Version(3, 50, 2), $"SQLite {version} is older than 3.50.2 (CVE-2025-6965).");
    }
}
