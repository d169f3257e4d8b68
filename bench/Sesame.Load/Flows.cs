using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Sesame.Load;

/// <summary>The flows the generator can drive, by the names the command line uses.</summary>
internal static class FlowNames
{
    public const string SignIn = "signin";
    public const string UserAuth = "user-auth";
    public const string SignUp = "signup";
    public const string Refresh = "refresh";
    public const string Password = "password";
    public const string Mix = "mix";

    public static readonly string[] All = [SignIn, UserAuth, SignUp, Refresh, Password, Mix];

    /// <summary>The mix: what a passwordless app's traffic might look like. Password sign-in is left out (its hash would dominate).</summary>
    public static readonly (string Flow, int Weight)[] MixWeights = [(SignIn, 40), (Refresh, 30), (UserAuth, 15), (SignUp, 15)];
}

/// <summary>
/// Complete flows against one pool and app client, as a user's app runs them. Each step's answer is checked; anything
/// unexpected throws <see cref="FlowException"/> (the flow counts as failed and is not retried).
/// </summary>
internal sealed class Flows(CognitoClient client, ICodeSource codes, Population population, string clientId, bool refreshThroughInitiateAuthOnly = false)
{
    public Task RunAsync(string flow, Recorder recorder, CancellationToken cancellationToken) => flow switch
    {
        FlowNames.SignIn => WithUserAsync(user => SignInAsync(user, recorder, cancellationToken)),
        FlowNames.UserAuth => WithUserAsync(user => UserAuthAsync(user, recorder, cancellationToken)),
        FlowNames.SignUp => SignUpAsync(population.NewLogin(), password: null, recorder, cancellationToken),
        FlowNames.Refresh => RefreshAsync(population.RefreshToken(), recorder, cancellationToken),
        FlowNames.Password => WithPasswordUserAsync(user => PasswordAsync(user, recorder, cancellationToken)),
        _ => throw new ArgumentOutOfRangeException(nameof(flow), flow, "unknown flow"),
    };

    /// <summary>CUSTOM_AUTH: InitiateAuth → the code through delivery → RespondToAuthChallenge. Returns the tokens.</summary>
    public async Task<JsonNode> SignInAsync(string phone, Recorder? recorder, CancellationToken cancellationToken)
    {
        var code = await codes.ExpectAsync(phone, cancellationToken);
        var start = await client.CallAsync("InitiateAuth", "InitiateAuth(CUSTOM_AUTH)", new JsonObject
        {
            ["ClientId"] = clientId,
            ["AuthFlow"] = "CUSTOM_AUTH",
            ["AuthParameters"] = new JsonObject { ["USERNAME"] = phone },
        }, recorder, cancellationToken);
        Expect(start, "InitiateAuth(CUSTOM_AUTH)", "CUSTOM_CHALLENGE");
        var answer = await ReceiveAsync(code, recorder, "code delivery (sign-in)", cancellationToken);
        var done = await client.CallAsync("RespondToAuthChallenge", "RespondToAuthChallenge(CUSTOM_CHALLENGE)", new JsonObject
        {
            ["ClientId"] = clientId,
            ["ChallengeName"] = "CUSTOM_CHALLENGE",
            ["Session"] = start.Text("Session"),
            ["ChallengeResponses"] = new JsonObject { ["USERNAME"] = start.Body?["ChallengeParameters"]?["USERNAME"]?.GetValue<string>() ?? phone, ["ANSWER"] = answer },
        }, recorder, cancellationToken);
        return Tokens(done, "RespondToAuthChallenge(CUSTOM_CHALLENGE)");
    }

    /// <summary>USER_AUTH with PREFERRED_CHALLENGE SMS_OTP: InitiateAuth → code → RespondToAuthChallenge SMS_OTP.</summary>
    public async Task UserAuthAsync(string phone, Recorder? recorder, CancellationToken cancellationToken)
    {
        var code = await codes.ExpectAsync(phone, cancellationToken);
        var start = await client.CallAsync("InitiateAuth", "InitiateAuth(USER_AUTH)", new JsonObject
        {
            ["ClientId"] = clientId,
            ["AuthFlow"] = "USER_AUTH",
            ["AuthParameters"] = new JsonObject { ["USERNAME"] = phone, ["PREFERRED_CHALLENGE"] = "SMS_OTP" },
        }, recorder, cancellationToken);
        Expect(start, "InitiateAuth(USER_AUTH)", "SMS_OTP");
        var answer = await ReceiveAsync(code, recorder, "code delivery (user-auth)", cancellationToken);
        var done = await client.CallAsync("RespondToAuthChallenge", "RespondToAuthChallenge(SMS_OTP)", new JsonObject
        {
            ["ClientId"] = clientId,
            ["ChallengeName"] = "SMS_OTP",
            ["Session"] = start.Text("Session"),
            ["ChallengeResponses"] = new JsonObject { ["USERNAME"] = phone, ["SMS_OTP_CODE"] = answer },
        }, recorder, cancellationToken);
        Tokens(done, "RespondToAuthChallenge(SMS_OTP)");
    }

