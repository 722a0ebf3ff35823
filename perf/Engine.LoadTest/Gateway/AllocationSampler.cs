using System.Diagnostics.Tracing;

namespace Engine.LoadTest.Gateway;

/// <summary>Samples the runtime's allocation ticks (one per ~100 KB allocated) by type name: who allocates during a run.</summary>
public sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytes = [];

    /// <summary>Sampled bytes per type, largest first.</summary>
    public IEnumerable<KeyValuePair<string, long>> Top(int n)
    {
        lock (_bytes) return _bytes.OrderByDescending(kv => kv.Value).Take(n).ToList();
    }

    /// <inheritdoc/>
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    /// <inheritdoc/>
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName == null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload == null) return;
        var name = e.PayloadNames!.IndexOf("TypeName") is var i and >= 0 ? e.Payload[i]?.ToString() ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var j and >= 0 ? Convert.ToInt64(e.Payload[j]) : 100_000;
        lock (_bytes) _bytes[name] = _bytes.GetValueOrDefault(name) + amount;
    }
}
