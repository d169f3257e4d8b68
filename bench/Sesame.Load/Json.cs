using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sesame.Load;

/// <summary>The <c>--json</c> file: written by hand from JsonNode so its shape is visible here, and scripts can rely on it.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static byte[] Utf8(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    public static string Text(JsonNode node) => node.ToJsonString(Indented);

    /// <summary>
    /// <c>{"generator": {...}, "overhead": {"requestsPerSecond": …}, "flows": {"signin": {"perSecond", "p50Ms",
    /// "p95Ms", "p99Ms", "maxMs", "completed", "failed", "seconds", "operations": {name: {...}}, "failures": {...}}}}</c>
    /// </summary>
    public static JsonObject Run(RunResult run)
    {
        var flows = new JsonObject();
        foreach (var flow in run.Flows)
        {
            var operations = new JsonObject();
            foreach (var (name, summary) in flow.Operations)
            {
                operations[name] = Summary(summary);
            }

            var failures = new JsonObject();
            foreach (var (reason, count) in flow.Failures)
            {
                failures[reason] = count;
            }

            var entry = Summary(flow.EndToEnd);
            entry["completed"] = flow.EndToEnd.Count;
            entry["failed"] = flow.Failed;
            entry["seconds"] = Math.Round(flow.Seconds, 3);
            entry["serverCpuMsPerFlow"] = flow.ServerCpuMsPerFlow is { } cpu ? Math.Round(cpu, 3) : null;
            entry["generatorCpuMsPerFlow"] = flow.GeneratorCpuMsPerFlow is { } own ? Math.Round(own, 3) : null;
            entry["operations"] = operations;
            entry["failures"] = failures;
            flows[flow.Flow] = entry;
        }

        return new JsonObject
        {
            ["generator"] = new JsonObject
            {
                ["endpoint"] = run.Options.Endpoint.ToString(),
                ["concurrency"] = run.Options.Concurrency,
                ["users"] = run.Options.Users,
                ["codes"] = run.Options.FixedCode is null ? run.Options.Codes : "fixed",
                ["target"] = run.Options.Target,
                ["setupSeconds"] = Math.Round(run.Setup.TotalSeconds, 3),
                ["cores"] = Environment.ProcessorCount,
            },
            ["overhead"] = run.OverheadRequestsPerSecond is { } rate ? new JsonObject { ["requestsPerSecond"] = Math.Round(rate, 1) } : null,
            ["ceiling"] = run.Ceiling is { } ceiling ? Ceiling(ceiling) : null,
            ["flows"] = flows,
        };
    }

    public static JsonObject Ceiling(CeilingResult ceiling) => new()
    {
        ["rs256SignsPerSecond"] = Math.Round(ceiling.Rs256SignsPerSecond, 1),
        ["signinsPerSecond"] = Math.Round(ceiling.SigninsPerSecond, 1),
        ["threads"] = ceiling.Threads,
        ["seconds"] = Math.Round(ceiling.Seconds, 3),
    };

    private static JsonObject Summary(Summary s) => new()
    {
        ["perSecond"] = Math.Round(s.PerSecond, 1),
        ["p50Ms"] = Math.Round(s.P50Ms, 2),
        ["p95Ms"] = Math.Round(s.P95Ms, 2),
        ["p99Ms"] = Math.Round(s.P99Ms, 2),
        ["maxMs"] = Math.Round(s.MaxMs, 2),
        ["count"] = s.Count,
    };
}
