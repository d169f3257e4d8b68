using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Sesame.Metrics;

/// <summary>
/// A hand-written Prometheus exporter (no exporter package restores here; see PACKAGES.md §3.10): a
/// <see cref="MeterListener"/> sums Sesame's counters per tag set, and <c>GET /metrics</c> writes them in the text
/// exposition format (prometheus.io/docs/instrumenting/exposition_formats/). Only meters made by this host's
/// <see cref="IMeterFactory"/> count, so two servers in one process never mix their figures.
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly IMeterFactory _factory;

    public PrometheusMetrics(IMeterFactory factory)
    {
        _factory = factory;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Sesame", StringComparison.Ordinal) && ReferenceEquals(instrument.Meter.Scope, _factory)
                && instrument is Counter<long> or Counter<int> or Counter<double> or UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double>)
            {
                _series.TryAdd(instrument, new Series(instrument is UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double>));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var (instrument, series) in _series.OrderBy(p => p.Key.Name, StringComparer.Ordinal))
        {
            var name = Name(instrument.Name) + (series.Gauge ? string.Empty : "_total");
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description ?? instrument.Name).Append('\n');
            text.Append("# TYPE ").Append(name).Append(series.Gauge ? " gauge\n" : " counter\n");
            foreach (var (labels, value) in series.Values.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(name).Append(labels).Append(' ').Append(value.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_series.TryGetValue(instrument, out var series))
        {
            return;
        }

        var labels = Labels(tags);
        var cell = series.Values.GetOrAdd(labels, _ => new Cell());
        lock (cell)
        {
            cell.Value += value;
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder("{");
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var value = Convert.ToString(sorted[i].Value, CultureInfo.InvariantCulture) ?? string.Empty;
            text.Append(Name(sorted[i].Key)).Append("=\"")
                .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
        }

        return text.Append('}').ToString();
    }

    // Prometheus names allow [a-zA-Z0-9_:]; OpenTelemetry-style dots become underscores.
    private static string Name(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] is not ('_' or ':'))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private sealed class Series(bool gauge)
    {
        public bool Gauge { get; } = gauge;

        public ConcurrentDictionary<string, Cell> Values { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Cell
    {
        public double Value { get; set; }
    }
}
