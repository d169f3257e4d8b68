using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sesame.Load;

/// <summary>
/// <c>Sesame.Load enumeration</c>: for each operation that takes a login, N interleaved requests for a known user and
/// for an unknown login, one at a time, reporting the medians, |Δ median| (goal ≤ 2 ms) and whether the bodies are
/// identical once the parts that are random per call (sessions, subs, SRP values, masked digits) are masked. Meant for
/// a Development server with <c>EnumerationMode: Strict</c> and the limits off (bench/enumeration.sh).
/// </summary>
internal static partial class Enumeration
{
    private const string Password = "Bench-password-1";

    public static async Task<JsonObject> RunAsync(Uri endpoint, string clientId, int requests, TextWriter output, CancellationToken cancellationToken)
    {
        using var client = new CognitoClient(endpoint, 1);
        var codes = new OutboxReader(client, TimeSpan.FromSeconds(10));
        var confirmed = Phone();
        var unconfirmed = Phone();
        var unknown = Phone();
        var code = await codes.ExpectAsync(confirmed, cancellationToken);
        Require(await client.CallAsync("SignUp", "setup", new JsonObject { ["ClientId"] = clientId, ["Username"] = confirmed, ["Password"] = Password }, null, cancellationToken));
        Require(await client.CallAsync("ConfirmSignUp", "setup", new JsonObject
        {
            ["ClientId"] = clientId, ["Username"] = confirmed, ["ConfirmationCode"] = await code(cancellationToken),
        }, null, cancellationToken));
        Require(await client.CallAsync("SignUp", "setup", new JsonObject { ["ClientId"] = clientId, ["Username"] = unconfirmed }, null, cancellationToken));

        JsonObject Auth(string flow, string login, JsonObject? extra = null)
        {
            var parameters = new JsonObject { ["USERNAME"] = login };
            foreach (var (key, value) in extra ?? [])
            {
                parameters[key] = value?.DeepClone();
            }

            return new JsonObject { ["ClientId"] = clientId, ["AuthFlow"] = flow, ["AuthParameters"] = parameters };
        }

        var cases = new (string Name, string Operation, Func<JsonObject> Known, Func<JsonObject> Unknown)[]
        {
            ("InitiateAuth CUSTOM_AUTH", "InitiateAuth", () => Auth("CUSTOM_AUTH", confirmed), () => Auth("CUSTOM_AUTH", unknown)),
            ("InitiateAuth USER_AUTH (SMS_OTP)", "InitiateAuth",
                () => Auth("USER_AUTH", confirmed, new JsonObject { ["PREFERRED_CHALLENGE"] = "SMS_OTP" }),
                () => Auth("USER_AUTH", unknown, new JsonObject { ["PREFERRED_CHALLENGE"] = "SMS_OTP" })),
            ("InitiateAuth USER_PASSWORD_AUTH (wrong password)", "InitiateAuth",
                () => Auth("USER_PASSWORD_AUTH", confirmed, new JsonObject { ["PASSWORD"] = "Wrong-password-1" }),
                () => Auth("USER_PASSWORD_AUTH", unknown, new JsonObject { ["PASSWORD"] = "Wrong-password-1" })),
            ("InitiateAuth USER_SRP_AUTH", "InitiateAuth",
                () => Auth("USER_SRP_AUTH", confirmed, new JsonObject { ["SRP_A"] = SrpA }),
                () => Auth("USER_SRP_AUTH", unknown, new JsonObject { ["SRP_A"] = SrpA })),
            ("SignUp (strict: a confirmed user's number / a new one)", "SignUp",
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = confirmed },
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = Phone() }),
            ("ResendConfirmationCode (unconfirmed user)", "ResendConfirmationCode",
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = unconfirmed },
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = unknown }),
            ("ConfirmSignUp (unconfirmed user, wrong code)", "ConfirmSignUp",
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = unconfirmed, ["ConfirmationCode"] = "000000" },
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = unknown, ["ConfirmationCode"] = "000000" }),
            ("ForgotPassword (confirmed user, verified phone)", "ForgotPassword",
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = confirmed },
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = unknown }),
            ("ConfirmForgotPassword (confirmed user, wrong code)", "ConfirmForgotPassword",
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = confirmed, ["ConfirmationCode"] = "000000", ["Password"] = Password + "x" },
                () => new JsonObject { ["ClientId"] = clientId, ["Username"] = unknown, ["ConfirmationCode"] = "000000", ["Password"] = Password + "x" }),
        };

        var results = new JsonArray();
        await output.WriteLineAsync($"| Operation ({requests} known + {requests} unknown, interleaved) | median known (ms) | median unknown (ms) | abs(Δ median) (ms) | bodies identical after masking |");
        await output.WriteLineAsync("|---|---|---|---|---|");
        var random = new Random(1);
        foreach (var (name, operation, known, stranger) in cases)
        {
            var times = (Known: new List<double>(requests), Unknown: new List<double>(requests));
            var bodies = (Known: new HashSet<string>(StringComparer.Ordinal), Unknown: new HashSet<string>(StringComparer.Ordinal));
            for (var i = 0; i < requests; i++)
            {
                // Which side goes first changes at random, so drift (GC, other load) falls on both alike.
#pragma warning disable CA5394 // the order of a benchmark's requests, not security
                var knownFirst = random.Next(2) == 0;
#pragma warning restore CA5394
                for (var side = 0; side < 2; side++)
                {
                    var isKnown = (side == 0) == knownFirst;
                    var clock = Stopwatch.StartNew();
                    var answer = await client.CallAsync(operation, name, isKnown ? known() : stranger(), null, cancellationToken);
                    var elapsed = clock.Elapsed.TotalMilliseconds;
                    (isKnown ? times.Known : times.Unknown).Add(elapsed);
                    (isKnown ? bodies.Known : bodies.Unknown).Add(Mask(answer));
                }
            }

            var (mk, mu) = (Median(times.Known), Median(times.Unknown));
            var identical = bodies.Known.SetEquals(bodies.Unknown);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {mk:0.00} | {mu:0.00} | {Math.Abs(mk - mu):0.00} | {(identical ? "yes" : "no")} |"));
            if (!identical)
            {
                await output.WriteLineAsync($"  known: {string.Join(" ; ", bodies.Known.Take(3))}");
                await output.WriteLineAsync($"  unknown: {string.Join(" ; ", bodies.Unknown.Take(3))}");
            }

            results.Add(new JsonObject
            {
                ["operation"] = name, ["requests"] = requests, ["medianKnownMs"] = Math.Round(mk, 3), ["medianUnknownMs"] = Math.Round(mu, 3),
                ["deltaMedianMs"] = Math.Round(Math.Abs(mk - mu), 3), ["bodiesIdentical"] = identical,
            });
        }

        return new JsonObject { ["requests"] = requests, ["operations"] = results };
    }

    // A valid SRP_A (a small power of g is fine for the server's work: it only refuses A ≡ 0 mod N).
    private const string SrpA = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

    private static string Phone() => "+1555" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);

    private static void Require(CognitoAnswer answer)
    {
        if (!answer.Ok)
        {
            throw new FlowException("setup failed: " + answer.Describe());
        }
    }

    /// <summary>The status and body with what is random per call masked.</summary>
    private static string Mask(CognitoAnswer answer)
    {
        var text = answer.Body?.ToJsonString() ?? string.Empty;
        text = RandomValue().Replace(text, m => $"\"{m.Groups[1].Value}\":\"…\"");
        text = Uuid().Replace(text, "UUID");
        text = MaskedPhone().Replace(text, "+*******####");
        return answer.Status + " " + text;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    [GeneratedRegex("\"(Session|UserSub|SRP_B|SALT|SECRET_BLOCK|USER_ID_FOR_SRP|USERNAME|Destination|CODE_DELIVERY_DESTINATION)\":\"[^\"]*\"")]
    private static partial Regex RandomValue();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"\+\*+\d{4}")]
    private static partial Regex MaskedPhone();
}
