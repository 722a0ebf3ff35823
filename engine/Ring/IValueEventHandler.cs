namespace Engine.Ring;

/// <summary>Processes events of a <see cref="ValueRingBuffer{T}"/>, called by a <see cref="ValueBatchEventProcessor{T, THandler}"/>.</summary>
/// <typeparam name="T">The event type.</typeparam>
/// <remarks>
/// Threading: all members are called on the processor's single thread, never concurrently.
/// Implement as a <see langword="struct"/> or <see langword="sealed"/> class so the processor's generic
/// loop calls it without virtual dispatch.
/// </remarks>
public interface IValueEventHandler<T>
    where T : struct
{
    /// <summary>Handles one event, in place.</summary>
    /// <param name="data">The event's slot; valid only for the duration of the call.</param>
    /// <param name="sequence">The event's sequence.</param>
    /// <param name="endOfBatch"><see langword="true"/> on the last event of the current batch (a good time to flush).</param>
    void OnEvent(ref T data, long sequence, bool endOfBatch);

    /// <summary>Called before each batch with the number of events it holds.</summary>
    /// <param name="batchSize">Events in the batch, at least one.</param>
    void OnBatchStart(long batchSize)
    {
    }

    /// <summary>Called once on the processor thread before the first event.</summary>
    void OnStart()
    {
    }

    /// <summary>Called once on the processor thread after the last event, however the processor stops.</summary>
    void OnShutdown()
    {
    }
}
