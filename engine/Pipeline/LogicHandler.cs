using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Engine.Ring;

namespace Engine.Pipeline;

/// <summary>
/// The business-logic stage: applies each input command and publishes the resulting events into the output
/// ring as one claimed range per flush (end of an input batch, or a full event buffer).
/// </summary>
internal sealed class LogicHandler : IValueEventHandler<Command>, IEventSink
{
    private readonly ValueRingBuffer<OutputEvent> _output;
    private ExchangeLogic? _logic;

    public LogicHandler(ValueRingBuffer<OutputEvent> output) => _output = output;

    public ExchangeLogic Logic
    {
        get => _logic!;
        set => _logic = value;
    }

    public void OnEvent(ref Command data, long sequence, bool endOfBatch)
    {
        _logic!.Process(ref data, sequence);
        if (endOfBatch) _logic.FlushEvents();
    }

    public void Publish(ReadOnlySpan<OutputEvent> events)
    {
        var hi = _output.Next(events.Length);
        var lo = hi - events.Length + 1;
        for (var i = 0; i < events.Length; i++) _output[lo + i] = events[i];
        _output.Publish(lo, hi);
    }
}
