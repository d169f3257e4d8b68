using Microsoft.Data.Sqlite;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Storage;

public sealed class SchemaTests
{
    [Fact]
    public async Task Start_DatabaseMissingAnOlderNumberedScript_AppliesIt()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-schema-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var first = new SesameApp(dataDir: dataDir))
            {
                using var client = first.CreateClient();
                Assert.Equal(200, (int)(await client.GetAsync("/health")).StatusCode);
            }

            // A database created before 0003 landed, but after a higher-numbered script did.
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "sesame.db")};Pooling=false"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = """
                    ALTER TABLE refresh_tokens DROP COLUMN rotated_at;
                    ALTER TABLE refresh_tokens DROP COLUMN replaced_by;
                    DELETE FROM schema_version WHERE version = 3;
                    """;
                command.ExecuteNonQuery();
            }

            using var second = new SesameApp(dataDir: dataDir);
            var phone = SesameApp.NewPhone();
            await second.CreateConfirmedUserAsync(phone, ("email", SesameApp.NewEmail()));
            var tokens = await second.SignInAsync(phone);
            (await second.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = tokens.Access(), AttributeName = "email" })).AssertOk();
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
