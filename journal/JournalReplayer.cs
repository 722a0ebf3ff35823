using System.Diagnostics;
using Engine.Commands;
using Engine.Logic;
using Engine.Ring;

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

    /// <summary>
    /// The same replay on two threads: the caller reads and decodes the journal into a ring while a second thread
    /// applies it, so the journal is not on the logic's critical path and replay runs at the logic's own speed.
    /// </summary>
    /// <inheritdoc cref="Replay"/>
    public static ReplayStats ReplayPipelined(string directory, ExchangeLogic logic, long fromSequence = 0, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(logic);
        var reader = new JournalReader(directory, log);
        var ring = ValueRingBuffer<Command>.Create(ProducerType.Single, 1 << 16, new YieldingWaitStrategy());
        if (fromSequence > 0) ring.ResetTo(fromSequence - 1); // ring sequences are the journal's sequences
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new ApplyHandler(logic));
        ring.AddGatingSequences(processor.Sequence);
        long started = Stopwatch.GetTimestamp();
        var applying = processor.Start("replay-logic");
        var visitor = new RingVisitor(ring);
        JournalReadResult result;
        try
        {
            result = reader.Read(fromSequence, ref visitor);
            var spin = new SpinWait();
            while (processor.Sequence.Value < ring.Cursor && !applying.IsCompleted) spin.SpinOnce(sleep1Threshold: 30);
        }
        finally
        {
            processor.Halt();
            try
            {
                applying.Wait();
            }
            catch (AggregateException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            }
        }
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (result.TornTail is { } tail)
        {
            log?.Invoke($"journal: replay stopped at a torn tail in {tail.File} at offset {tail.Offset} ({tail.Bytes} bytes, {tail.Reason})");
        }

        return new ReplayStats(result.Commands, result.Batches, seconds, result.FirstSequence, result.NextSequence, result.TornTail);
    }

    private readonly struct RingVisitor(ValueRingBuffer<Command> ring) : IJournalVisitor
    {
        public void OnCommand(ref Command command, long sequence)
        {
            var slot = ring.Next();
            ring[slot] = command;
            ring.Publish(slot);
        }

        public void OnBatchEnd()
        {
        }
    }

    private sealed class ApplyHandler(ExchangeLogic logic) : IValueEventHandler<Command>
    {
        public void OnEvent(ref Command data, long sequence, bool endOfBatch)
        {
            logic.Process(ref data, sequence);
            if (endOfBatch) logic.FlushEvents();
        }

        public void OnShutdown() => logic.FlushEvents();
    }

    private readonly struct LogicVisitor(ExchangeLogic logic) : IJournalVisitor
    {
        public void OnCommand(ref Command command, long sequence) => logic.Process(ref command, sequence);

        public void OnBatchEnd() => logic.FlushEvents();
    }
}
