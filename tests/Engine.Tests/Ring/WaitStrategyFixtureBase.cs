using Engine.Ring;
using NUnit.Framework;

namespace Engine.Tests.Ring;

/// <summary>
/// Concurrency checks run once per wait strategy: each derived fixture only supplies the strategy.
/// Thread counts are clamped (at most 4 producers plus consumers) and every strategy here backs off
/// (yield, sleep or block), so the tests stay sound on a 2-core machine.
/// </summary>
public abstract class WaitStrategyFixtureBase
{
    protected abstract IWaitStrategy CreateWaitStrategy();

    [Category("Stress")]
    [TestCase(16)]
    [TestCase(64)]
    public void ShouldDeliverEveryProducersItemsInOrderWhenManyProducersShareRing(int size)
    {
        const int Total = 1_000_000;
        int producers = RingTestSupport.ProducerCount;
        int perProducer = Total / producers;
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Multi, size, CreateWaitStrategy());
        var handler = new PerProducerOrderHandler(producers, (long)perProducer * producers);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        using var go = new ManualResetEventSlim(false);
        Thread[] threads = Enumerable.Range(0, producers)
            .Select(p => RingTestSupport.StartThread($"producer-{p}", () =>
            {
                go.Wait();
                for (long i = 0; i < perProducer; i++)
                {
                    // Mix single claims and small batch claims so both paths race.
                    if ((i & 15) == 0 && i + 4 <= perProducer)
                    {
                        long hi = ring.Next(4);
                        for (long s = hi - 3; s <= hi; s++)
                        {
                            ring[s] = new TestEvent { Producer = p, Value = i++ };
                        }

                        i--;
                        ring.Publish(hi - 3, hi);
                    }
                    else
                    {
                        long seq = ring.Next();
                        ring[seq] = new TestEvent { Producer = p, Value = i };
                        ring.Publish(seq);
                    }
                }
            }))
            .ToArray();
        go.Set();

        foreach (Thread t in threads)
        {
            RingTestSupport.Join(t);
        }

        Assert.That(handler.Done.Wait(RingTestSupport.Timeout), Is.True, () => $"consumer stalled at {handler.Count}");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");

