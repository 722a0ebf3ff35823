using System.Runtime.CompilerServices;

namespace Engine.Ring;

/// <summary>
/// Coordinates one consumer with the ring: waits (through the ring's <see cref="IWaitStrategy"/>) until a
/// sequence is published and every upstream consumer it depends on has passed it, and lets the consumer be
/// halted with <see cref="Alert"/>.
/// </summary>
/// <remarks>
/// Obtain instances from <see cref="ValueRingBuffer{T}.NewBarrier"/>; give each consumer its own barrier,
/// since an alert stops every waiter on it. Thread safety: <see cref="WaitFor"/> is meant for the owning
/// consumer thread; <see cref="Alert"/>, <see cref="ClearAlert"/> and <see cref="IsAlerted"/> may be called
/// from any thread. Allocation: none (the alert exception is a pre-allocated singleton).
/// </remarks>
public sealed class SequenceBarrier
{
    private readonly IWaitStrategy _waitStrategy;
    private readonly DependentSequenceGroup _dependencies;
    private readonly MultiProducerSequencer? _multiProducer;
    private volatile bool _alerted;

    internal SequenceBarrier(Sequencer sequencer, Sequence[] dependents)
    {
        _waitStrategy = sequencer.WaitStrategy;
        _dependencies = new DependentSequenceGroup(sequencer.CursorSequence, dependents);
        _multiProducer = sequencer as MultiProducerSequencer;
    }

    /// <summary>Gets a value indicating whether the barrier has been alerted and not cleared since.</summary>
    public bool IsAlerted => _alerted;

    /// <summary>Gets the highest sequence this barrier's consumer could be allowed to reach (cursor or slowest dependent).</summary>
    /// <remarks>With a multi-producer ring this may include claimed slots not yet published.</remarks>
    public long Cursor => _dependencies.Value;

    /// <summary>Gets the sequences this barrier waits on.</summary>
    public DependentSequenceGroup Dependencies => _dependencies;

    /// <summary>
    /// Waits until <paramref name="sequence"/> is published and passed by every dependent consumer.
    /// </summary>
    /// <param name="sequence">The next sequence the consumer wants to process.</param>
    /// <returns>
    /// The highest sequence that may be processed, which can be greater than <paramref name="sequence"/> (a batch);
    /// a value below <paramref name="sequence"/> only if the wait strategy gives up early.
    /// </returns>
    /// <exception cref="Exception">The internal alert exception, when <see cref="Alert"/> has been called.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long WaitFor(long sequence)
    {
        CheckAlert();
        long available = _waitStrategy.WaitFor(sequence, _dependencies, this);
        if (available < sequence || _multiProducer is null)
        {
            return available;
        }

        long highest = _multiProducer.GetHighestPublishedSequence(sequence, available);
        return highest >= sequence ? highest : WaitForPublication(sequence);
    }

    /// <summary>Alerts the barrier: the waiting consumer (and any later wait) throws until <see cref="ClearAlert"/>.</summary>
    public void Alert()
    {
        _alerted = true;
        _waitStrategy.SignalAllWhenBlocking();
    }

    /// <summary>Clears a previous <see cref="Alert"/>.</summary>
    public void ClearAlert() => _alerted = false;

    /// <summary>Throws the alert exception if the barrier has been alerted; wait strategies call this in their loops.</summary>
    public void CheckAlert()
    {
        if (_alerted)
        {
            ThrowAlert();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowAlert() => throw AlertException.Instance;

    /// <summary>
    /// Multi-producer slow path: <paramref name="sequence"/> is claimed but its producer has not published
    /// yet. Back off (yield/sleep, never a hot spin that could starve the preempted producer) until it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private long WaitForPublication(long sequence)
    {
        SpinWait spin = default;
        while (true)
        {
            spin.SpinOnce();
            CheckAlert();
            long available = _dependencies.Value;
            long highest = _multiProducer!.GetHighestPublishedSequence(sequence, available);
            if (highest >= sequence)
            {
                return highest;
            }
        }
    }
}