    /// <summary>SignUp → the confirmation code through delivery → ConfirmSignUp.</summary>
    public async Task SignUpAsync(string phone, string? password, Recorder? recorder, CancellationToken cancellationToken)
    {
        var code = await codes.ExpectAsync(phone, cancellationToken);
        var body = new JsonObject { ["ClientId"] = clientId, ["Username"] = phone };
        if (password is not null)
        {
            body["Password"] = password;
        }

        var signUp = await client.CallAsync("SignUp", "SignUp", body, recorder, cancellationToken);
        Require(signUp, "SignUp");
        var answer = await ReceiveAsync(code, recorder, "code delivery (sign-up)", cancellationToken);
        var confirm = await client.CallAsync("ConfirmSignUp", "ConfirmSignUp", new JsonObject
        {
            ["ClientId"] = clientId,
            ["Username"] = phone,
            ["ConfirmationCode"] = answer,
        }, recorder, cancellationToken);
        Require(confirm, "ConfirmSignUp");
    }

    /// <summary>
    /// InitiateAuth REFRESH_TOKEN_AUTH, then GetTokensFromRefreshToken, with the same refresh token (a peer without
    /// GetTokensFromRefreshToken: InitiateAuth alone, so its flow is half the work).
    /// </summary>
    public async Task RefreshAsync(string refreshToken, Recorder? recorder, CancellationToken cancellationToken)
    {
        var refresh = await client.CallAsync("InitiateAuth", "InitiateAuth(REFRESH_TOKEN_AUTH)", new JsonObject
        {
            ["ClientId"] = clientId,
            ["AuthFlow"] = "REFRESH_TOKEN_AUTH",
            ["AuthParameters"] = new JsonObject { ["REFRESH_TOKEN"] = refreshToken },
        }, recorder, cancellationToken);
        Tokens(refresh, "InitiateAuth(REFRESH_TOKEN_AUTH)");
        if (refreshThroughInitiateAuthOnly)
        {
            return;
        }

        var tokens = await client.CallAsync("GetTokensFromRefreshToken", "GetTokensFromRefreshToken", new JsonObject
        {
            ["ClientId"] = clientId,
            ["RefreshToken"] = refreshToken,
        }, recorder, cancellationToken);
        Tokens(tokens, "GetTokensFromRefreshToken");
    }

    /// <summary>USER_PASSWORD_AUTH: one call. Returns the tokens.</summary>
    public async Task<JsonNode> PasswordAsync(string phone, Recorder? recorder, CancellationToken cancellationToken)
    {
        var answer = await client.CallAsync("InitiateAuth", "InitiateAuth(USER_PASSWORD_AUTH)", new JsonObject
        {
            ["ClientId"] = clientId,
            ["AuthFlow"] = "USER_PASSWORD_AUTH",
            ["AuthParameters"] = new JsonObject { ["USERNAME"] = phone, ["PASSWORD"] = population.Password },
        }, recorder, cancellationToken);
        return Tokens(answer, "InitiateAuth(USER_PASSWORD_AUTH)");
    }

    /// <summary>A user of the population, held by this flow alone while it runs (a destination has one waiting code at a time).</summary>
    private async Task WithUserAsync(Func<string, Task> flow)
    {
        var user = population.Lease();
        try
        {
            await flow(user);
        }
        finally
        {
            population.Return(user);
        }
    }

    /// <summary>
    /// A password user held by this flow alone: parallel attempts on one name count toward its lockout before the
    /// password is checked (as in Cognito), so concurrent sign-ins of one user would lock it out.
    /// </summary>
    private async Task WithPasswordUserAsync(Func<string, Task> flow)
    {
        var user = population.LeasePasswordUser();
        try
        {
            await flow(user);
        }
        finally
        {
            population.ReturnPasswordUser(user);
        }
    }

    private static async Task<string> ReceiveAsync(Func<CancellationToken, Task<string>> code, Recorder? recorder, string label, CancellationToken cancellationToken)
    {
        var waited = Timer.Start();
        var value = await code(cancellationToken);
        recorder?.Record(label, waited.Elapsed);
        return value;
    }

