using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sesame.Tests.TestSupport;

/// <summary>One request an HTTP trigger received.</summary>
internal sealed record HookRequest(string Trigger, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// A real HTTP server on loopback standing in for a team's trigger endpoint: POST /{trigger} runs the handler the test
/// gives and records every request. Stops when disposed.
/// </summary>
internal sealed class HookServer : IAsyncDisposable
{
    public const string Secret = "test-hook-secret-0123456789abcdef0123456789";

    private readonly WebApplication _app;

    private HookServer(WebApplication app) => _app = app;

    public ConcurrentQueue<HookRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = string.Empty;

    public IEnumerable<HookRequest> For(string trigger) => Requests.Where(r => r.Trigger == trigger);

    /// <summary>Starts a server whose handler answers (status, body) for a trigger and its parsed event.</summary>
    public static async Task<HookServer> StartAsync(Func<string, JsonNode, Task<(int Status, string Body)>> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new HookServer(app);
        app.MapPost("/{trigger}", async (string trigger, HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            server.Requests.Enqueue(new HookRequest(trigger,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            var (status, answer) = await handler(trigger, JsonNode.Parse(body)!);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(answer));
        });
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    /// <summary>Settings that make <paramref name="triggers"/> of the development pool HTTP triggers of this server.</summary>
    public Dictionary<string, string?> Settings(params string[] triggers)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var trigger in triggers)
        {
            settings[$"Sesame:UserPools:{SesameApp.PoolId}:Triggers:{trigger}:Url"] = $"{BaseUrl}/{trigger}";
            settings[$"Sesame:UserPools:{SesameApp.PoolId}:Triggers:{trigger}:Secret"] = Secret;
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
