using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Engine.Gateway.Metrics;

/// <summary>
/// Renders the instruments of one <see cref="EngineMetrics"/> in the Prometheus text exposition format 0.0.4.
/// </summary>
/// <remarks>
/// The figures come from the same observable instruments dotnet-counters reads (a <see cref="MeterListener"/> on
/// this metrics' <see cref="EngineMetrics.Meter"/> collects them on each scrape), so the two views cannot drift
/// apart. Mapping: an instrument name's dots become underscores; an observable counter becomes a <c>counter</c>
/// with <c>_total</c> appended; an observable gauge or up-down counter becomes a <c>gauge</c>; tags become labels.
/// The <c>engine.latency.*</c> gauges are replaced by one <c>summary</c>, <c>engine_latency_seconds</c>, whose
/// quantiles, sum and count come from a single <see cref="EngineMetrics.Latency"/> snapshot (separate gauges would
/// each drain the recorder at a different instant), plus a <c>engine_latency_max_seconds</c> gauge. Seconds,
/// because Prometheus names carry base units.
/// </remarks>
internal sealed class PrometheusExposition : IDisposable
{
    /// <summary>Content type of the 0.0.4 text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const string LatencyPrefix = "engine.latency.";
    private const string LatencyName = "engine_latency_seconds";
    private const string LatencyMaxName = "engine_latency_max_seconds";

    private readonly EngineMetrics _metrics;
    private readonly MeterListener _listener;
    private readonly object _gate = new();
    private readonly List<Instrument> _instruments = [];
    private readonly Dictionary<Instrument, List<Sample>> _samples = [];

    private readonly record struct Sample(KeyValuePair<string, object?>[] Tags, double Value);

    public PrometheusExposition(EngineMetrics metrics)
    {
        _metrics = metrics;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<long>(static (i, v, tags, state) => ((PrometheusExposition)state!).Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>(static (i, v, tags, state) => ((PrometheusExposition)state!).Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>(static (i, v, tags, state) => ((PrometheusExposition)state!).Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>Collects every instrument and returns the exposition text. Any thread; scrapes are serialized.</summary>
    public string Render()
    {
        lock (_gate)
        {
            foreach (var list in _samples.Values) list.Clear();
            _listener.RecordObservableInstruments();
            var text = new StringBuilder(4096);
            foreach (var instrument in _instruments)
            {
                if (instrument.Name.StartsWith(LatencyPrefix, StringComparison.Ordinal)) continue;
                WriteFamily(text, instrument, _samples[instrument]);
            }
            WriteLatency(text, _metrics.Latency());
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        // observable instruments only: they are read under _gate during a scrape, never pushed from other threads
        if (!ReferenceEquals(instrument.Meter, _metrics.Meter) || !instrument.IsObservable) return;
        lock (_gate)
        {
            _instruments.Add(instrument);
            _samples[instrument] = [];
        }
        listener.EnableMeasurementEvents(instrument, this);
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_samples.TryGetValue(instrument, out var list)) list.Add(new Sample(tags.ToArray(), value));
    }

    private static void WriteFamily(StringBuilder text, Instrument instrument, List<Sample> samples)
    {
        var isCounter = instrument.GetType().IsGenericType
                        && instrument.GetType().GetGenericTypeDefinition() == typeof(ObservableCounter<>);
        var name = MetricName(instrument.Name) + (isCounter ? "_total" : "");
        WriteHeader(text, name, instrument.Description ?? instrument.Name, isCounter ? "counter" : "gauge");
        foreach (var sample in samples)
        {
            text.Append(name);
            if (sample.Tags.Length > 0)
            {
                text.Append('{');
                for (var i = 0; i < sample.Tags.Length; i++)
                {
                    if (i > 0) text.Append(',');
                    text.Append(MetricName(sample.Tags[i].Key)).Append("=\"");
                    AppendLabelValue(text, Convert.ToString(sample.Tags[i].Value, CultureInfo.InvariantCulture) ?? "");
                    text.Append('"');
                }
                text.Append('}');
            }
            text.Append(' ');
            AppendValue(text, sample.Value);
            text.Append('\n');
        }
    }

    private static void WriteLatency(StringBuilder text, LatencySnapshot latency)
    {
        WriteHeader(text, LatencyName, "Response latency (command received to response published) since the start or the last reset.", "summary");
        WriteQuantile(text, "0.5", latency, latency.P50);
        WriteQuantile(text, "0.9", latency, latency.P90);
        WriteQuantile(text, "0.99", latency, latency.P99);
        WriteQuantile(text, "0.999", latency, latency.P999);
        text.Append(LatencyName).Append("_sum ");
        AppendValue(text, latency.Sum / 1e9);
        text.Append('\n').Append(LatencyName).Append("_count ");
        AppendValue(text, latency.Count);
        text.Append('\n');
        WriteHeader(text, LatencyMaxName, "Largest response latency since the start or the last reset.", "gauge");
        if (latency.Count == 0) return;
        text.Append(LatencyMaxName).Append(' ');
        AppendValue(text, latency.Max / 1e9);
        text.Append('\n');
    }

    private static void WriteQuantile(StringBuilder text, string quantile, LatencySnapshot latency, long nanoseconds)
    {
        text.Append(LatencyName).Append("{quantile=\"").Append(quantile).Append("\"} ");
        AppendValue(text, latency.Count == 0 ? double.NaN : nanoseconds / 1e9);
        text.Append('\n');
    }

    private static void WriteHeader(StringBuilder text, string name, string help, string type)
    {
        text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            if (c == '\\') text.Append("\\\\");
            else if (c == '\n') text.Append("\\n");
            else text.Append(c);
        }
        text.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private static string MetricName(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':')) chars[i] = '_';
        }
        return new string(chars);
    }

    private static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            if (c == '\\') text.Append("\\\\");
            else if (c == '"') text.Append("\\\"");
            else if (c == '\n') text.Append("\\n");
            else text.Append(c);
        }
    }

    private static void AppendValue(StringBuilder text, double value)
    {
        if (double.IsNaN(value)) text.Append("NaN");
        else if (double.IsPositiveInfinity(value)) text.Append("+Inf");
        else if (double.IsNegativeInfinity(value)) text.Append("-Inf");
        else text.Append(value.ToString("R", CultureInfo.InvariantCulture));
    }
}
