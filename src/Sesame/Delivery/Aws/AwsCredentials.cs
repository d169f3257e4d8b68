using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Sesame.Configuration;

namespace Sesame.Delivery.Aws;

/// <summary>A set of AWS credentials; temporary ones carry a session token and an expiry.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken, DateTimeOffset? Expiration)
{
    /// <summary>Never the secret or the token: a record would print every member.</summary>
    public override string ToString() => $"AWS credentials (expire {Expiration?.ToString("O", CultureInfo.InvariantCulture) ?? "never"})";
}

/// <summary>
/// What the credential chain reads from the process: environment variables, the home directory, and the container
/// credentials host (fixed in ECS; a test points it at loopback).
/// </summary>
internal sealed class AwsEnvironment(Func<string, string?> variable, string? home, string containerHost = "http://169.254.170.2")
{
    public static AwsEnvironment Process { get; } = new(
        Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    public string? Get(string name) => variable(name) is { Length: > 0 } value ? value : null;

    public string? Home { get; } = string.IsNullOrEmpty(home) ? null : home;

    /// <summary>Where <c>AWS_CONTAINER_CREDENTIALS_RELATIVE_URI</c> is resolved (ECS: <c>http://169.254.170.2</c>).</summary>
    public string ContainerHost { get; } = containerHost;
}

/// <summary>
/// The credentials an SNS or SES provider signs with. Static keys when the provider sets <c>AccessKeyId</c>; otherwise the
/// AWS SDKs' default chain, in their order (docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html):
/// <list type="number">
/// <item>the environment: <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>;</item>
/// <item>the shared files: the provider's <c>Profile</c> or <c>AWS_PROFILE</c> (else <c>default</c>) in
/// <c>AWS_SHARED_CREDENTIALS_FILE</c> (<c>~/.aws/credentials</c>), then in <c>AWS_CONFIG_FILE</c> (<c>~/.aws/config</c>),
/// with static keys (<c>aws_access_key_id</c>, <c>aws_secret_access_key</c>, <c>aws_session_token</c>);</item>
/// <item>the container endpoint (ECS, EKS Pod Identity): <c>AWS_CONTAINER_CREDENTIALS_RELATIVE_URI</c> or
/// <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>, with <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c> or
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c> as the <c>Authorization</c> header;</item>
/// <item>the instance endpoint (IMDSv2): <c>PUT /latest/api/token</c>, then the role and its credentials under
/// <c>/latest/meta-data/iam/security-credentials/</c>, at <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> (default
/// <c>http://169.254.169.254</c>) unless <c>AWS_EC2_METADATA_DISABLED=true</c>.</item>
/// </list>
/// Temporary credentials are fetched again <see cref="RefreshBefore"/> their expiry; if that fails while they are still
/// valid, they go on being used. Nothing here logs a key, a secret or a token.
/// </summary>
internal sealed partial class AwsCredentialSource(
    string provider, DeliveryProviderOptions options, HttpClient http, TimeProvider time, AwsEnvironment environment, ILogger logger)
{
    /// <summary>How long before their expiry temporary credentials are fetched again.</summary>
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly AwsCredentials? _static = string.IsNullOrEmpty(options.AccessKeyId)
        ? null
        : new AwsCredentials(options.AccessKeyId, options.SecretAccessKey ?? string.Empty, options.SessionToken, null);

    private AwsCredentials? _current;
    private Task<AwsCredentials>? _refreshing;

    public AwsCredentialSource(string provider, DeliveryProviderOptions options, HttpClient http, TimeProvider time)
        : this(provider, options, http, time, AwsEnvironment.Process, NullLogger.Instance)
    {
    }

    /// <summary>The credentials to sign with now; throws a <see cref="DeliveryException"/> when no source has any.</summary>
    public async ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken)
    {
        if (_static is not null)
        {
            return _static;
        }

        var current = Volatile.Read(ref _current);
        if (current is not null && !Due(current))
        {
            return current;
        }

        // One fetch at a time, shared by every send that needs it; a caller that gives up does not cancel it for the others.
        Task<AwsCredentials> refresh;
        lock (_lock)
        {
            refresh = _refreshing ??= Task.Run(() => RefreshAsync(current));
        }

        return await refresh.WaitAsync(cancellationToken);
    }