    private static void Require(CognitoAnswer answer, string step)
    {
        if (!answer.Ok)
        {
            throw new FlowException($"{step}: {answer.Describe()}");
        }
    }

    private static void Expect(CognitoAnswer answer, string step, string challenge)
    {
        Require(answer, step);
        if (answer.Body?["ChallengeName"]?.GetValue<string>() != challenge)
        {
            throw new FlowException($"{step}: expected the {challenge} challenge");
        }
    }

    private static JsonNode Tokens(CognitoAnswer answer, string step)
    {
        Require(answer, step);
        var result = answer.Body?["AuthenticationResult"];
        if (result?["IdToken"] is null || result["AccessToken"] is null)
        {
            throw new FlowException($"{step}: no tokens in the answer");
        }

        return result;
    }
}

/// <summary>
/// The users the flows run as: phone numbers created before timing starts, the refresh tokens of some of them, and
/// a few users with a password. Numbers are <c>+1</c> and 14 digits (E.164's maximum): a kind digit, a random run id
/// and a sequence, so runs against the same server do not collide. With <c>emails</c>, logins are addresses under
/// <c>bench.invalid</c> (RFC 2606: never deliverable) built the same way.
/// </summary>
internal sealed class Population(bool emails = false)
{
    private readonly ConcurrentQueue<string> _free = new();
    private readonly string _runId = RandomNumberGenerator.GetInt32(0, 100_000).ToString("D5", CultureInfo.InvariantCulture);
    private readonly List<string> _users = [];
    private string[] _refreshTokens = [];
    private readonly ConcurrentQueue<string> _passwordUsers = new();
    private long _sequence;

    public string Password { get; } = "Bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "!A1";

    public IReadOnlyList<string> Users => _users;

    /// <summary>A login no other flow of this run uses. Kind 8: the population; kind 9: sign-ups; kind 7: password users.</summary>
    public string NewLogin(int kind = 9) => emails
        ? string.Create(CultureInfo.InvariantCulture, $"u{kind}{_runId}{Interlocked.Increment(ref _sequence):D8}@bench.invalid")
        : string.Create(CultureInfo.InvariantCulture, $"+1{kind}{_runId}{Interlocked.Increment(ref _sequence):D8}");

    public void Add(string phone)
    {
        lock (_users)
        {
            _users.Add(phone);
        }

        _free.Enqueue(phone);
    }

    public void SetRefreshTokens(IEnumerable<string> tokens) => _refreshTokens = [.. tokens];

    public void SetPasswordUsers(IEnumerable<string> users)
    {
        foreach (var user in users)
        {
            _passwordUsers.Enqueue(user);
        }
    }

    public string Lease()
    {
        // There are at least as many users as workers, so one is always free.
        return _free.TryDequeue(out var user) ? user : throw new InvalidOperationException("population accounting is broken");
    }

    public void Return(string user) => _free.Enqueue(user);

    public string RefreshToken() =>
        _refreshTokens.Length == 0 ? throw new FlowException("no refresh tokens were prepared") : _refreshTokens[RandomNumberGenerator.GetInt32(_refreshTokens.Length)];

    public string LeasePasswordUser() =>
        _passwordUsers.TryDequeue(out var user) ? user : throw new FlowException("no password user is free (fewer password users than workers)");

    public void ReturnPasswordUser(string user) => _passwordUsers.Enqueue(user);

    private const string SeedHeader = "cognito:username,phone_number,phone_number_verified";

    /// <summary>Writes <paramref name="count"/> population logins (kind 8) as a Cognito user export, for <c>sesame import cognito</c>.</summary>
    public static async Task WriteSeedCsvAsync(string path, int count, CancellationToken cancellationToken)
    {
        var population = new Population();
        await using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), bufferSize: 1 << 16);
        await writer.WriteLineAsync(SeedHeader.AsMemory(), cancellationToken);
        for (var i = 0; i < count; i++)
        {
            var phone = population.NewLogin(kind: 8);
            await writer.WriteLineAsync($"{phone},{phone},true".AsMemory(), cancellationToken);
        }
    }

    /// <summary><paramref name="count"/> logins of a seed file drawn at random (all of them, shuffled, when it holds fewer).</summary>
    public static async Task<string[]> ReadSeedCsvAsync(string path, int count, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        if (lines.Length == 0 || lines[0] != SeedHeader)
        {
            throw new ArgumentException($"--seeded {path}: not a file written by seed-csv");
        }

        var logins = lines.AsSpan(1).ToArray().Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]).ToArray();
        RandomNumberGenerator.Shuffle(logins.AsSpan());
        return logins.Length <= count ? logins : logins[..count];
    }
}