        Assert.That(handler.OutOfOrder, Is.EqualTo(0), () => handler.FirstError);
        Assert.That(handler.Count, Is.EqualTo((long)perProducer * producers));
        for (int p = 0; p < producers; p++)
        {
            Assert.That(handler.NextExpected[p], Is.EqualTo(perProducer), $"producer {p} items lost");
        }
    }

    [Category("Stress")]
    [Test]
    public void ShouldDeliverEverythingInOrderWhenSingleProducerWrapsSmallRing()
    {
        const int Count = 500_000;
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, CreateWaitStrategy());
        var handler = new SequenceCheckingHandler(Count);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        for (long i = 0; i < Count; i++)
        {
            long seq = ring.Next();
            ring[seq].Value = seq;
            ring.Publish(seq);
        }

        Assert.That(handler.Done.Wait(RingTestSupport.Timeout), Is.True, () => $"consumer stalled at {handler.Count}");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
        Assert.That(handler.Count, Is.EqualTo(Count));
        Assert.That(handler.Mismatches, Is.EqualTo(0));
    }

    [Category("Stress")]
    [TestCase(ProducerType.Single)]
    [TestCase(ProducerType.Multi)]
    public void ShouldNeverPassUpstreamConsumerWhenDependentOnIt(ProducerType producerType)
    {
        const int Count = 200_000;
        var ring = ValueRingBuffer<TestEvent>.Create(producerType, 64, CreateWaitStrategy());
        var upstream = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new JitteryHandler());
        var downstreamHandler = new DependentCheckingHandler(upstream.Sequence, Count);
        var downstream = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(upstream.Sequence), downstreamHandler);
        ring.AddGatingSequences(downstream.Sequence); // the end of the chain gates the producer
        Task upstreamStopped = upstream.Start("upstream");
        Task downstreamStopped = downstream.Start("downstream");

        for (long i = 0; i < Count; i++)
        {
            long seq = ring.Next();
            ring[seq].Value = seq;
            ring.Publish(seq);
        }

        Assert.That(downstreamHandler.Done.Wait(RingTestSupport.Timeout), Is.True, () => $"downstream stalled at {downstreamHandler.Count}");
        upstream.Halt();
        downstream.Halt();
        RingTestSupport.AssertCompletesCleanly(upstreamStopped, "upstream");
        RingTestSupport.AssertCompletesCleanly(downstreamStopped, "downstream");

        Assert.That(downstreamHandler.Violations, Is.EqualTo(0), () => downstreamHandler.FirstViolation);
        Assert.That(downstreamHandler.Count, Is.EqualTo(Count));
        Assert.That(upstream.Sequence.Value, Is.EqualTo(Count - 1));
    }

    [Test]
    public void ShouldStopPromptlyWhenHaltedWhileIdle()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Multi, 16, CreateWaitStrategy());
        var handler = new SequenceCheckingHandler(long.MaxValue);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();
        RingTestSupport.WaitUntil(() => processor.IsRunning, "the processor runs");

        long seq = ring.Next();
        ring[seq].Value = seq;
        ring.Publish(seq);
        RingTestSupport.WaitUntil(() => processor.Sequence.Value == seq, "the event is consumed");

        // Now the consumer is parked in its wait strategy on an empty ring.
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "idle processor");
        Assert.That(processor.IsRunning, Is.False);
    }

    [Category("Stress")]
    [Test]
    public void ShouldStopPromptlyWhenHaltedUnderLoad()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Multi, 64, CreateWaitStrategy());
        var handler = new CountingHandler();
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        // Producers use TryNext so they never wait forever on a halted consumer.
        using var stop = new CancellationTokenSource();
        CancellationToken token = stop.Token;
        Thread[] producers = Enumerable.Range(0, 2)
            .Select(p => RingTestSupport.StartThread($"load-{p}", () =>
            {
                while (!token.IsCancellationRequested)
                {
                    if (ring.TryNext(out long seq))
                    {
                        ring[seq].Value = seq;
                        ring.Publish(seq);
                    }
                    else
                    {
                        Thread.Yield();
                    }
                }
            }))
            .ToArray();

        RingTestSupport.WaitUntil(() => handler.Count > 10_000, "the consumer is busy");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor under load");
        Assert.That(processor.IsRunning, Is.False);

        stop.Cancel();
        foreach (Thread t in producers)
        {
            RingTestSupport.Join(t);
        }

        long processed = processor.Sequence.Value;
        Assert.That(ring.Cursor, Is.GreaterThanOrEqualTo(processed));
    }

    private sealed class CountingHandler : IValueEventHandler<TestEvent>
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch) => Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Upstream consumer that sometimes pauses, so the downstream one catches up with it.</summary>
    private sealed class JitteryHandler : IValueEventHandler<TestEvent>
    {
        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            if ((sequence & 1023) == 0)
            {
                Thread.Yield();
            }
            else if ((sequence & 31) == 0)
            {
                Thread.SpinWait(200);
            }
        }
    }

    /// <summary>Downstream consumer: at every event the upstream sequence must already be at or past it.</summary>
    private sealed class DependentCheckingHandler(Sequence upstream, long expectedCount) : IValueEventHandler<TestEvent>
    {
        private long _count;

        public ManualResetEventSlim Done { get; } = new(false);

        public long Count => Volatile.Read(ref _count);

        public long Violations { get; private set; }

        public string FirstViolation { get; private set; } = "none";

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            long upstreamAt = upstream.Value;
            if (upstreamAt < sequence || data.Value != sequence)
            {
                if (Violations++ == 0)
                {
                    FirstViolation = $"at {sequence}: upstream {upstreamAt}, value {data.Value}";
                }
            }

            Volatile.Write(ref _count, _count + 1);
            if (_count == expectedCount)
            {
                Done.Set();
            }
        }
    }

    /// <summary>Checks each producer's values arrive as 0, 1, 2, ... with nothing lost or repeated.</summary>
    private sealed class PerProducerOrderHandler(int producers, long expectedCount) : IValueEventHandler<TestEvent>
    {
        private long _count;

        public long[] NextExpected { get; } = new long[producers];

        public ManualResetEventSlim Done { get; } = new(false);

        public long Count => Volatile.Read(ref _count);

        public long OutOfOrder { get; private set; }

        public string FirstError { get; private set; } = "none";

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            int p = data.Producer;
            if ((uint)p >= (uint)NextExpected.Length || data.Value != NextExpected[p])
            {
                if (OutOfOrder++ == 0)
                {
                    FirstError = $"seq {sequence}: producer {p} value {data.Value}";
                }
            }
            else
            {
                NextExpected[p]++;
            }

            Volatile.Write(ref _count, _count + 1);
            if (_count == expectedCount)
            {
                Done.Set();
            }
        }
    }
}

[TestFixture]
public class BlockingWaitStrategyTests : WaitStrategyFixtureBase
{
    protected override IWaitStrategy CreateWaitStrategy() => new BlockingWaitStrategy();
}

[TestFixture]
public class SleepingWaitStrategyTests : WaitStrategyFixtureBase
{
    protected override IWaitStrategy CreateWaitStrategy() => new SleepingWaitStrategy();
}

[TestFixture]
public class YieldingWaitStrategyTests : WaitStrategyFixtureBase
{
    protected override IWaitStrategy CreateWaitStrategy() => new YieldingWaitStrategy();
}

/// <summary>Busy spin burns a core per consumer, so it only gets a one-producer, one-consumer check.</summary>
[TestFixture]
public class BusySpinWaitStrategyTests
{
    [Test]
    public void ShouldDeliverEverythingWhenOneProducerAndOneConsumer()
    {
        const int Count = 100_000;
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 64, new BusySpinWaitStrategy());
        var handler = new SequenceCheckingHandler(Count);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        for (long i = 0; i < Count; i++)
        {
            long seq = ring.Next();
            ring[seq].Value = seq;
            ring.Publish(seq);
        }

        Assert.That(handler.Done.Wait(RingTestSupport.Timeout), Is.True);
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
        Assert.That(handler.Mismatches, Is.EqualTo(0));
    }
}