    private async Task<AwsCredentials> RefreshAsync(AwsCredentials? current)
    {
        try
        {
            using var timeout = new CancellationTokenSource(FetchTimeout, time);
            (AwsCredentials, string) resolved;
            try
            {
                resolved = await ResolveAsync(timeout.Token);
            }
            catch (OperationCanceledException e)
            {
                throw new DeliveryException($"{provider}: no AWS credentials within {FetchTimeout.TotalSeconds:0} s.", DeliveryFailure.Transient, e);
            }

            var (found, source) = resolved;
            Volatile.Write(ref _current, found);
            Log.Resolved(logger, provider, source, found.Expiration?.ToString("O", CultureInfo.InvariantCulture) ?? "never");
            return found;
        }
        catch (DeliveryException e) when (current?.Expiration is { } expiry && time.GetUtcNow() < expiry)
        {
            // The refresh failed, but what we hold is still good for a few minutes: use it, try again next time.
            Log.RefreshFailed(logger, provider, e.Message);
            return current;
        }
        finally
        {
            lock (_lock)
            {
                _refreshing = null;
            }
        }
    }

    private bool Due(AwsCredentials credentials) =>
        credentials.Expiration is { } expiry && time.GetUtcNow() >= expiry - RefreshBefore;

    private async Task<(AwsCredentials Credentials, string Source)> ResolveAsync(CancellationToken cancellationToken)
    {
        if (environment.Get("AWS_ACCESS_KEY_ID") is { } id)
        {
            var secret = environment.Get("AWS_SECRET_ACCESS_KEY")
                ?? throw new DeliveryException($"{provider}: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not.", DeliveryFailure.Provider);
            return (new AwsCredentials(id, secret, environment.Get("AWS_SESSION_TOKEN"), null), "environment variables");
        }

        var profile = options.Profile ?? environment.Get("AWS_PROFILE") ?? "default";
        if (FromSharedFiles(profile) is { } shared)
        {
            return shared;
        }

        if (environment.Get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") is { } relative)
        {
            return (await FromContainerAsync(new Uri(environment.ContainerHost.TrimEnd('/') + "/" + relative.TrimStart('/')), cancellationToken), "the container endpoint");
        }

        if (environment.Get("AWS_CONTAINER_CREDENTIALS_FULL_URI") is { } full)
        {
            return (await FromContainerAsync(ContainerUri(full), cancellationToken), "the container endpoint");
        }

        if (!string.Equals(environment.Get("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return (await FromInstanceAsync(cancellationToken), "the instance role (IMDSv2)");
        }

        throw new DeliveryException(
            $"{provider}: no AWS credentials: no AccessKeyId, no AWS_ACCESS_KEY_ID, no static keys in profile '{profile}', no container endpoint, and the instance endpoint is disabled.",
            DeliveryFailure.Provider);
    }

    // ---- the shared credentials and config files -------------------------------------------------------------------

    private (AwsCredentials, string)? FromSharedFiles(string profile)
    {
        var credentialsFile = environment.Get("AWS_SHARED_CREDENTIALS_FILE") ?? HomeFile("credentials");
        var configFile = environment.Get("AWS_CONFIG_FILE") ?? HomeFile("config");
        // The credentials file names a section [name]; the config file [profile name], except [default].
        foreach (var (file, section) in new[] { (credentialsFile, profile), (configFile, profile == "default" ? "default" : "profile " + profile) })
        {
            if (file is null || !File.Exists(file))
            {
                continue;
            }

            var keys = IniSection(File.ReadAllLines(file), section);
            if (keys is not null && keys.TryGetValue("aws_access_key_id", out var id) && keys.TryGetValue("aws_secret_access_key", out var secret))
            {
                return (new AwsCredentials(id, secret, keys.GetValueOrDefault("aws_session_token"), null), $"profile '{profile}' of the shared {(section == profile ? "credentials" : "config")} file");
            }
        }

        return null;
    }

    private string? HomeFile(string name) => environment.Home is { } home ? Path.Combine(home, ".aws", name) : null;

    /// <summary>The keys of one <c>[section]</c> of an INI file (names lower-cased, values trimmed), or null when it has none.</summary>
    internal static Dictionary<string, string>? IniSection(IEnumerable<string> lines, string section)
    {
        Dictionary<string, string>? keys = null;
        var inside = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line[^1] == ']')
            {
                inside = string.Equals(line[1..^1].Trim(), section, StringComparison.Ordinal);
                if (inside)
                {
                    keys ??= new Dictionary<string, string>(StringComparer.Ordinal);
                }

                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (inside && equals > 0)
            {
                keys![line[..equals].Trim().ToLowerInvariant()] = line[(equals + 1)..].Trim();
            }
        }

        return keys;
    }

    // ---- the container endpoint ------------------------------------------------------------------------------------

    /// <summary>
    /// As the SDKs do, a full URI must be HTTPS, or HTTP to loopback or to the ECS/EKS container hosts: credentials are
    /// never fetched in the clear from anywhere else.
    /// </summary>
    private Uri ContainerUri(string full)
    {
        if (!Uri.TryCreate(full, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new DeliveryException($"{provider}: AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute http(s) URL.", DeliveryFailure.Provider);
        }

        if (uri.Scheme == "http" && !uri.IsLoopback && uri.Host is not ("169.254.170.2" or "169.254.170.23" or "[fd00:ec2::23]"))
        {
            throw new DeliveryException($"{provider}: AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to loopback or the container host 169.254.170.2/169.254.170.23.", DeliveryFailure.Provider);
        }

        return uri;
    }

    private async Task<AwsCredentials> FromContainerAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        var tokenFile = environment.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        var token = tokenFile is not null ? (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim() : environment.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        var body = await FetchAsync(request, "the container endpoint", DeliveryFailure.Transient, cancellationToken);
        return Parse(body, "the container endpoint");
    }

    // ---- the instance endpoint (IMDSv2) ----------------------------------------------------------------------------

    private async Task<AwsCredentials> FromInstanceAsync(CancellationToken cancellationToken)
    {
        var endpoint = (environment.Get("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? "http://169.254.169.254").TrimEnd('/');
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(MetadataTimeout);
        try
        {
            // Not on EC2 (or the hop limit is too low): the provider has no credentials, so the chain's next provider gets the message at once.
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, endpoint + "/latest/api/token");
            tokenRequest.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", "21600");
            var token = (await FetchAsync(tokenRequest, "the instance endpoint", DeliveryFailure.Provider, timeout.Token)).Trim();

            using var roleRequest = new HttpRequestMessage(HttpMethod.Get, endpoint + "/latest/meta-data/iam/security-credentials/");
            roleRequest.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token);
            var role = (await FetchAsync(roleRequest, "the instance endpoint", DeliveryFailure.Provider, timeout.Token))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                ?? throw new DeliveryException($"{provider}: the instance has no IAM role.", DeliveryFailure.Provider);

            using var credentialsRequest = new HttpRequestMessage(HttpMethod.Get, endpoint + "/latest/meta-data/iam/security-credentials/" + Uri.EscapeDataString(role));
            credentialsRequest.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token);
            return Parse(await FetchAsync(credentialsRequest, "the instance endpoint", DeliveryFailure.Provider, timeout.Token), "the instance endpoint");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException($"{provider}: the instance endpoint did not answer within {MetadataTimeout.TotalSeconds:0} s.", DeliveryFailure.Provider, e);
        }
    }

    private async Task<string> FetchAsync(HttpRequestMessage request, string where, DeliveryFailure failure, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // The body is not echoed: a credentials endpoint's answer is no place to copy text from.
                throw new DeliveryException($"{provider}: {where} answered {(int)response.StatusCode} to {request.Method} {request.RequestUri!.AbsolutePath}.",
                    response.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError ? DeliveryFailure.Transient : failure);
            }

            return body;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException)
        {
            throw new DeliveryException($"{provider}: {where} could not be reached ({e.GetType().Name}).", failure, e);
        }
    }

