using Engine.Commands;
using Engine.Events;
using Engine.Ring;

namespace Engine.Pipeline;

/// <summary>
/// The second hot thread of the two-thread layout: it reads the output ring, and before it hands on an event it
/// journals every input command up to the one that caused it (and on, up to everything producers have published), so
/// a result is released only once its command is durable.
/// </summary>
/// <remarks>
/// <para>The journal runs when results arrive rather than beside the logic: it then writes every command published so
/// far (those behind the results and any after them, up to <c>maxBatch</c> per write), and its sequence gates the
/// producers so no slot is overwritten before it is journaled. The gate of the three-thread layout is not needed:
/// <see cref="ICommandJournal"/> makes a batch durable inside its end-of-batch call, on this thread.</para>
/// <para>Every command produces at least one event (each request gets an answer), so every command is journaled by
/// the time its own result is released. Commands the logic finished after the last event are journaled with the next
/// event, or on shutdown.</para>
/// </remarks>
internal sealed class JournalingPublisher<TPublisher> : IValueEventHandler<OutputEvent>
    where TPublisher : IValueEventHandler<OutputEvent>
{
    private readonly ValueRingBuffer<Command> _input;
    private readonly Sequence _logic;
    private readonly ICommandJournal _journal;
    private readonly int _maxBatch;
    private TPublisher _inner;
    private long _journaled;

    /// <param name="input">The input ring.</param>
    /// <param name="logic">The logic processor's sequence: every input up to it is published and processed (read on shutdown).</param>
    /// <param name="journal">The journal; durable when its end-of-batch call returns.</param>
    /// <param name="inner">The publisher's handler.</param>
    /// <param name="maxBatch">Commands per journal batch at most.</param>
    public JournalingPublisher(ValueRingBuffer<Command> input, Sequence logic, ICommandJournal journal, TPublisher inner, int maxBatch)
    {
        _input = input;
        _logic = logic;
        _journal = journal;
        _inner = inner;
        _maxBatch = maxBatch;
        _journaled = input.Cursor;
        Journaled.SetValue(_journaled);
    }

    /// <summary>The last input sequence journaled (and made durable); gates the input ring's producers.</summary>
    public Sequence Journaled { get; } = new();

    public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch)
    {
        if (data.InputSequence > _journaled) JournalUpTo(data.InputSequence);
        _inner.OnEvent(ref data, sequence, endOfBatch);
    }

    public void OnStart() => _inner.OnStart();

    public void OnShutdown()
    {
        // the logic has stopped: journal whatever it finished after the last event
        var processed = _logic.Value;
        if (processed > _journaled && _journal.Fault == null) JournalTo(processed);
        _journal.OnShutdown();
        _inner.OnShutdown();
    }

    private void JournalUpTo(long needed)
    {
        // everything published so far, not only what the logic has finished: bigger batches, fewer writes
        JournalTo(Math.Max(needed, _input.HighestPublished(_journaled + 1)));
        if (_journal.Durable.Value < needed)
            throw new InvalidOperationException("the journal failed; no further result is released", _journal.Fault);
    }

    private void JournalTo(long last)
    {
        var s = _journaled + 1;
        while (s <= last)
        {
            var end = Math.Min(last, s + _maxBatch - 1);
            for (; s <= end; s++) _journal.OnEvent(ref _input[s], s, s == end);
            _journaled = end;
            Journaled.SetValue(end);
        }
    }
}
