
namespace Sesame.Configuration;

/// <summary>The <c>Sesame</c> configuration section: everything the server needs to run.</summary>
public sealed class SesameOptions
{
    public const string SectionName = "Sesame";

    /// <summary>
    /// Where Sesame keeps its SQLite database and generated secrets. Relative paths are resolved against the
    /// current directory. Set with <c>--data-dir</c> or <c>SESAME_DATA_DIR</c>. Default <c>./data</c>.
    /// </summary>
    public string DataDir { get; set; } = "data";

    /// <summary>
    /// The public base URL of this server (e.g. <c>https://auth.example.com</c>). Token issuers are
    /// <c>{PublicOrigin}/{userPoolId}</c>. Required outside the Development environment; in Development, when unset,
    /// the origin of each request is used.
    /// </summary>
    public string? PublicOrigin { get; set; }

    /// <summary>
    /// Reverse proxies (IP addresses or CIDR networks, e.g. <c>10.0.0.0/8</c>) whose <c>X-Forwarded-For</c>,
    /// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> are believed. Empty (the default): the client IP is the
    /// connection's peer and forwarded headers are ignored. Per-IP limits count the client found this way.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Who may read <c>GET /metrics</c>.</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>Storage engine settings.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Server-held secrets.</summary>
    public SecretOptions Secrets { get; set; } = new();

    /// <summary>Token signing keys: rotation (docs/configuration.md).</summary>
    public SigningKeyOptions SigningKeys { get; set; } = new();

    /// <summary>Which web origins browsers may call the Cognito API from (CORS).</summary>
    public CorsSettings Cors { get; set; } = new();

    /// <summary>The development outbox (<c>GET /dev/outbox</c>). On by default only in the Development environment.</summary>
    public DevOutboxOptions DevOutbox { get; set; } = new();

    /// <summary>How optional passwords are hashed.</summary>
    public PasswordOptions Passwords { get; set; } = new();

    /// <summary>Delivery providers, failover, retries (docs/delivery.md).</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>User pools keyed by pool id (<c>region_id</c>, e.g. <c>us-east-1_SesameDev</c>).</summary>
    public Dictionary<string, UserPoolOptions> UserPools { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Lambda function ARNs that CreateUserPool / UpdateUserPool may name in <c>LambdaConfig</c>, each mapped to the HTTP
    /// trigger that stands in for it (docs/configuration.md). A list, not a map: ARNs contain ':', the configuration
    /// key separator.
    /// </summary>
    public List<LambdaFunctionOptions> LambdaFunctions { get; set; } = [];

    /// <summary>
    /// Access keys (id → secret) that may sign IAM-authorised operations (Admin*, ListUsers, CreateUserPool, …) with
    /// AWS Signature Version 4. Empty outside development: no admin access until keys are configured.
    /// </summary>
    public Dictionary<string, string> AdminAccessKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Allow the pools' <c>OneTimeCode:TestNumbers</c> outside the Development environment. Default false: a declared
    /// test number stops the server at start-up, so a fixed code can never reach production by accident.
    /// </summary>
    public bool AllowTestNumbers { get; set; }

    /// <summary>Largest request body accepted on the Cognito endpoint, in bytes. Default 64 KiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>Which storage engine holds users, sessions and tokens.</summary>
public sealed class StorageOptions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary>
    /// <c>Sqlite</c> (default): one file under the data directory, one node. <c>Postgres</c>: a PostgreSQL database
    /// that several nodes share (docs/configuration.md).
    /// </summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// Connection string. SQLite: default <c>Data Source={DataDir}/sesame.db</c>. PostgreSQL: required, an Npgsql
    /// connection string such as <c>Host=db.internal;Port=5432;Username=sesame;Password=…;Database=sesame</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite <c>synchronous</c> mode: <c>Full</c> (default) makes every acknowledged write survive power loss;
    /// <c>Normal</c> survives process crashes only and is faster.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "Full";

    /// <summary>
    /// PostgreSQL only: how often a node re-reads what other nodes may have changed and it holds in memory (pools and
    /// app clients created through the API, signing keys). Default 2 seconds; 1 second to 5 minutes.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often expired limit counters (events no window counts any more, and keys left without events) are deleted,
    /// so counters of destinations and client IPs that never come back do not pile up. Default 10 minutes; 1 second
    /// to 1 day.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>How signing keys are rotated.</summary>
public sealed class SigningKeyOptions
{
    /// <summary>
    /// How long a new key is published in the JWKS before it signs, so verifiers that cache the JWKS (and every node)
    /// have it before the first token it signs. Default 1 hour; at least twice <c>Storage:RefreshInterval</c>.
    /// </summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rotate every pool's keys this long after the current ones started signing. Default none (rotate through the admin API).</summary>
    public TimeSpan? RotationInterval { get; set; }
}

/// <summary>Secrets the server uses for keyed hashes, session MACs and key encryption.</summary>
public sealed class SecretOptions
{
    /// <summary>
    /// Base64 master key of at least 32 bytes. Every node of a deployment must share it. When unset, a key is
    /// generated on first start and kept in <c>{DataDir}/master.key</c> (mode 0600).
    /// </summary>
    public string? MasterKey { get; set; }
}

/// <summary>The in-memory development outbox.</summary>
public sealed class DevOutboxOptions
{
    /// <summary>Serve <c>GET /dev/outbox</c> and print messages to the console. Default: on in Development only.</summary>
    public bool? Enabled { get; set; }

    /// <summary>How many messages the outbox keeps before dropping the oldest. Default 10,000.</summary>
    public int Capacity { get; set; } = 10_000;
}

/// <summary>
/// Cross-origin access for browser clients (Amplify and amazon-cognito-identity-js in a web page). It applies to the
/// Cognito API (<c>POST /</c>) and the JWKS and discovery documents only; never to <c>/dev/*</c>, <c>/admin/*</c>
/// or <c>/metrics</c>.
/// </summary>
public sealed class CorsSettings
{
    /// <summary>
    /// Origins such as <c>https://app.example.com</c>. Empty (the default outside Development): no cross-origin
    /// access. In Development the default is <c>*</c>, which is refused in any other environment.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

/// <summary>
/// Who may read <c>GET /metrics</c> (counts only, but they show traffic and refusals). Default: anyone who reaches the
/// server; put it behind an address list, an admin signature or both in production.
/// </summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// Client addresses or CIDR networks (e.g. <c>127.0.0.1</c>, <c>10.0.0.0/8</c>) that may read it; others get 404.
    /// The client is the connection's peer, or the forwarded client through <c>Sesame:TrustedProxies</c>. Empty: any.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Require an AWS SigV4 signature by a key of <c>Sesame:AdminAccessKeys</c> (as <c>/admin/*</c> does). Default false.</summary>
    public bool RequireSignature { get; set; }
}
