using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Delivery.Development;
using Sesame.Storage.Sqlite;
using Sesame.Tokens;
using Sesame.Users;

namespace Sesame.Tests.TestSupport;

/// <summary>
/// The real server in-process with its own SQLite file, a hand-moved clock and the development outbox; requests go
/// over the real wire format (X-Amz-Target, application/x-amz-json-1.1). Each test owns one.
/// </summary>
internal sealed class SesameApp : WebApplicationFactory<Program>
{
    public const string PoolId = "us-east-1_SesameDev";
    public const string ClientId = "sesamedevclient0000000000";

    /// <summary>
    /// The PBKDF2 cost test servers hash passwords with, unless a test sets <c>Sesame:Passwords:Pbkdf2Iterations</c>:
    /// production's 600,000 would spend about 0.3 s of CPU on every password set or checked.
    /// </summary>
    public const int TestPbkdf2Iterations = 1_000;

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private readonly bool _keepDataDir;

    public SesameApp(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? dataDir = null)
    {
        // A caller-supplied data directory outlives the app (restart tests); the caller removes it.
        _keepDataDir = dataDir is not null;
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "sesame-test-" + Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>(settings ?? []) { ["Sesame:DataDir"] = DataDir };
        _settings.TryAdd("Sesame:Passwords:Pbkdf2Iterations", TestPbkdf2Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Argon2id (the default algorithm) at a test cost too: 64 KiB, one pass, instead of 19 MiB × 2.
        _settings.TryAdd("Sesame:Passwords:Argon2MemoryKiB", "64");
        _settings.TryAdd("Sesame:Passwords:Argon2Iterations", "1");
        // Most tests send many codes to one number on a clock that does not move: they turn the send limits off for
        // themselves. A test that sets any Limits setting (LimitTests) runs with the defaults for the rest.
        if (!_settings.Keys.Any(k => k.Contains(":Limits:", StringComparison.Ordinal)))
        {
            foreach (var limit in new[]
                     {
                         "DestinationPerTenMinutes", "DestinationPerDay", "ClientIpPerHour", "ClientIpPerDay", "SmsPerHour", "SmsPerDay",
                         "CodeFailuresPerDay", "ConsecutiveCodeFailures", "ConsecutivePasswordFailures",
                         "PasswordAttemptsPerClientIpPerFiveMinutes", "PasswordAttemptsPerClientIpPerHour", "PasswordAttemptsPerAccountPerDay",
                         "PrefixUnconvertedPerHour",
                     })
            {
                _settings[$"Sesame:UserPools:us-east-1_SesameDev:Limits:{limit}"] = "0";
            }

            _settings["Sesame:UserPools:us-east-1_SesameDev:Limits:DestinationInterval"] = "00:00:00";
        }
        _services = services;
    }

    public string DataDir { get; }

    public ManualTimeProvider Clock { get; } = new();

    public DevOutbox Outbox => Services.GetRequiredService<DevOutbox>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            if (!_keepDataDir)
            {
                services.AddSingleton<ISigningKeyGenerator, PregeneratedSigningKeys>();
            }

            _services?.Invoke(services);
        });
    }

    /// <summary>Calls a Cognito operation the way the AWS SDKs put it on the wire.</summary>
    public async Task<CognitoResponse> CallAsync(string operation, object body, HttpClient? client = null)
    {
        client ??= CreateClient();
        using var content = new StringContent(body is string s ? s : JsonSerializer.Serialize(body), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AWSCognitoIdentityProviderService." + operation);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new CognitoResponse((int)response.StatusCode, text, response.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value)),
            response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Waits (real time, bounded) for the dispatcher to deliver the n-th message to a destination.</summary>
    public async Task<DevOutboxEntry> MessageAsync(string to, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var messages = Outbox.For(to);
            if (messages.Count >= count)
            {
                return messages[count - 1];
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No message #{count} for {to} within 10 s.");
    }

    /// <summary>
    /// The /metrics text once it holds every expected line (real time, bounded). Delivery counters move after the provider
    /// has answered, so a test that has just seen the provider's request must wait for them rather than read at once.
    /// </summary>
    public async Task<string> MetricsAsync(params string[] expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        using var client = CreateClient();
        while (true)
        {
            var text = await client.GetStringAsync("/metrics");
            var missing = expected.Where(line => !text.Contains(line, StringComparison.Ordinal)).ToList();
            if (missing.Count == 0)
            {
                return text;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new Xunit.Sdk.XunitException($"/metrics lacks, after 10 s: {string.Join("; ", missing)}");
            }

            await Task.Delay(20);
        }
    }

    public async Task<string> CodeAsync(string to, int count = 1) => (await MessageAsync(to, count)).Code!;

    /// <summary>
    /// How many messages the server has queued for a destination, whatever became of them since. The outbox row commits
    /// in the transaction of the request that needs it, so once a response is back its count is final: comparing the
    /// count before and after a request proves it sent nothing, without waiting for the dispatcher. Rows keep only the
    /// masked destination, so this counts every destination that masks alike (take "before" just before the request).
    /// </summary>
    public Task<long> QueuedMessagesAsync(string to)
    {
        var hint = to.Contains('@', StringComparison.Ordinal) ? Masking.Email(to) : Masking.Phone(to);
        return Services.GetRequiredService<SqliteDatabase>().ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            // A decoy (an unknown user's stand-in message) is never sent: not counted here.
            command.CommandText = "SELECT COUNT(*) FROM outbox WHERE destination_hint = $hint AND status <> 'decoy'";
            command.Parameters.AddWithValue("$hint", hint);
            return (long)command.ExecuteScalar()!;
        }, CancellationToken.None);
    }

    /// <summary>Signs up and confirms a phone number (or email); returns the sub.</summary>
    public async Task<string> CreateConfirmedUserAsync(string login, params (string Name, string Value)[] attributes)
    {
        var before = Outbox.For(ConfirmationTarget(login, attributes)).Count;
        var signUp = await CallAsync("SignUp", new
        {
            ClientId,
            Username = login,
            UserAttributes = attributes.Select(a => new { a.Name, a.Value }).ToArray(),
        });
        signUp.AssertOk();
        var code = await CodeAsync(ConfirmationTarget(login, attributes), before + 1);
        (await CallAsync("ConfirmSignUp", new { ClientId, Username = login, ConfirmationCode = code })).AssertOk();
        return signUp.Json["UserSub"]!.GetValue<string>();
    }

    /// <summary>Runs a whole one-time-code sign-in and returns the AuthenticationResult.</summary>
    public async Task<JsonNode> SignInAsync(string login)
    {
        var before = Outbox.For(login).Count;
        var start = await CallAsync("InitiateAuth", new { ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = login } });
        start.AssertOk();
        var code = await CodeAsync(login, before + 1);
        var answer = await CallAsync("RespondToAuthChallenge", new
        {
            ClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = code },
        });
        answer.AssertOk();
        return answer.Json["AuthenticationResult"]!;
    }

    public static string NewPhone() => "+1555" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string NewEmail() => $"user{Guid.NewGuid():N}@example.com";

    private static string ConfirmationTarget(string login, (string Name, string Value)[] attributes) =>
        login.StartsWith('+') ? login : attributes.FirstOrDefault(a => a.Name == "phone_number").Value ?? login;

    protected override void Dispose(bool disposing)
    {
        // The server's SqliteDatabase clears its own connection pool when the host is disposed (ClearAllPools here would
        // close connections of other tests' servers running in parallel).
        base.Dispose(disposing);
        if (_keepDataDir)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A Cognito response as a client sees it.</summary>
internal sealed record CognitoResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers, string? ContentType)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public string? ErrorType => Status == 200 ? null : Json["__type"]?.GetValue<string>();

    public string? Message => Json["message"]?.GetValue<string>();

    public void AssertOk()
    {
        Assert.True(Status == 200, $"Expected 200, got {Status}: {Body}");
    }

    public void AssertError(string type, string? message = null)
    {
        Assert.True(Status == 400, $"Expected 400 {type}, got {Status}: {Body}");
        Assert.Equal(type, ErrorType);
        Assert.Equal(type + ":", Headers["x-amzn-errortype"]);
        if (message is not null)
        {
            Assert.Equal(message, Message);
        }
    }
}
