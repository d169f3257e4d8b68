using System.Text;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Operations;

/// <summary>
/// OpenTelemetry over OTLP/HTTP to a collector on loopback: configured by the standard OTEL_* settings only, a sign-in
/// arrives as traces (a span per Cognito operation, store call and trigger) and metrics.
/// </summary>
public sealed class OpenTelemetryTests
{
    [Fact]
    public async Task Otlp_EndpointConfigured_SignInExportedAsSpansAndMetrics()
    {
        await using var collector = await LoopbackServer.StartAsync();
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_SERVICE_NAME"] = "sesame-under-test",
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        await app.SignInAsync(phone);

        string[] spans = ["InitiateAuth", "RespondToAuthChallenge", "SignUp", "sqlite write", "sqlite read", "trigger DefineAuthChallenge", "send sms", "sesame-under-test"];
        string[] metrics = ["http.server.request.duration", "Sesame.Storage", "sesame-under-test"];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !(Contains("/v1/traces", spans) && Contains("/v1/metrics", metrics)))
        {
            await Task.Delay(100);
        }

        Assert.All(spans, s => Assert.True(Contains("/v1/traces", [s]), $"no span or resource \"{s}\" exported"));
        Assert.All(metrics, m => Assert.True(Contains("/v1/metrics", [m]), $"no metric \"{m}\" exported"));
        Assert.All(collector.Requests, r => Assert.Equal("application/x-protobuf", r.Headers.GetValueOrDefault("content-type")));

        bool Contains(string path, string[] names)
        {
            var bodies = collector.Requests.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)).ToList();
            return names.All(n => bodies.Any(b => b.Contains(n, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Otlp_NotConfigured_NothingSent()
    {
        await using var collector = await LoopbackServer.StartAsync();
        using var app = new SesameApp();
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);

        Assert.Null(app.Services.GetService(typeof(OpenTelemetry.Trace.TracerProvider)));
        Assert.Empty(collector.Requests);
    }
}
