using Microsoft.AspNetCore.Http;
using Sesame.Host.CommandLine;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CommandLine;

/// <summary>
/// <c>sesame health</c>, the container's HEALTHCHECK: a real HTTP request to a server on loopback, exit 0 only on 200.
/// (The conformance suite runs the Dockerfile's own HEALTHCHECK line against the published server.)
/// </summary>
public sealed class HealthCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await SesameCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Health_AsksLiveOrReady_ExitZeroOnlyOn200()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Handler = (context, request) =>
        {
            context.Response.StatusCode = request.Path == "/health/live" ? 200 : 503;
            return context.Response.WriteAsync(request.Path == "/health/live" ? "{\"status\":\"live\"}" : "{\"status\":\"not ready\"}");
        };
        var port = new Uri(server.Url).Port;

        // The address comes from the Urls the server listens on (a wildcard host is asked on loopback).
        var live = await RunAsync("health", "--urls", $"http://0.0.0.0:{port}");
        Assert.Equal(ExitCodes.Ok, live.Code);
        Assert.Contains("200", live.Out, StringComparison.Ordinal);
        var ready = await RunAsync("health", "--ready", "--url", server.Url + "/health/ready");
        Assert.Equal(ExitCodes.Unavailable, ready.Code);
        Assert.Contains("503", ready.Err, StringComparison.Ordinal);
        Assert.Equal(["/health/live", "/health/ready"], server.Requests.Select(r => r.Path));

        await server.DisposeAsync();
        var none = await RunAsync("health", "--url", $"http://127.0.0.1:{port}/health/live", "--timeout", "2");
        Assert.Equal(ExitCodes.Unavailable, none.Code);
        Assert.Contains("No answer", none.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/health/live")]
    [InlineData("http://[::]:8080;https://*:8443", "http://[::1]:8080/health/live")]
    [InlineData("https://auth.example.com:8443", "https://auth.example.com:8443/health/live")]
    [InlineData("http://127.0.0.1:9229/", "http://127.0.0.1:9229/health/live")]
    public void ProbeUri_FromUrls_FirstHttpAddressOnLoopback(string urls, string expected) =>
        Assert.Equal(expected, HealthCommands.ProbeUri(urls, "/health/live")!.ToString());
}
