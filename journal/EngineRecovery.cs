using Engine.Logic;

namespace Journal;

/// <summary>What a recovery rebuilt.</summary>
/// <param name="Logic">The business logic at the state after the last journaled command; its sink discards until replaced.</param>
/// <param name="NextSequence">The input sequence the engine continues at.</param>
/// <param name="Stats">Replay figures.</param>
/// <param name="TornTail">A half-written last batch that was cut off, if any.</param>
public sealed record RecoveredEngine(ExchangeLogic Logic, long NextSequence, ReplayStats Stats, TornTail? TornTail);

/// <summary>Recovery on start: the newest valid snapshot the journal reaches, then the journal after it (a torn tail cut off first).</summary>
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
        if (recovered.NextSequence >= 0) SetAsideSnapshotsAhead(directory, recovered.NextSequence, log);
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

    /// <summary>Renames every snapshot at or after <paramref name="journalEnd"/> to <c>*.snap.ahead</c>, out of recovery's way.</summary>
    /// <remarks>
    /// The logic writes a snapshot when it processes the command, without waiting for the journal, which runs beside it: a
    /// crash can leave a snapshot of commands the journal never made durable. None of them was acknowledged (results wait for
    /// the journal), so the journal is the truth. Continuing after such a snapshot would leave a gap between the journal's end
    /// and the snapshot, which the next recovery refuses as corruption; and once the journal grows past it, the snapshot
    /// would be taken for the state of commands it never saw.
    /// </remarks>
    private static void SetAsideSnapshotsAhead(string directory, long journalEnd, Action<string>? log)
    {
        foreach (var file in Directory.GetFiles(directory, "snapshot-*.snap"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!long.TryParse(name.AsSpan("snapshot-".Length), out var sequence) || sequence < journalEnd) continue;
            File.Move(file, file + ".ahead", overwrite: true);
            log?.Invoke($"recovery: snapshot {Path.GetFileName(file)} is ahead of the journal, which ends before {journalEnd}: " +
                        "its last commands were never journaled nor acknowledged; set aside as *.snap.ahead");
        }
    }
}
