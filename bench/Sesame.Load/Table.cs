using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Sesame.Load;

/// <summary>What the generator prints: a block per flow as it ends, and the markdown table of a whole benchmark.</summary>
internal static class Table
{
    public static void PrintFlow(TextWriter log, FlowResult result)
    {
        var e = result.EndToEnd;
        log.WriteLine(Invariant($"{result.Flow}: {e.PerSecond:0.0} flows/s, end to end p50 {e.P50Ms:0.00} ms, p95 {e.P95Ms:0.00} ms, p99 {e.P99Ms:0.00} ms ({e.Count} completed, {result.Failed} failed, {result.Seconds:0.0} s)")
            + (result.ServerCpuMsPerFlow is { } cpu ? Invariant($"; server CPU {cpu:0.00} ms per flow") : string.Empty)
            + (result.GeneratorCpuMsPerFlow is { } own ? Invariant($"; generator CPU {own:0.00} ms per flow") : string.Empty));
        log.WriteLine(Invariant($"  {"operation",-42} {"count",8} {"/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}"));
        foreach (var (name, s) in result.Operations)
        {
            log.WriteLine(Invariant($"  {name,-42} {s.Count,8} {s.PerSecond,9:0.0} {s.P50Ms,8:0.00} {s.P95Ms,8:0.00} {s.P99Ms,8:0.00} {s.MaxMs,8:0.00}"));
        }

        foreach (var (reason, count) in result.Failures)
        {
            log.WriteLine(Invariant($"  failed: {count} × {reason}"));
        }
    }

    /// <summary>
    /// The benchmark table: one row per flow, a column group per run (e.g. SQLite Full and Normal), each flow's rate
    /// as a share of the sign-in ceiling measured in the same run, and the peer's rate when there is one.
    /// </summary>
    public static string Markdown(JsonObject report)
    {
        var runs = report["runs"]!.AsObject();
        var ceiling = report["ceiling"]?["signinsPerSecond"]?.GetValue<double>();
        var peer = report["peer"]?.AsObject().FirstOrDefault();
        var text = new StringBuilder();
        text.Append("| Flow |");
        foreach (var (name, _) in runs)
        {
            text.Append(Invariant($" {name}: flows/s | {name}: p50 / p95 / p99 ms | {name}: failed |"));
        }

        text.Append(Invariant($" {runs.First().Key}: server CPU ms / flow | generator CPU ms / flow |"));
        if (ceiling is not null)
        {
            text.Append(Invariant($" {runs.First().Key} / sign-in ceiling |"));
        }

        if (peer is { Value: not null } p)
        {
            text.Append(Invariant($" {p.Key}: flows/s | Sesame / {p.Key} |"));
        }

        text.AppendLine();
        text.Append("|---|");
        text.Append(string.Concat(Enumerable.Repeat("---:|---:|---:|", runs.Count))).Append("---:|---:|");
        text.Append(ceiling is not null ? "---:|" : string.Empty);
        text.AppendLine(peer is { Value: not null } ? "---:|---:|" : string.Empty);

        var flowNames = runs.SelectMany(r => r.Value!["flows"]!.AsObject().Select(f => f.Key)).Distinct().ToList();
        foreach (var flow in flowNames)
        {
            text.Append(Invariant($"| `{flow}` |"));
            foreach (var (_, run) in runs)
            {
                var f = run!["flows"]?[flow];
                text.Append(f is null
                    ? " – | – | – |"
                    : Invariant($" {Number(f, "perSecond"):#,0} | {Number(f, "p50Ms"):0.0} / {Number(f, "p95Ms"):0.0} / {Number(f, "p99Ms"):0.0} | {Number(f, "failed"):0} |"));
            }

            var primary = runs.First().Value!["flows"]?[flow];
            text.Append(primary?["serverCpuMsPerFlow"] is { } cpu ? Invariant($" {cpu.GetValue<double>():0.00} |") : " – |");
            text.Append(primary?["generatorCpuMsPerFlow"] is { } own ? Invariant($" {own.GetValue<double>():0.00} |") : " – |");
            if (ceiling is not null)
            {
                text.Append(primary is null || ceiling <= 0 ? " – |" : Invariant($" {Number(primary, "perSecond") / ceiling.Value:0.0%} |"));
            }

            if (peer is { Value: not null } q)
            {
                var theirs = q.Value["flows"]?[flow];
                text.Append(theirs is null || primary is null
                    ? " – | – |"
                    : Invariant($" {Number(theirs, "perSecond"):#,0} | {Number(primary, "perSecond") / Math.Max(Number(theirs, "perSecond"), 0.001):0.0}× |"));
            }

            text.AppendLine();
        }

        text.AppendLine();
        if (report["ceiling"] is { } c)
        {
            text.AppendLine(Invariant($"RS256 ceiling: {Number(c, "rs256SignsPerSecond"):#,0} signatures/s on {Number(c, "threads"):0} threads = {Number(c, "signinsPerSecond"):#,0} sign-ins/s (two signatures each)."));
        }

        foreach (var (name, run) in runs)
        {
            if (run?["server"] is { } server)
            {
                text.AppendLine(Invariant($"Sesame ({name}): /health 200 {Number(server, "startupMs"):#,0} ms after the process started (first start: schema and signing key created){(server["restartMs"] is { } restart ? Invariant($", {restart.GetValue<double>():#,0} ms after a restart on the same data") : string.Empty)}; RSS {Number(server, "idleRssMb"):0} MB idle, {Number(server, "rssAfterFlowsMb"):0} MB after the flows."));
            }

            if (run?["overhead"]?["requestsPerSecond"] is { } overhead)
            {
                text.AppendLine(Invariant($"Generator overhead ({name} run): {overhead.GetValue<double>():#,0} requests/s against a trivial loopback responder at concurrency {Number(run["generator"]!, "concurrency"):0}."));
            }
        }

        return text.ToString();
    }

    private static double Number(JsonNode node, string property) => node[property]?.GetValue<double>() ?? 0;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
