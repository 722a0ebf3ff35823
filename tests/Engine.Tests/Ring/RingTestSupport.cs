using Engine.Ring;
using NUnit.Framework;

namespace Engine.Tests.Ring;

/// <summary>Event used by the ring tests: a value plus the producer that wrote it.</summary>
internal struct TestEvent
{
    public long Value;
    public int Producer;
}

/// <summary>Shared helpers: condition waits with generous timeouts, never timing assertions.</summary>
internal static class RingTestSupport
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60); // a stall detector, not a speed check: the CI machine has 2 shared cores

    /// <summary>Producer threads for multi-producer tests: 2 to 4, whatever the core count.</summary>
    public static int ProducerCount => Math.Clamp(Environment.ProcessorCount * 2, 2, 4);

    public static void WaitUntil(Func<bool> condition, string what)
    {
        Assert.That(SpinWait.SpinUntil(condition, Timeout), Is.True, $"timed out waiting until {what}");
    }

    /// <summary>Waits for <paramref name="task"/> to finish (in any state) and fails the test if it does not.</summary>
    public static void AssertFinishes(Task task, string what)
    {
        bool finished = ((IAsyncResult)task).AsyncWaitHandle.WaitOne(Timeout);
        Assert.That(finished, Is.True, $"timed out waiting for {what} to stop");
    }

    /// <summary>Waits for <paramref name="task"/> and requires it to have completed successfully.</summary>
    public static void AssertCompletesCleanly(Task task, string what)
    {
        AssertFinishes(task, what);
        Assert.That(task.Status, Is.EqualTo(TaskStatus.RanToCompletion), () => $"{what}: {task.Exception}");
    }

    public static Thread StartThread(string name, Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    public static void Join(Thread thread)
    {
        Assert.That(thread.Join(Timeout), Is.True, $"thread {thread.Name} did not finish");
    }
}

/// <summary>
/// Consumer that checks each event's value equals its sequence and counts events; signals when it reaches a target.
/// </summary>
internal sealed class SequenceCheckingHandler : IValueEventHandler<TestEvent>
{
    private readonly long _lastSequence;
    private long _count;
    private long _mismatches;

    public SequenceCheckingHandler(long expectedCount)
    {
        _lastSequence = expectedCount - 1;
    }

    public ManualResetEventSlim Done { get; } = new(false);

    public long Count => Volatile.Read(ref _count);

    public long Mismatches => Volatile.Read(ref _mismatches);

    public long FirstMismatch { get; private set; } = -1;

    public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
    {
        if (data.Value != sequence)
        {
            if (_mismatches == 0)
            {
                FirstMismatch = sequence;
            }

            Volatile.Write(ref _mismatches, _mismatches + 1);
        }

        Volatile.Write(ref _count, _count + 1);
        if (sequence == _lastSequence)
        {
            Done.Set();
        }
    }
}
