using Journal;

namespace Engine.Tests.Support;

/// <summary>What a <see cref="FaultyJournalFile"/> fails on.</summary>
public enum FailOn
{
    Write,
    Flush,
    FlushToDisk,
}

/// <summary>
/// A real segment file that counts its calls and throws an <see cref="IOException"/> on the n-th call of one kind
/// (shared counters across the segments a writer opens), simulating a full or failing disk.
/// </summary>
public sealed class FaultyJournalFile : IJournalFile
{
    private readonly FileJournalFile _inner;
    private readonly JournalFileProbe _probe;

    public FaultyJournalFile(string path, JournalFileProbe probe)
    {
        _inner = new FileJournalFile(path, 4096);
        _probe = probe;
        probe.Opened++;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        _probe.Writes++;
        _probe.Check(FailOn.Write, _probe.Writes);
        _inner.Write(bytes);
    }

    public void Flush()
    {
        _probe.Flushes++;
        _probe.Check(FailOn.Flush, _probe.Flushes);
        _inner.Flush();
    }

    public void FlushToDisk()
    {
        _probe.Syncs++;
        _probe.Check(FailOn.FlushToDisk, _probe.Syncs);
        _inner.FlushToDisk();
    }

    public void Dispose() => _inner.Dispose();
}

/// <summary>Counts file-layer calls and decides when a <see cref="FaultyJournalFile"/> fails.</summary>
public sealed class JournalFileProbe
{
    public FailOn FailOn { get; init; }

    /// <summary>The 1-based call (of kind <see cref="FailOn"/>) that throws; 0 never.</summary>
    public int FailAt { get; init; }

    public int Opened;
    public int Writes;
    public int Flushes;
    public int Syncs;

    public Func<string, IJournalFile> Factory => path => new FaultyJournalFile(path, this);

    public void Check(FailOn kind, int call)
    {
        if (kind == FailOn && call == FailAt) throw new IOException($"simulated {kind} failure on call {call}");
    }
}

/// <summary>A file layer that keeps nothing: measures the writer alone (allocation, encoding cost).</summary>
public sealed class NullJournalFile : IJournalFile
{
    public long Bytes;

    public void Write(ReadOnlySpan<byte> bytes) => Bytes += bytes.Length;

    public void Flush()
    {
    }

    public void FlushToDisk()
    {
    }

    public void Dispose()
    {
    }
}
