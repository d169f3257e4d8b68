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

    [Fact]
    public async Task Start_PendingCodesInTheTwoOldTables_MigratedAndStillAnswer()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-schema-" + Guid.NewGuid().ToString("N"));
        try
        {
            var signingUp = SesameApp.NewPhone();
            var confirmed = SesameApp.NewPhone();
            string signUpCode, emailCode, accessToken;
            using (var first = new SesameApp(dataDir: dataDir))
            {
                (await first.CallAsync("SignUp", new { SesameApp.ClientId, Username = signingUp })).AssertOk();
                signUpCode = await first.CodeAsync(signingUp);
                var email = SesameApp.NewEmail();
                await first.CreateConfirmedUserAsync(confirmed, ("email", email));
                accessToken = (await first.SignInAsync(confirmed)).Access();
                (await first.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = accessToken, AttributeName = "email" })).AssertOk();
                emailCode = await first.CodeAsync(email);
            }

            // Put the database back as it was before 0009: codes in verification_codes and attribute_codes, nonce + MAC in one blob.
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "sesame.db")};Pooling=false"))
            {
                connection.Open();
                var rows = new List<(string Pool, string Subject, string Purpose, byte[] Blob, long Expires, long Attempts, long Max, string Attribute)>();
                using (var read = connection.CreateCommand())
                {
                    read.CommandText = "SELECT pool_id, subject, purpose, nonce, mac, expires_at, attempts, max_attempts, attribute FROM one_time_codes";
                    using var reader = read.ExecuteReader();
                    while (reader.Read())
                    {
                        rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2),
                            [.. System.Text.Encoding.ASCII.GetBytes(reader.GetString(3)), .. (byte[])reader[4]],
                            reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetString(8)));
                    }
                }

                Assert.Equal(2, rows.Count);
                using var restore = connection.CreateCommand();
                restore.CommandText = """
                    CREATE TABLE verification_codes (pool_id TEXT NOT NULL, username_key TEXT NOT NULL, purpose TEXT NOT NULL, mac BLOB NOT NULL,
                        expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, attribute TEXT NOT NULL,
                        PRIMARY KEY (pool_id, username_key, purpose)) WITHOUT ROWID;
                    CREATE TABLE attribute_codes (pool_id TEXT NOT NULL, username_key TEXT NOT NULL, attribute TEXT NOT NULL, mac BLOB NOT NULL,
                        expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, pending_value TEXT NULL,
                        PRIMARY KEY (pool_id, username_key, attribute)) WITHOUT ROWID;
                    DROP TABLE one_time_codes;
                    DELETE FROM schema_version WHERE version = 9;
                    """;
                restore.ExecuteNonQuery();
                foreach (var row in rows)
                {
                    using var insert = connection.CreateCommand();
                    insert.CommandText = row.Purpose == "signup"
                        ? "INSERT INTO verification_codes VALUES (@pool, @subject, 'signup', @mac, @expires, @attempts, @max, @attribute)"
                        : "INSERT INTO attribute_codes VALUES (@pool, @subject, @attribute, @mac, @expires, @attempts, @max, NULL)";
                    insert.Parameters.AddWithValue("@pool", row.Pool);
                    insert.Parameters.AddWithValue("@subject", row.Subject);
                    insert.Parameters.AddWithValue("@mac", row.Blob);
                    insert.Parameters.AddWithValue("@expires", row.Expires);
                    insert.Parameters.AddWithValue("@attempts", row.Attempts);
                    insert.Parameters.AddWithValue("@max", row.Max);
                    insert.Parameters.AddWithValue("@attribute", row.Attribute);
                    insert.ExecuteNonQuery();
                }
            }

            using var second = new SesameApp(dataDir: dataDir);
            (await second.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = signingUp, ConfirmationCode = signUpCode })).AssertOk();
            (await second.CallAsync("VerifyUserAttribute", new { AccessToken = accessToken, AttributeName = "email", Code = emailCode })).AssertOk();
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Start_PasswordHistoryBeforeGenerations_NumberedInReplacedOrder_NewestKept()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sesame-schema-" + Guid.NewGuid().ToString("N"));
        var historySize = new Dictionary<string, string?> { [$"Sesame:UserPools:{SesameApp.PoolId}:PasswordHistorySize"] = "3" };
        var phone = SesameApp.NewPhone();
        static Task<CognitoResponse> SetAsync(SesameApp app, string phone, string password) => app.AdminCallAsync("AdminSetUserPassword",
            new { UserPoolId = SesameApp.PoolId, Username = phone, Password = password, Permanent = true });
        try
        {
            using (var first = new SesameApp(historySize, dataDir: dataDir))
            {
                await first.CreateConfirmedUserAsync(phone);
                foreach (var password in new[] { "password number 1", "password number 2", "password number 3", "password number 4" })
                {
                    first.Clock.Advance(TimeSpan.FromSeconds(1));
                    (await SetAsync(first, phone, password)).AssertOk();
                }
            }

            // The history as 0027 left it: ordered by replaced_at only, with no generation column.
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "sesame.db")};Pooling=false"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = """
                    DROP INDEX password_history_generation;
                    ALTER TABLE password_history DROP COLUMN generation;
                    DELETE FROM schema_version WHERE version = 28;
                    """;
                command.ExecuteNonQuery();
            }

            using var second = new SesameApp(historySize, dataDir: dataDir);
            (await SetAsync(second, phone, "password number 2")).AssertError("PasswordHistoryPolicyViolationException");
            (await SetAsync(second, phone, "password number 3")).AssertError("PasswordHistoryPolicyViolationException");
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "sesame.db")};Pooling=false"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT group_concat(generation, ',') FROM (SELECT generation FROM password_history ORDER BY replaced_at)";
                Assert.Equal("1,2", command.ExecuteScalar());
            }

            // 1 is past the history; setting it makes 4 the newest replaced and forgets 2, the oldest.
            (await SetAsync(second, phone, "password number 1")).AssertOk();
            (await SetAsync(second, phone, "password number 4")).AssertError("PasswordHistoryPolicyViolationException");
            (await SetAsync(second, phone, "password number 2")).AssertOk();
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
