using System.Diagnostics;
using Engine.Commands;
using Engine.Logic;

namespace Journal;

/// <summary>Feeds a journal into an <see cref="ExchangeLogic"/>: the recovery and audit path.</summary>
public static class JournalReplayer
{
    /// <summary>Replays the journal in <paramref name="directory"/> from <paramref name="fromSequence"/> into <paramref name="logic"/>.</summary>
    /// <param name="directory">The journal directory.</param>
    /// <param name="logic">The logic, in the state it had just before <paramref name="fromSequence"/> (fresh for 0).</param>
    /// <param name="fromSequence">The first sequence to apply.</param>
    /// <param name="log">Receives a line when the journal ends with a torn tail.</param>
    /// <returns>Counts, time and rate; the torn tail if there is one (the replay stops before it and does not cut it).</returns>
    /// <remarks>
    /// Each command goes to <see cref="ExchangeLogic.Process"/> with its journaled sequence, and
    /// <see cref="ExchangeLogic.FlushEvents"/> follows each batch, as on the live logic thread; the logic is
    /// deterministic, so the state hash and the event hash come out as they were live.
    /// </remarks>
    /// <exception cref="JournalCorruptException">The journal is damaged other than at its tail.</exception>
    /// <exception cref="JournalFormatException">The journal is of a newer format version.</exception>
    public static ReplayStats Replay(string directory, ExchangeLogic logic, long fromSequence = 0, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(logic);
        var reader = new JournalReader(directory, log);
        var visitor = new LogicVisitor(logic);
        long started = Stopwatch.GetTimestamp();
        var result = reader.Read(fromSequence, ref visitor);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (result.TornTail is { } tail)
        {
            log?.Invoke($"journal: replay stopped at a torn tail in {tail.File} at offset {tail.Offset} ({tail.Bytes} bytes, {tail.Reason})");
        }

        return new ReplayStats(result.Commands, result.Batches, seconds, result.FirstSequence, result.NextSequence, result.TornTail);
    }

    private readonly struct LogicVisitor(ExchangeLogic logic) : IJournalVisitor
    {
        public void OnCommand(ref Command command, long sequence) => logic.Process(ref command, sequence);

        public void OnBatchEnd() => logic.FlushEvents();
    }
}
