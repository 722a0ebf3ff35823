using System.Diagnostics.Metrics;
using Engine.Commands;
using Engine.Events;
using HdrHistogram;

namespace Engine.Gateway.Metrics;

/// <summary>
/// The engine's metrics: instruments on a <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/>, fed by the publisher thread (<see cref="OnResponse"/>), by the gateway's sessions and by
/// the engine's sequences (<see cref="IEngineGauges"/>), read with <c>dotnet-counters monitor --counters Engine</c>
/// or through <see cref="PrometheusEndpoint"/>. The instruments are listed in docs/metrics.md.
/// </summary>
/// <remarks>
/// <code>
///  publisher thread ── OnResponse ──► long[] counts by RejectCode ─┐   (plain writes, single writer)
///                                 └─► HdrHistogram Recorder ───────┤   (wait-free: two interlocked increments)
///  session threads ── SessionOpened, GatewayError, BytesSent... ──► Interlocked fields
///  engine ─────────── IEngineGauges (cursor, processed, durable) ──┤
///                                                                  ▼
///                         observable instruments: read only when a listener collects (allocation allowed there)
/// </code>
/// Every instrument is observable, so the publisher's path never touches System.Diagnostics.Metrics: a
/// <c>Counter&lt;T&gt;.Add</c> or <c>Histogram&lt;T&gt;.Record</c> would run every attached listener's callback on that
/// thread (and dotnet-counters' aggregators take locks). Latency goes into an HdrHistogram <see cref="Recorder"/>: the
/// writer records into the active histogram inside a writer-reader phaser, a reader swaps it for the inactive one
/// and adds the swapped-out interval to an accumulated histogram, so readers always see a consistent set of counts
/// and the writer never waits for them.
/// </remarks>
public sealed class EngineMetrics : IDisposable
{
    /// <summary>Name of the meter, as given to <c>dotnet-counters --counters</c>.</summary>
    public const string MeterName = "Engine";

    /// <summary>Largest latency tracked (60 s in ns); larger ones are recorded as this value.</summary>
    public const long HighestTrackableLatency = 60_000_000_000;

    // reject codes are below 1000 (RejectCode ranges); a larger code is counted in the last slot, "Other"
    private const int CodeSlots = 1024;
    private const int OtherSlot = CodeSlots - 1;
    private const int AcceptedSlot = CodeSlots;
    private const int RejectedSlot = CodeSlots + 1;
    private const int SignificantDigits = 3;

    private readonly IEngineGauges _gauges;

    // written by the publisher thread only (plain increments published with Volatile.Write), in an array of their
    // own so that the session threads' Interlocked counters below never share its cache lines
    private readonly long[] _publisherCounts = new long[CodeSlots + 2];

    // written by any thread (Interlocked)
    private readonly long[] _gatewayErrors = new long[CodeSlots];
    private long _sessions;
    private long _sessionsOpened;
    private long _slowConsumerDisconnects;
    private long _bytesReceived;
    private long _bytesSent;

    private readonly Recorder _recorder;
    private readonly object _latencyGate = new();
    private readonly LongHistogram _accumulated;
    private HistogramBase? _interval;

    /// <summary>Creates the meter and its instruments.</summary>
    /// <param name="gauges">The engine's sequences, read whenever a listener collects.</param>
    public EngineMetrics(IEngineGauges gauges)
    {
        ArgumentNullException.ThrowIfNull(gauges);
        _gauges = gauges;
        _recorder = new Recorder(1, HighestTrackableLatency, SignificantDigits,
            static (id, lowest, highest, digits) => new LongHistogram(id, lowest, highest, digits));
        _accumulated = new LongHistogram(1, HighestTrackableLatency, SignificantDigits);
        Meter = new Meter(MeterName);
        CreateInstruments(Meter);
    }

    /// <summary>The meter that holds the instruments (named <see cref="MeterName"/>).</summary>
    public Meter Meter { get; }

