namespace Engine.Ring;

/// <summary>
/// Spins on the dependent sequences without ever giving up the core: lowest latency, one core burnt per consumer.
/// </summary>
/// <remarks>
/// Use only when every consumer has a dedicated core; on an oversubscribed machine the spinning
/// thread starves producers. Thread safety: stateless, share freely. Allocation: none.
/// </remarks>
public sealed class BusySpinWaitStrategy : IWaitStrategy
{
    /// <inheritdoc />
    public bool IsBlockingStrategy => false;

    /// <inheritdoc />
    public long WaitFor(long sequence, DependentSequenceGroup dependencies, SequenceBarrier barrier)
    {
        long available;
        while ((available = dependencies.Value) < sequence)
        {
            barrier.CheckAlert();
            Thread.SpinWait(1);
        }

        return available;
    }

    /// <inheritdoc />
    public void SignalAllWhenBlocking()
    {
    }
}

/// <summary>
/// Spins briefly, then calls <see cref="Thread.Yield"/> on every retry: low latency while letting
/// other ready threads run.
/// </summary>
/// <remarks>
/// Still keeps a core busy when idle. Thread safety: stateless, share freely. Allocation: none.
/// </remarks>
public sealed class YieldingWaitStrategy : IWaitStrategy
{
    private const int SpinTries = 100;

    /// <inheritdoc />
    public bool IsBlockingStrategy => false;

    /// <inheritdoc />
    public long WaitFor(long sequence, DependentSequenceGroup dependencies, SequenceBarrier barrier)
    {
        int counter = SpinTries;
        long available;
        while ((available = dependencies.Value) < sequence)
        {
            barrier.CheckAlert();
            if (counter > 0)
            {
                counter--;
                Thread.SpinWait(1);
            }
            else
            {
                Thread.Yield();
            }
        }

        return available;
    }

    /// <inheritdoc />
    public void SignalAllWhenBlocking()
    {
    }
}

/// <summary>
/// Backs off in stages: spin, then <see cref="Thread.Yield"/>, then <c>Thread.Sleep(0)</c>, then
/// <c>Thread.Sleep(1)</c>. A good compromise between latency and CPU use when the load is bursty.
/// </summary>
/// <remarks>
/// Worst-case wake-up latency is about one scheduler tick once the sleep stage is reached.
/// Thread safety: stateless, share freely. Allocation: none.
/// </remarks>
public sealed class SleepingWaitStrategy : IWaitStrategy
{
    private const int SpinTries = 100;
    private const int YieldTries = 100;
    private const int SleepZeroTries = 100;

    /// <inheritdoc />
    public bool IsBlockingStrategy => false;

    /// <inheritdoc />
    public long WaitFor(long sequence, DependentSequenceGroup dependencies, SequenceBarrier barrier)
    {
        int counter = SpinTries + YieldTries + SleepZeroTries;
        long available;
        while ((available = dependencies.Value) < sequence)
        {
            barrier.CheckAlert();
            counter = Backoff(counter);
        }

        return available;
    }

    /// <inheritdoc />
    public void SignalAllWhenBlocking()
    {
    }

    private static int Backoff(int counter)
    {
        if (counter > YieldTries + SleepZeroTries)
        {
            Thread.SpinWait(1);
        }
        else if (counter > SleepZeroTries)
        {
            Thread.Yield();
        }
        else if (counter > 0)
        {
            Thread.Sleep(0);
        }
        else
        {
            Thread.Sleep(1);
            return 0;
        }

        return counter - 1;
    }
}

/// <summary>
/// Parks waiting consumers on a monitor until a producer publishes: no CPU used while idle, at the
/// cost of a kernel wake-up on the latency path.
/// </summary>
/// <remarks>
/// Producers take the lock only when a consumer may be parked: a waiter count is raised before a
/// consumer re-checks the cursor and parks, and <see cref="SignalAllWhenBlocking"/> reads it after a
/// full fence, so no wake-up can be lost while the common, nobody-waiting publish costs one fence.
/// Waiting for upstream consumers (not the cursor) uses a <see cref="SpinWait"/> back-off.
/// Thread safety: share one instance between the ring's producers and all its consumers. Allocation: none.
/// </remarks>
public sealed class BlockingWaitStrategy : IWaitStrategy
{
    private readonly object _gate = new();
    private int _waiters;

    /// <inheritdoc />
    public bool IsBlockingStrategy => true;

    /// <inheritdoc />
    public long WaitFor(long sequence, DependentSequenceGroup dependencies, SequenceBarrier barrier)
    {
        if (dependencies.CursorValue < sequence)
        {
            lock (_gate)
            {
                Interlocked.Increment(ref _waiters);
                try
                {
                    while (dependencies.CursorValue < sequence)
                    {
                        barrier.CheckAlert();
                        Monitor.Wait(_gate);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _waiters);
                }
            }
        }

        long available;
        SpinWait spin = default;
        while ((available = dependencies.Value) < sequence)
        {
            barrier.CheckAlert();
            spin.SpinOnce();
        }

        return available;
    }

    /// <inheritdoc />
    public void SignalAllWhenBlocking()
    {
        // Orders the producer's cursor store before the waiter-count load (store-load fence).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiters) != 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }
}
