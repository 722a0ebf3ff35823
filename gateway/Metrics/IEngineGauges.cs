namespace Engine.Gateway.Metrics;

/// <summary>The engine positions that <see cref="EngineMetrics"/> turns into gauges, read at collection time.</summary>
/// <remarks>
/// Read from any thread (the thread of a <c>MeterListener</c>, of <c>dotnet-counters</c>' event source or of the
/// Prometheus endpoint); values may be slightly stale, and two properties read one after the other need not come
/// from the same instant. <see cref="EngineMetrics"/> reads the slower-moving sequence first so that the
/// differences it reports are not negative, and clamps them at zero anyway.
/// </remarks>
public interface IEngineGauges
{
    /// <summary>Last input sequence claimed by producers (-1 before the first command).</summary>
    long InputCursor { get; }

    /// <summary>Last input sequence the logic thread finished (-1 before the first command).</summary>
    long ProcessedSequence { get; }

    /// <summary>Last input sequence the journal made durable; -1 without a journal.</summary>
    long DurableSequence { get; }

    /// <summary>Bytes appended to the journal so far; 0 if unknown.</summary>
    long JournalBytes { get; }

    /// <summary>Number of slots of the input ring.</summary>
    int InputRingSize { get; }

    /// <summary>Whether the engine journals its input; the journal lag is reported only when true.</summary>
    /// <remarks>
    /// Defaults to <c>DurableSequence &gt;= 0</c>, which cannot tell "no journal" from "a journal that has not
    /// made its first command durable yet" (both read -1): an implementation that knows should say so.
    /// </remarks>
    bool HasJournal => DurableSequence >= 0;
}