    /// <summary>Both endpoints answer <c>{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}</c> (IMDS adds <c>"Code": "Success"</c>).</summary>
    private AwsCredentials Parse(string body, string where)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (Text("Code") is { } code && code != "Success")
            {
                throw new DeliveryException($"{provider}: {where} answered Code {code}.", DeliveryFailure.Provider);
            }

            var id = Text("AccessKeyId");
            var secret = Text("SecretAccessKey");
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
            {
                throw new DeliveryException($"{provider}: {where} answered without AccessKeyId and SecretAccessKey.", DeliveryFailure.Provider);
            }

            DateTimeOffset? expiration = Text("Expiration") is { } e
                && DateTimeOffset.TryParse(e, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
            return new AwsCredentials(id, secret, Text("Token"), expiration);
        }
        catch (JsonException e)
        {
            throw new DeliveryException($"{provider}: {where} answered something that is not JSON.", DeliveryFailure.Provider, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Information, "Delivery provider {Provider} signs with AWS credentials from {Source} (valid until {Expiration}).")]
        public static partial void Resolved(ILogger logger, string provider, string source, string expiration);

        [LoggerMessage(31, LogLevel.Warning, "Delivery provider {Provider} could not refresh its AWS credentials ({Reason}); the current ones are still valid and stay in use.")]
        public static partial void RefreshFailed(ILogger logger, string provider, string reason);
    }
}
