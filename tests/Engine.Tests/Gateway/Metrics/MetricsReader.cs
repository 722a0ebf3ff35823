using System.Diagnostics.Metrics;
using System.Globalization;

namespace Engine.Tests.Gateway.Metrics;

/// <summary>
/// Reads the observable instruments of one meter through a <see cref="MeterListener"/>, as dotnet-counters would.
/// Keys are the instrument name, followed by <c>{tag=value,...}</c> when the measurement has tags.
/// </summary>
internal sealed class MetricsReader : IDisposable
{
    private readonly MeterListener _listener;
    private readonly Dictionary<string, double> _values = [];
    private readonly object _gate = new();

    public MetricsReader(Meter meter)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>Collects every instrument once and returns the readings.</summary>
    public Dictionary<string, double> Collect()
    {
        lock (_gate)
        {
            _values.Clear();
            _listener.RecordObservableInstruments();
            return new Dictionary<string, double>(_values);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name;
        if (tags.Length > 0)
        {
            var parts = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
                parts[i] = tags[i].Key + "=" + Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture);
            key += "{" + string.Join(",", parts) + "}";
        }
        _values[key] = value;
    }
}
