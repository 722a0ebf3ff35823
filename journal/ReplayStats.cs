namespace Journal;

/// <summary>What <see cref="JournalReplayer.Replay"/> did.</summary>
/// <param name="Commands">Commands fed to the logic.</param>
/// <param name="Batches">Batches read.</param>
/// <param name="Seconds">Wall time of the replay.</param>
/// <param name="FirstSequence">First sequence replayed; -1 when none.</param>
/// <param name="NextSequence">Sequence after the last valid batch of the journal.</param>
/// <param name="TornTail">The torn tail the journal ends with, or <see langword="null"/> (not cut by a replay).</param>
public sealed record ReplayStats(long Commands, long Batches, double Seconds, long FirstSequence, long NextSequence, TornTail? TornTail)
{
    /// <summary>Gets the replay rate.</summary>
    public double CommandsPerSecond => Seconds > 0 ? Commands / Seconds : 0;
}
