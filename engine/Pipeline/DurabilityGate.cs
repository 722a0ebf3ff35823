using Engine.Events;
using Engine.Ring;

namespace Engine.Pipeline;

/// <summary>
/// Wraps the publisher's handler: an event is handed on only once the journal is durable up to the input
/// sequence that caused it. While the journal lags, the publisher waits (spin, then yield, then sleep).
/// </summary>
/// <remarks>
/// The logic thread never waits for the journal: it runs ahead in parallel, and only the release of results
/// is held back. A journal that fails stops advancing, so no further result is ever released.
/// </remarks>
internal sealed class DurabilityGate<TPublisher>(TPublisher inner, Sequence durable, Func<bool> stopping)
    : IValueEventHandler<OutputEvent>
    where TPublisher : IValueEventHandler<OutputEvent>
{
    private const int YieldingSpins = 2_000;

    private TPublisher _inner = inner;
    private long _durable = -1;

    public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch)
    {
        if (data.InputSequence > _durable) WaitForDurable(data.InputSequence);
        _inner.OnEvent(ref data, sequence, endOfBatch);
    }

    private void WaitForDurable(long input)
    {
        // A flush-durability write takes microseconds: spin and yield (never Sleep(1), which costs a millisecond) for a
        // while, and only then let SpinWait sleep, for fsync on slow disks.
        var spinner = new SpinWait();
        var spins = 0;
        while ((_durable = durable.Value) < input)
        {
            if (stopping()) throw new OperationCanceledException("the pipeline stopped before the journal made this result durable");
            spinner.SpinOnce(sleep1Threshold: ++spins < YieldingSpins ? -1 : 30);
        }
    }

    public void OnStart() => _inner.OnStart();

    public void OnShutdown() => _inner.OnShutdown();
}
