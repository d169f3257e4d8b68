using System.CommandLine;

namespace Sesame.Host.CommandLine;

/// <summary>
/// <c>sesame health</c>: asks a running server's health endpoint over HTTP and exits 0 on 200, 5 otherwise. It is the
/// container's <c>HEALTHCHECK</c> (the runtime images have no curl): it never opens the store, and finds the server where
/// the same configuration (<c>Urls</c>) says it listens.
/// </summary>
internal static class HealthCommands
{
    public static Command Create(CommandRun run)
    {
        var url = new Option<string?>("--url")
        {
            Description = "The endpoint to ask (default: the first address of the configured Urls, a wildcard host read as loopback, "
                + "and /health/live, or /health/ready with --ready).",
        };
        var urls = new Option<string?>("--urls")
        {
            Description = "The server's listening addresses, as `sesame serve --urls` takes them (default: the configured Urls setting).",
        };
        var ready = new Option<bool>("--ready") { Description = "Ask /health/ready (storage, migrations, signing keys) instead of /health/live." };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for the answer (default 3).",
            DefaultValueFactory = _ => 3,
        };
        var health = new Command("health", "Ask a running server whether it is healthy (GET /health/live, or /health/ready): exit 0 on 200, "
            + "5 on any other answer or none. For container health checks and scripts.") { url, urls, ready, timeout };
        health.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var path = parseResult.GetValue(ready) ? "/health/ready" : "/health/live";
            Uri target;
            if (parseResult.GetValue(url) is { } given)
            {
                if (!Uri.TryCreate(given, UriKind.Absolute, out target!) || target.Scheme is not ("http" or "https"))
                {
                    await error.WriteLineAsync($"--url: not an http or https URL: {given}");
                    return ExitCodes.Usage;
                }
            }
            else if (ProbeUri(parseResult.GetValue(urls) ?? SesameHost.CreateBuilder(run.HostArgs(parseResult)).Configuration["Urls"], path) is { } configured)
            {
                target = configured;
            }
            else
            {
                await error.WriteLineAsync("No http address in the Urls setting; give one with --url.");
                return ExitCodes.Usage;
            }

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(Math.Clamp(parseResult.GetValue(timeout), 0.1, 300)) };
            try
            {
                using var response = await client.GetAsync(target, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var line = $"{(int)response.StatusCode} {target}: {body.Trim()}";
                if (response.IsSuccessStatusCode)
                {
                    await parseResult.InvocationConfiguration.Output.WriteLineAsync(line);
                    return ExitCodes.Ok;
                }

                await error.WriteLineAsync(line);
                return ExitCodes.Unavailable;
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"No answer from {target}: {failure.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return health;
    }

    /// <summary>
    /// The URL to probe from a <c>Urls</c> value (<c>http://+:8080;https://…</c>): its first http address (else the first
    /// https one), with a wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) replaced by loopback.
    /// </summary>
    internal static Uri? ProbeUri(string? urls, string path)
    {
        var addresses = (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            return null;
        }

        var scheme = chosen[..chosen.IndexOf("://", StringComparison.Ordinal)];
        var rest = chosen[(scheme.Length + 3)..].TrimEnd('/');
        var colon = rest.LastIndexOf(':');
        var host = colon > 0 && !rest.EndsWith(']') ? rest[..colon] : rest;
        var port = colon > 0 && !rest.EndsWith(']') ? rest[colon..] : string.Empty;
        host = host switch
        {
            "+" or "*" or "0.0.0.0" => "127.0.0.1",
            "[::]" => "[::1]",
            _ => host,
        };
        return Uri.TryCreate($"{scheme}://{host}{port}{path}", UriKind.Absolute, out var uri) ? uri : null;
    }
}
