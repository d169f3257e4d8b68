using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage.Sqlite;
using Sesame.Tests.Delivery;
using Sesame.Tests.TestSupport;
using Sesame.Users;

namespace Sesame.Tests.Abuse;

/// <summary>
/// Enumeration by timing (issue 9): with PreventUserExistenceErrors, an unknown login's sign-in code, resend and
/// password reset write one outbox row, as a known user's do, so both paths do the same store work. That row is a
/// decoy: never sent, never in <c>/dev/outbox</c> or <c>GET /admin/messages</c>, never counted in the delivery metrics
/// or charged to the cost budget, and swept by the dispatcher. The store side is in <c>StoreContractTests</c>
/// (<c>Decoy_WrittenLikeAMessage_…</c>, both engines).
/// </summary>
public sealed class DecoyMessageTests
{
    [Theory]
    [InlineData("CUSTOM_AUTH")]
    [InlineData("USER_AUTH")]
    [InlineData("ResendConfirmationCode")]
    [InlineData("ForgotPassword")]
    public async Task UnknownLogin_OneDecoyRowLikeTheKnownUsersMessage_NeverSentListedOrCounted(string operation)
    {
        using var app = new SesameApp();
        var known = SesameApp.NewPhone();
        if (operation == "ResendConfirmationCode")
        {
            (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = known })).AssertOk();
            // Delivered before it is counted below (the dispatcher sends after the answer, so counting at once raced it).
            await app.MessageAsync(known);
        }
        else
        {
            await app.CreateConfirmedUserAsync(known);
        }

        var sentBefore = app.Outbox.For(known).Count;
        await LogInsertsAsync(app);
        var unknown = SesameApp.NewPhone();

        var a = await CallAsync(app, operation, known);
        var b = await CallAsync(app, operation, unknown);

        a.AssertOk();
        b.AssertOk();
        // One row each, written in the request: the known user's to be sent, the unknown login's a decoy.
        Assert.Equal(["queued", "decoy"], await InsertsAsync(app));
        await app.MessageAsync(known, sentBefore + 1);
        await WaitForNoDecoysAsync(app);
        Assert.Empty(app.Outbox.For(Masking.Phone(unknown)));
        Assert.Empty(app.Outbox.For(unknown));
        using (var response = await DeliveryStatusTests.SignedGetAsync(app, $"/admin/messages?pool={SesameApp.PoolId}&limit=100", "sesame-dev-secret"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var listed = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Messages"]!.AsArray();
            Assert.Equal(sentBefore + 1, listed.Count);
            Assert.All(listed, m => Assert.Equal("+*******" + known[^4..], m!["Destination"]!.GetValue<string>()));
        }

        var metrics = await app.MetricsAsync("sesame_delivery_messages_total");
        var sent = metrics.Split('\n').Where(l => l.StartsWith("sesame_delivery_messages_total{", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(sentBefore + 1, sent);
    }

    private static Task<CognitoResponse> CallAsync(SesameApp app, string operation, string login) => operation switch
    {
        "CUSTOM_AUTH" => app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = login } }),
        "USER_AUTH" => app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId, AuthFlow = "USER_AUTH", AuthParameters = new { USERNAME = login, PREFERRED_CHALLENGE = "SMS_OTP" },
        }),
        _ => app.CallAsync(operation, new { SesameApp.ClientId, Username = login }),
    };

    // A trigger in the real database file records the status of every row written to the outbox, before the dispatcher
    // sends or sweeps it.
    private static Task<int> LogInsertsAsync(SesameApp app) => app.Services.GetRequiredService<SqliteDatabase>().WriteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TABLE test_outbox_inserts (id INTEGER PRIMARY KEY AUTOINCREMENT, status TEXT NOT NULL);
            CREATE TRIGGER test_outbox_insert AFTER INSERT ON outbox BEGIN INSERT INTO test_outbox_inserts (status) VALUES (NEW.status); END;
            """;
        return command.ExecuteNonQuery();
    }, CancellationToken.None);

    private static Task<List<string>> InsertsAsync(SesameApp app) => app.Services.GetRequiredService<SqliteDatabase>().ReadAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status FROM test_outbox_inserts ORDER BY id";
        using var reader = command.ExecuteReader();
        var statuses = new List<string>();
        while (reader.Read())
        {
            statuses.Add(reader.GetString(0));
        }

        return statuses;
    }, CancellationToken.None);

    private static async Task WaitForNoDecoysAsync(SesameApp app)
    {
        var database = app.Services.GetRequiredService<SqliteDatabase>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await database.ReadAsync(connection =>
               {
                   using var command = connection.CreateCommand();
                   command.CommandText = "SELECT COUNT(*) FROM outbox WHERE status = 'decoy'";
                   return (long)command.ExecuteScalar()!;
               }, CancellationToken.None) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dispatcher did not sweep the decoy within 10 s");
            await Task.Delay(20);
        }
    }
}
