namespace Engine.Gateway.Metrics;

/// <summary>Placeholder until the metrics branch lands.</summary>
public interface IEngineGauges
{
    /// <summary>Last input sequence claimed.</summary>
    long InputCursor { get; }
    /// <summary>Last input sequence processed.</summary>
    long ProcessedSequence { get; }
    /// <summary>Last durable input sequence, -1 without journal.</summary>
    long DurableSequence { get; }
    /// <summary>Journal bytes.</summary>
    long JournalBytes { get; }
    /// <summary>Input ring size.</summary>
    int InputRingSize { get; }
}
