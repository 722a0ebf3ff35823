namespace Engine.Ring;

/// <summary>
/// Decides how a consumer waits for a sequence to become available and how producers wake waiting consumers.
/// </summary>
/// <remarks>
/// Threading: <see cref="WaitFor"/> is called by consumer threads (one per barrier);
/// <see cref="SignalAllWhenBlocking"/> by any producer after publishing and by
/// <see cref="SequenceBarrier.Alert"/>. Implementations must call <see cref="SequenceBarrier.CheckAlert"/>
/// while waiting so that a halted consumer unwinds. Allocation: implementations must not allocate per call.
/// </remarks>
public interface IWaitStrategy
{
    /// <summary>
    /// Gets a value indicating whether <see cref="SignalAllWhenBlocking"/> does anything. When
    /// <see langword="false"/>, producers skip the call entirely.
    /// </summary>
    bool IsBlockingStrategy { get; }

    /// <summary>Waits until <paramref name="dependencies"/> reaches <paramref name="sequence"/>.</summary>
    /// <param name="sequence">The sequence the consumer wants to process next.</param>
    /// <param name="dependencies">The cursor and upstream sequences the consumer must not overtake.</param>
    /// <param name="barrier">The barrier on whose behalf the wait happens; checked for alerts.</param>
    /// <returns>The highest sequence available, usually at least <paramref name="sequence"/>.</returns>
    long WaitFor(long sequence, DependentSequenceGroup dependencies, SequenceBarrier barrier);

    /// <summary>Wakes every consumer blocked in <see cref="WaitFor"/>, if the strategy blocks at all.</summary>
    void SignalAllWhenBlocking();
}
