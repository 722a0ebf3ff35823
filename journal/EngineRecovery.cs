using Engine.Logic;

namespace Journal;

/// <summary>What a recovery rebuilt.</summary>
/// <param name="Logic">The business logic at the state after the last journaled command; its sink discards until replaced.</param>
/// <param name="NextSequence">The input sequence the engine continues at.</param>
/// <param name="Stats">Replay figures.</param>
/// <param name="TornTail">A half-written last batch that was cut off, if any.</param>
public sealed record RecoveredEngine(ExchangeLogic Logic, long NextSequence, ReplayStats Stats, TornTail? TornTail);

/// <summary>Recovery on start: the newest valid snapshot, then the journal after it (a torn tail cut off first).</summary>
/// <remarks>
/// Damage anywhere but at the very tail throws <see cref="JournalCorruptException"/> (naming file and offset), and
/// a journal from a newer format version throws <see cref="JournalFormatException"/>: the engine refuses to start
/// rather than skip data.
/// </remarks>
public static class EngineRecovery
{
    /// <summary>Recovers the engine state from the journal in <paramref name="directory"/> (created when missing).</summary>
    public static RecoveredEngine Recover(string directory, EngineConfig config, Action<string>? log = null)
    {
        Directory.CreateDirectory(directory);
        var reader = new JournalReader(directory, log);
        var recovered = reader.Recover(truncate: true);
        var snapshot = SnapshotStore.LoadNewest(directory, log);
        ExchangeLogic logic;
        long from = 0;
        if (snapshot is { } s)
        {
            logic = ExchangeLogic.LoadState(config, NullEventSink.Instance, s.State);
            from = s.Sequence + 1;
            log?.Invoke($"recovery: snapshot at sequence {s.Sequence}, replaying the journal from {from}");
        }
        else
        {
            logic = new ExchangeLogic(config, NullEventSink.Instance);
        }
        var next = Math.Max(from, recovered.NextSequence);
        var stats = next > from ? JournalReplayer.ReplayPipelined(directory, logic, from, log) : new ReplayStats(0, 0, 0, from, from, null);
        return new RecoveredEngine(logic, next, stats, recovered.TornTail);
    }
}
