namespace Journal;

/// <summary>What a pass over a journal found.</summary>
/// <param name="Segments">Segment files visited.</param>
/// <param name="Batches">Valid batches visited.</param>
/// <param name="Commands">Commands delivered (by <c>Read</c>) or validated (by <c>Recover</c>).</param>
/// <param name="FirstSequence">First sequence delivered or validated; -1 when none.</param>
/// <param name="NextSequence">Sequence after the last valid batch: where a writer continues; -1 for an empty journal.</param>
/// <param name="TornTail">The torn tail of the last segment, or <see langword="null"/> when the journal ends cleanly.</param>
/// <param name="Truncated">Whether <see cref="JournalReader.Recover"/> cut the torn tail off.</param>
public sealed record JournalReadResult(
    int Segments,
    long Batches,
    long Commands,
    long FirstSequence,
    long NextSequence,
    TornTail? TornTail,
    bool Truncated);
