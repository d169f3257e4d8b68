using System.Net;
using Npgsql;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Storage;

/// <summary>PostgreSQL going away under a running server, through a TCP forwarder that cuts and restores the connection.</summary>
public sealed class PostgresOutageTests
{
    // Not a speed assertion: the bound only turns a hang into a failure instead of a stuck test run.
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    [PostgresFact]
    public async Task Requests_DatabaseDownThenBack_InternalErrorWhileDownThenServedWithoutRestart()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var forwarder = new TcpForwarder("127.0.0.1", new NpgsqlConnectionStringBuilder(db.ConnectionString).Port);
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Storage:Provider"] = "Postgres",
            ["Sesame:Storage:ConnectionString"] = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = forwarder.Port }.ConnectionString,
        });
        using var client = app.CreateClient();
        client.Timeout = HangBound;
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        await forwarder.CloseAsync();

        var refused = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } }, client);
        Assert.Equal(500, refused.Status);
        Assert.Equal("InternalErrorException", refused.Json["__type"]!.GetValue<string>());
        Assert.Equal("InternalErrorException:", refused.Headers["x-amzn-errortype"]);
        var signUp = await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = SesameApp.NewPhone() }, client);
        Assert.Equal("InternalErrorException", signUp.Json["__type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);

        forwarder.Open();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var tokens = await app.SignInAsync(phone);
        Assert.NotNull(tokens["AccessToken"]);
    }

    [PostgresFact]
    public async Task Requests_DatabaseSilent_InternalErrorWithinTheConnectionStringsTimeoutsThenServed()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var forwarder = new TcpForwarder("127.0.0.1", new NpgsqlConnectionStringBuilder(db.ConnectionString).Port);
        // The operator's own bounds win over Sesame's defaults; short ones keep the test short.
        var connectionString = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = forwarder.Port, Timeout = 2, CommandTimeout = 2 }.ConnectionString;
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:Storage:Provider"] = "Postgres",
            ["Sesame:Storage:ConnectionString"] = connectionString,
        });
        using var client = app.CreateClient();
        client.Timeout = HangBound;
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        forwarder.Stall();

        var refused = await app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } }, client);
        Assert.Equal(500, refused.Status);
        Assert.Equal("InternalErrorException", refused.Json["__type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);

        forwarder.Resume();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.NotNull((await app.SignInAsync(phone))["AccessToken"]);
    }

    [Fact]
    public void Timeouts_ConnectionStringWithoutThem_BoundedDefaults()
    {
        Assert.Equal((5, 10), TimeoutsOf("Host=127.0.0.1;Username=u;Password=p;Database=d"));
    }

    [Fact]
    public void Timeouts_ConnectionStringWithThem_KeptAsGiven()
    {
        Assert.Equal((30, 60), TimeoutsOf("Host=127.0.0.1;Username=u;Password=p;Database=d;timeout=30;Command Timeout=60"));
    }

    // The timeouts the server would use, without connecting: the data source is built, the schema step is not reached.
    private static (int, int) TimeoutsOf(string connectionString) => Sesame.Storage.Postgres.PostgresDatabase.BoundedConnectionString(connectionString) is var built
        ? (new NpgsqlConnectionStringBuilder(built).Timeout, new NpgsqlConnectionStringBuilder(built).CommandTimeout)
        : default;
}