    /// <summary>Counts one response event and records its latency.</summary>
    /// <remarks>
    /// Publisher thread only (single writer). Does not allocate, lock or block. Events other than
    /// <see cref="EventType.Accepted"/> and <see cref="EventType.Rejected"/> are ignored. Latency is recorded when
    /// <see cref="OutputEvent.Time"/> is set (&gt; 0) and not after <paramref name="nowNanoseconds"/>.
    /// </remarks>
    /// <param name="e">An Accepted or Rejected event.</param>
    /// <param name="nowNanoseconds">The publisher's clock, in the unit and epoch of <see cref="OutputEvent.Time"/>
    /// (ns since the Unix epoch).</param>
    public void OnResponse(in OutputEvent e, long nowNanoseconds)
    {
        var counts = _publisherCounts;
        if (e.Type == EventType.Accepted)
        {
            Volatile.Write(ref counts[AcceptedSlot], counts[AcceptedSlot] + 1);
        }
        else if (e.Type == EventType.Rejected)
        {
            Volatile.Write(ref counts[RejectedSlot], counts[RejectedSlot] + 1);
            ref var slot = ref counts[Slot(e.Code)];
            Volatile.Write(ref slot, slot + 1);
        }
        else
        {
            return;
        }
        if (e.Time <= 0) return;
        var latency = nowNanoseconds - e.Time;
        if (latency < 0) return; // clocks disagree: no figure is better than a wrong one
        _recorder.RecordValue(latency < HighestTrackableLatency ? latency : HighestTrackableLatency);
    }

    /// <summary>Counts a session that logged in. Any thread.</summary>
    public void SessionOpened()
    {
        Interlocked.Increment(ref _sessions);
        Interlocked.Increment(ref _sessionsOpened);
    }

    /// <summary>Counts a logged-in session that ended. Any thread.</summary>
    public void SessionClosed() => Interlocked.Decrement(ref _sessions);

    /// <summary>Counts an Error frame sent by the gateway, under its reason. Any thread.</summary>
    /// <param name="code">The Error frame's code.</param>
    public void GatewayError(RejectCode code) => Interlocked.Increment(ref _gatewayErrors[Slot((ushort)code)]);

    /// <summary>Counts a session cut off because its unsent output passed the limit. Any thread.</summary>
    public void SessionDisconnectedSlow() => Interlocked.Increment(ref _slowConsumerDisconnects);

    /// <summary>Adds bytes read from clients. Any thread.</summary>
    /// <param name="n">Bytes read.</param>
    public void BytesReceived(long n) => Interlocked.Add(ref _bytesReceived, n);

    /// <summary>Adds bytes written to clients. Any thread.</summary>
    /// <param name="n">Bytes written.</param>
    public void BytesSent(long n) => Interlocked.Add(ref _bytesSent, n);

    /// <summary>Percentiles of the latency recorded since the start or the last <see cref="ResetLatency"/>.</summary>
    /// <remarks>
    /// Any thread; readers serialize on a lock the publisher never takes. Includes every value recorded before the
    /// call. Allocates nothing after its first call.
    /// </remarks>
    public LatencySnapshot Latency()
    {
        lock (_latencyGate)
        {
            DrainRecorder();
            var h = _accumulated;
            var count = h.TotalCount;
            if (count == 0) return default;
            return new LatencySnapshot(count, h.GetValueAtPercentile(50), h.GetValueAtPercentile(90),
                h.GetValueAtPercentile(99), h.GetValueAtPercentile(99.9), h.GetMaxValue(), h.GetMean());
        }
    }

    /// <summary>Forgets the latency recorded so far: the next <see cref="Latency"/> covers what follows. Any thread.</summary>
    public void ResetLatency()
    {
        lock (_latencyGate)
        {
            DrainRecorder();
            _accumulated.Reset();
        }
    }

    /// <summary>Disposes the meter: listeners stop receiving its instruments.</summary>
    public void Dispose() => Meter.Dispose();

    private static int Slot(ushort code) => code < OtherSlot ? code : OtherSlot;

    // under _latencyGate: swap the recorder's histograms and fold the interval into the accumulated counts
    private void DrainRecorder()
    {
        _interval = _recorder.GetIntervalHistogram(_interval);
        _accumulated.Add(_interval);
    }

