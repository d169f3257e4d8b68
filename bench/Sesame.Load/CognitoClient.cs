using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sesame.Load;

/// <summary>A Cognito answer: the HTTP status and the parsed body (null when it is not JSON).</summary>
internal sealed record CognitoAnswer(int Status, JsonNode? Body)
{
    public bool Ok => Status == 200;

    public string Describe() => Ok ? "200" : $"{Status} {Body?["__type"]?.GetValue<string>() ?? "(no __type)"}";

    public string Text(string property) =>
        Body?[property]?.GetValue<string>() ?? throw new FlowException($"the answer has no {property}");
}

/// <summary>A flow that did not end as it should: counted as failed, never retried.</summary>
internal sealed class FlowException(string message) : Exception(message);

/// <summary>
/// Calls Cognito operations over one shared keep-alive connection pool (at most <c>connections</c> connections), the
/// way the AWS SDKs put them on the wire. No retries, no redirects.
/// </summary>
internal sealed class CognitoClient : IDisposable
{
    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly SigV4? _admin;

    private readonly Uri[] _endpoints;
    private uint _next;

    /// <param name="more">Other nodes of the same deployment: calls go round-robin over <paramref name="endpoint"/> and these.</param>
    public CognitoClient(Uri endpoint, int connections, SigV4? admin = null, IReadOnlyList<Uri>? more = null)
    {
        Endpoint = endpoint;
        _endpoints = [endpoint, .. more ?? []];
        _admin = admin;
        _http = CreateHttpClient(connections);
        _http.BaseAddress = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>A client tuned for load: pooled keep-alive connections, bounded, no proxy, no redirects, no cookies.</summary>
    public static HttpClient CreateHttpClient(int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
        };

    /// <summary>Calls one public operation and records its latency under <paramref name="label"/> (e.g. <c>InitiateAuth(CUSTOM_AUTH)</c>).</summary>
    public Task<CognitoAnswer> CallAsync(string operation, string label, JsonObject body, Recorder? recorder, CancellationToken cancellationToken) =>
        SendAsync(operation, label, body, signed: false, recorder, cancellationToken);

    /// <summary>Calls an IAM-authorised (admin) operation, signed with Signature Version 4.</summary>
    public Task<CognitoAnswer> AdminAsync(string operation, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(operation, operation, body, signed: true, recorder: null, cancellationToken);

    public async Task<string> GetStringAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        await _http.GetStringAsync(new Uri(pathAndQuery, UriKind.Relative), cancellationToken);

    private async Task<CognitoAnswer> SendAsync(string operation, string label, JsonObject body, bool signed, Recorder? recorder, CancellationToken cancellationToken)
    {
        var payload = Json.Utf8(body);
        var node = _endpoints.Length == 1 ? Endpoint : _endpoints[Interlocked.Increment(ref _next) % (uint)_endpoints.Length];
        using var request = new HttpRequestMessage(HttpMethod.Post, node) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = AmzJson;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AWSCognitoIdentityProviderService." + operation);
        if (signed)
        {
            var admin = _admin ?? throw new InvalidOperationException("no admin access key was given (--admin-key)");
            admin.Sign(request, payload, DateTimeOffset.UtcNow);
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        recorder?.Record(label, Stopwatch.GetElapsedTime(started));
        JsonNode? json = null;
        if (bytes.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(bytes);
            }
            catch (JsonException)
            {
                // Reported through the status; a non-JSON 200 fails where a property is read.
            }
        }

        return new CognitoAnswer((int)response.StatusCode, json);
    }

    public void Dispose() => _http.Dispose();
}
