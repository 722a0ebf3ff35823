using Engine.Gateway.Metrics;

namespace Engine.Tests.Support;

/// <summary>Engine positions set by the test.</summary>
internal sealed class FakeEngineGauges : IEngineGauges
{
    public long InputCursor { get; set; } = -1;
    public long ProcessedSequence { get; set; } = -1;
    public long DurableSequence { get; set; } = -1;
    public long JournalBytes { get; set; }
    public int InputRingSize { get; set; } = 1024;
    public bool HasJournal { get; set; } = true;
}
