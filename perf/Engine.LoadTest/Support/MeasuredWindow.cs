namespace Engine.LoadTest.Support;

/// <summary>GC collections and bytes allocated on this thread between <see cref="Begin"/> and <see cref="End"/>.</summary>
public readonly struct MeasuredWindow
{
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly long _allocated;

    private MeasuredWindow(int gen0, int gen1, int gen2, long allocated)
    {
        _gen0 = gen0;
        _gen1 = gen1;
        _gen2 = gen2;
        _allocated = allocated;
    }

    /// <summary>Collects (full, compacting, twice) and records the counters: call right before the measured window.</summary>
    public static MeasuredWindow Begin()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return new MeasuredWindow(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetAllocatedBytesForCurrentThread());
    }

    /// <summary>What happened since <see cref="Begin"/>.</summary>
    public GcReport End()
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocated;
        return new GcReport(GC.CollectionCount(0) - _gen0, GC.CollectionCount(1) - _gen1, GC.CollectionCount(2) - _gen2, allocated);
    }
}

/// <summary>Collections per generation and bytes allocated on the measuring thread in a <see cref="MeasuredWindow"/>.</summary>
public readonly record struct GcReport(int Gen0, int Gen1, int Gen2, long AllocatedBytes)
{
    /// <summary>No collection and no allocated byte.</summary>
    public bool Clean => Gen0 == 0 && Gen1 == 0 && Gen2 == 0 && AllocatedBytes == 0;

    /// <summary>"gen0/gen1/gen2".</summary>
    public string Collections => $"{Gen0}/{Gen1}/{Gen2}";

    /// <inheritdoc />
    public override string ToString() =>
        $"GC gen0/1/2 {Gen0}/{Gen1}/{Gen2}, allocated {AllocatedBytes:N0} B{(Clean ? "" : " ← FAILED")}";
}
