using Engine.Logic;

namespace Journal;

/// <summary>What a recovery rebuilt.</summary>
/// <param name="Logic">The business logic at the state after the last journaled command; its sink discards until replaced.</param>
/// <param name="NextSequence">The input sequence the engine continues at.</param>
/// <param name="Stats">Replay figures.</param>
/// <param name="TornTail">A half-written last batch that was cut off, if any.</param>
public sealed record RecoveredEngine(ExchangeLogic Logic, long NextSequence, ReplayStats Stats, TornTail? TornTail);

/// <summary>Recovery on start: cut a torn tail, then replay the whole journal into a fresh engine.</summary>
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
        var logic = new ExchangeLogic(config, NullEventSink.Instance);
        var stats = JournalReplayer.Replay(directory, logic, 0, log);
        return new RecoveredEngine(logic, Math.Max(0, recovered.NextSequence), stats, recovered.TornTail);
    }
}
