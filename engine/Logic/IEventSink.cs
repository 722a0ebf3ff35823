using Engine.Events;

namespace Engine.Logic;

/// <summary>Receives the output events of the business logic, in order, in batches.</summary>
/// <remarks>Called on the business-logic thread; the span is only valid during the call.</remarks>
public interface IEventSink
{
    /// <summary>Takes a batch of events.</summary>
    void Publish(ReadOnlySpan<OutputEvent> events);
}

/// <summary>Discards events (recovery replays, benchmarks); the event hash still covers them.</summary>
public sealed class NullEventSink : IEventSink
{
    /// <summary>The shared instance.</summary>
    public static readonly NullEventSink Instance = new();

    /// <inheritdoc />
    public void Publish(ReadOnlySpan<OutputEvent> events)
    {
    }
}
