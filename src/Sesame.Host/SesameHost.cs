using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Sesame.Host;

/// <summary>How the server and every command build the same host: one configuration pipeline, one store.</summary>
internal static class SesameHost
{
    /// <summary>
    /// The web application builder the server runs and the commands use, configured from (in order) appsettings.json,
    /// appsettings.{Environment}.json, environment variables, <c>SESAME_DATA_DIR</c> and the command line.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // Settings files ship beside the program, so it starts the same from any working directory;
        // relative paths (the data directory) still resolve against the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // `--data-dir` and SESAME_DATA_DIR choose where the SQLite file and generated secrets live.
        builder.Configuration.AddInMemoryCollection(
            Environment.GetEnvironmentVariable("SESAME_DATA_DIR") is { Length: > 0 } dataDir
                ? new Dictionary<string, string?> { ["Sesame:DataDir"] = dataDir }
                : []);
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--data-dir"] = "Sesame:DataDir" });
        builder.Services.AddSesame(builder.Configuration, builder.Environment);
        AddOpenTelemetry(builder);
        return builder;
    }

    /// <summary>
    /// OpenTelemetry, off unless the standard variables configure an OTLP endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or
    /// the per-signal <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> / <c>…_METRICS_ENDPOINT</c>); <c>OTEL_SERVICE_NAME</c>,
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c> … apply as
    /// the SDK defines them. Traces: a span per Cognito operation (under ASP.NET Core's request span), trigger call, store
    /// call and provider send, plus outgoing HTTP. Metrics: Sesame's meters and ASP.NET Core's and HttpClient's.
    /// </summary>
    private static void AddOpenTelemetry(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var traces = !string.IsNullOrWhiteSpace(endpoint) || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
        var metrics = !string.IsNullOrWhiteSpace(endpoint) || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]);
        if (!traces && !metrics)
        {
            return;
        }

        // service.name is "sesame" unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) names it.
        var named = !string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"])
            || (configuration["OTEL_RESOURCE_ATTRIBUTES"]?.Contains("service.name=", StringComparison.Ordinal) ?? false);
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            if (!named)
            {
                resource.AddService("sesame");
            }
        });
        if (traces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(Sesame.Configuration.Telemetry.Name)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }

        if (metrics)
        {
            telemetry.WithMetrics(meters => meters
                .AddMeter(Sesame.Configuration.Telemetry.MeterPrefix + ".*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }
    }

    /// <summary>Serves until stopped (Ctrl+C, SIGTERM).</summary>
    public static void Serve(string[] args)
    {
        var app = CreateBuilder(args).Build();
        app.UseCors();
        app.MapSesame();
        app.Run();
    }
}