    private void CreateInstruments(Meter meter)
    {
        meter.CreateObservableCounter("engine.commands.processed", ReadProcessed, "{command}",
            "Commands the logic thread has finished (last processed input sequence + 1).");
        meter.CreateObservableCounter("engine.responses", ReadResponses, "{response}",
            "Responses published to sessions, by result (accepted, rejected).");
        meter.CreateObservableGauge("engine.ring.occupancy", ReadRingOccupancy, "{command}",
            "Commands claimed in the input ring and not yet processed (input cursor - processed sequence).");
        meter.CreateObservableGauge("engine.ring.size", ReadRingSize, "{command}",
            "Slots of the input ring.");
        meter.CreateObservableGauge("engine.journal.lag", ReadJournalLag, "{command}",
            "Commands claimed in the input ring and not yet durable (input cursor - durable sequence); absent without a journal.");
        meter.CreateObservableCounter("engine.journal.bytes", ReadJournalBytes, "By",
            "Bytes appended to the journal.");
        meter.CreateObservableUpDownCounter("engine.sessions", ReadSessions, "{session}",
            "Logged-in sessions.");
        meter.CreateObservableCounter("engine.sessions.opened", ReadSessionsOpened, "{session}",
            "Sessions that logged in since the start.");
        meter.CreateObservableCounter("engine.rejects", ReadRejects, "{reject}",
            "Rejected events from the engine and Error frames from the gateway, by reason (RejectCode name).");
        meter.CreateObservableCounter("engine.slow_consumer.disconnects", ReadSlowConsumerDisconnects, "{session}",
            "Sessions closed because their unsent output passed the limit.");
        meter.CreateObservableCounter("engine.bytes_received", ReadBytesReceived, "By",
            "Bytes read from client connections.");
        meter.CreateObservableCounter("engine.bytes_sent", ReadBytesSent, "By",
            "Bytes written to client connections.");
        meter.CreateObservableGauge("engine.latency.p50", () => ReadLatency(static s => s.P50), "us",
            "Median response latency (receive to publish) since the start or the last reset.");
        meter.CreateObservableGauge("engine.latency.p90", () => ReadLatency(static s => s.P90), "us",
            "90th percentile of the response latency.");
        meter.CreateObservableGauge("engine.latency.p99", () => ReadLatency(static s => s.P99), "us",
            "99th percentile of the response latency.");
        meter.CreateObservableGauge("engine.latency.p999", () => ReadLatency(static s => s.P999), "us",
            "99.9th percentile of the response latency.");
        meter.CreateObservableGauge("engine.latency.max", () => ReadLatency(static s => s.Max), "us",
            "Largest response latency.");
    }

    private long ReadProcessed() => _gauges.ProcessedSequence + 1;

    private Measurement<long>[] ReadResponses() =>
    [
        new(Volatile.Read(ref _publisherCounts[AcceptedSlot]), new KeyValuePair<string, object?>("result", "accepted")),
        new(Volatile.Read(ref _publisherCounts[RejectedSlot]), new KeyValuePair<string, object?>("result", "rejected")),
    ];

    private long ReadRingOccupancy()
    {
        var processed = _gauges.ProcessedSequence; // first: the cursor only grows past it
        return Math.Max(0, _gauges.InputCursor - processed);
    }

    private int ReadRingSize() => _gauges.InputRingSize;

    private Measurement<long>[] ReadJournalLag()
    {
        if (!_gauges.HasJournal) return [];
        var durable = _gauges.DurableSequence; // first: the cursor only grows past it
        return [new(Math.Max(0, _gauges.InputCursor - durable))];
    }

    private long ReadJournalBytes() => _gauges.JournalBytes;

    private long ReadSessions() => Volatile.Read(ref _sessions);

    private long ReadSessionsOpened() => Volatile.Read(ref _sessionsOpened);

    private List<Measurement<long>> ReadRejects()
    {
        var measurements = new List<Measurement<long>>();
        for (var slot = 0; slot < CodeSlots; slot++)
        {
            var count = Volatile.Read(ref _publisherCounts[slot]) + Volatile.Read(ref _gatewayErrors[slot]);
            if (count == 0) continue;
            measurements.Add(new Measurement<long>(count, new KeyValuePair<string, object?>("reason", ReasonName(slot))));
        }
        return measurements;
    }

    private static string ReasonName(int slot)
    {
        if (slot == OtherSlot) return "Other";
        var code = (RejectCode)slot;
        return Enum.IsDefined(code) ? code.ToString() : slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private long ReadSlowConsumerDisconnects() => Volatile.Read(ref _slowConsumerDisconnects);

    private long ReadBytesReceived() => Volatile.Read(ref _bytesReceived);

    private long ReadBytesSent() => Volatile.Read(ref _bytesSent);

    private Measurement<double>[] ReadLatency(Func<LatencySnapshot, long> percentile)
    {
        var snapshot = Latency();
        return snapshot.Count == 0 ? [] : [new(percentile(snapshot) / 1000.0)];
    }
}
