using System.Globalization;
using System.Net;

namespace Sesame.Load;

/// <summary>What a load run does: the parsed command line.</summary>
internal sealed record LoadOptions
{
    public const int MaxDurationSeconds = 600;

    public Uri Endpoint { get; init; } = new("http://127.0.0.1:9229/");

    /// <summary>More nodes of the same deployment (<c>--also-endpoint</c>): requests go round-robin over all, every step of a flow to the next one.</summary>
    public IReadOnlyList<Uri> MoreEndpoints { get; init; } = [];

    public string PoolId { get; init; } = "us-east-1_SesameDev";

    public string ClientId { get; init; } = "sesamedevclient0000000000";

    public IReadOnlyList<string> Flows { get; init; } = [FlowNames.SignIn];

    public int Concurrency { get; init; } = 16;

    /// <summary>Connections in the pool; by default one per worker.</summary>
    public int? Connections { get; init; }

    public int Users { get; init; } = 1000;

    /// <summary>A <c>seed-csv</c> file of users already in the store: the population is drawn from it, none created.</summary>
    public string? SeededPath { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When set, each flow runs this many times instead of for <see cref="Duration"/>.</summary>
    public long? Count { get; init; }

    /// <summary>
    /// When set, flows start at this many per second in all (<c>--rate</c>), each worker taking the next start time of one
    /// shared schedule, so latency can be read at a chosen fraction of the peak rate; <see cref="Concurrency"/> still
    /// bounds how many run at once, and the rate reached is reported (a server that cannot keep up falls behind it).
    /// </summary>
    public double? Rate { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    public string? JsonPath { get; init; }

    /// <summary><c>keyId:secret</c> of an admin access key: users are then created with AdminCreateUser.</summary>
    public string? AdminKey { get; init; }

    /// <summary><c>http</c> (the generator's delivery endpoint) or <c>outbox</c> (<c>GET /dev/outbox</c>).</summary>
    public string Codes { get; init; } = "http";

    public IPEndPoint DeliveryListen { get; init; } = new(IPAddress.Loopback, 0);

    public string? DeliverySecret { get; init; }

    public string SignatureHeader { get; init; } = "X-Sesame-Signature";

    public TimeSpan CodeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to measure the generator's own request rate before the flows; zero skips it.</summary>
    public TimeSpan Overhead { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to measure the RS256 signing ceiling before the flows, on every core; zero skips it.</summary>
    public TimeSpan Ceiling { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>sesame</c>, or <c>cognito-local</c>: the peer's dialect (a pool and client created through its API, email
    /// usernames, one fixed code from its <c>CODE</c> setting, refresh through InitiateAuth only, refresh tokens from
    /// password sign-ins).
    /// </summary>
    public string Target { get; init; } = "sesame";

    /// <summary>The code every message carries (<c>--codes fixed:CODE</c>), for servers that have no delivery to observe.</summary>
    public string? FixedCode => Codes.StartsWith("fixed:", StringComparison.Ordinal) ? Codes[6..] : null;

    public bool IsCognitoLocal => Target == "cognito-local";

    /// <summary>The server's process id on this machine: its CPU time per flow is then reported (Linux /proc).</summary>
    public int? ServerPid { get; init; }

    public string Region => PoolId.Split('_')[0];

    /// <summary>Checks what the parser cannot: bounds, loopback, flows, and that there is a way to get codes.</summary>
    public LoadOptions Validated()
    {
        Loopback.Require(Endpoint.ToString(), "--endpoint");
        if (!IPAddress.IsLoopback(DeliveryListen.Address))
        {
            throw new ArgumentException($"--delivery-listen: {DeliveryListen} is not a loopback address.");
        }

        if (Concurrency is < 1 or > 4096)
        {
            throw new ArgumentException("--concurrency must be between 1 and 4096.");
        }

        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromSeconds(MaxDurationSeconds))
        {
            throw new ArgumentException($"--duration must be between 1 and {MaxDurationSeconds} seconds.");
        }

        if (Count is < 1)
        {
            throw new ArgumentException("--count must be at least 1.");
        }

        if (Rate is not null and (<= 0 or > 100_000))
        {
            throw new ArgumentException("--rate must be above 0 and at most 100000 flows per second.");
        }

        if (Users < 1)
        {
            throw new ArgumentException("--users must be at least 1.");
        }

        foreach (var flow in Flows)
        {
            if (!FlowNames.All.Contains(flow))
            {
                throw new ArgumentException($"--flow: '{flow}' is not one of {string.Join(", ", FlowNames.All)}.");
            }
        }

        if (Codes is not ("http" or "outbox") && FixedCode is not { Length: >= 4 })
        {
            throw new ArgumentException("--codes must be http, outbox or fixed:CODE.");
        }

        if (Target is not ("sesame" or "cognito-local"))
        {
            throw new ArgumentException("--target must be sesame or cognito-local.");
        }

        if (Ceiling > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentException("--ceiling must be at most 60 seconds.");
        }

        return this;
    }

    public static IPEndPoint ParseEndPoint(string value, string setting) =>
        IPEndPoint.TryParse(value, out var endPoint) ? endPoint : throw new ArgumentException($"{setting}: '{value}' is not an address:port.");

    public static int ParseInt(string value, string setting) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{setting}: '{value}' is not a whole number.");

    public static long ParseLong(string value, string setting) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{setting}: '{value}' is not a whole number.");

    public static double ParseRate(string value, string setting) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
            ? r
            : throw new ArgumentException($"{setting}: '{value}' is not a number of flows per second.");

    public static TimeSpan ParseSeconds(string value, string setting) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
            ? TimeSpan.FromSeconds(s)
            : throw new ArgumentException($"{setting}: '{value}' is not a number of seconds.");
}
