using System.Runtime.CompilerServices;
using Engine.Ring;
using NUnit.Framework;

namespace Engine.Tests.Ring;

[TestFixture]
public class ValueBatchEventProcessorTests
{
    [Test]
    public void ShouldDeliverWholeBacklogAsOneBatchWhenPublishedBeforeStart()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var handler = new BatchRecordingHandler(10);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        ring.Publish(0, ring.Next(10));

        Task stopped = processor.Start();
        Assert.That(handler.Done.Wait(RingTestSupport.Timeout), Is.True);
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");

        Assert.That(handler.BatchSizes, Is.EqualTo(new long[] { 10 }));
        Assert.That(handler.EndOfBatchSequences, Is.EqualTo(new long[] { 9 }));
        Assert.That(handler.Violations, Is.EqualTo(0));
    }

    [Category("Stress")]
    [Test]
    public void ShouldSumBatchSizesToEventCountAndFlagOnlyLastOfEachBatch()
    {
        const int Count = 100_000;
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Multi, 32, new SleepingWaitStrategy());
        var handler = new BatchRecordingHandler(Count);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        var random = new Random(7);
        for (long published = 0; published < Count;)
        {
            int n = (int)Math.Min(random.Next(1, 9), Count - published);
            long hi = ring.Next(n);
            ring.Publish(hi - n + 1, hi);
            published += n;
        }

        Assert.That(handler.Done.Wait(RingTestSupport.Timeout), Is.True);
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");

        Assert.That(handler.BatchSizes.Sum(), Is.EqualTo(Count));
        Assert.That(handler.EndOfBatchSequences, Has.Count.EqualTo(handler.BatchSizes.Count));
        Assert.That(handler.EndOfBatchSequences[^1], Is.EqualTo(Count - 1));
        Assert.That(handler.Violations, Is.EqualTo(0), () => handler.FirstViolation);
    }

    [Test]
    public void ShouldFaultTaskAndReportWhenHandlerThrows()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var failure = new InvalidOperationException("boom at 5");
        var handler = new ThrowingHandler(5, failure);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        Exception? reported = null;
        processor.OnFault = ex => reported = ex;
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        ring.Publish(0, ring.Next(10));

        RingTestSupport.AssertFinishes(stopped, "faulted processor");
        Assert.That(stopped.IsFaulted, Is.True);
        Assert.That(stopped.Exception!.InnerException, Is.SameAs(failure));
        Assert.That(processor.Fault, Is.SameAs(failure));
        Assert.That(reported, Is.SameAs(failure));
        Assert.That(processor.IsRunning, Is.False);
        Assert.That(processor.Sequence.Value, Is.EqualTo(-1), "the failing batch is not marked processed");
        Assert.That(handler.ShutdownCalls, Is.EqualTo(1));
    }

    [Test]
    public void ShouldRethrowFromRunWhenHandlerThrows()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var failure = new InvalidOperationException("boom");
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new ThrowingHandler(2, failure));
        ring.Publish(0, ring.Next(4));

        Assert.That(() => processor.Run(), Throws.Exception.SameAs(failure));
        Assert.That(processor.IsRunning, Is.False);
    }

    [Test]
    public void ShouldSkipFailedEventWhenExceptionHandlerContinues()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var handler = new ThrowingHandler(3, new InvalidOperationException("skip me"));
        var exceptionHandler = new ContinueExceptionHandler();
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler, exceptionHandler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        ring.Publish(0, ring.Next(10));
        RingTestSupport.WaitUntil(() => processor.Sequence.Value == 9, "all ten events are processed");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");

        Assert.That(exceptionHandler.Sequences, Is.EqualTo(new long[] { 3 }));
        Assert.That(handler.Handled, Is.EqualTo(9));
        Assert.That(processor.Fault, Is.Null);
    }

    [Test]
    public void ShouldFaultWhenOnStartThrows()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new FailingStartHandler());
        Task stopped = processor.Start();
        RingTestSupport.AssertFinishes(stopped, "processor");
        Assert.That(stopped.Exception!.InnerException, Is.InstanceOf<NotSupportedException>());
        Assert.That(processor.Fault, Is.InstanceOf<NotSupportedException>());
    }

    [Test]
    public void ShouldExitAtOnceWhenHaltedBeforeStart()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var handler = new BatchRecordingHandler(1);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        processor.Halt();
        Task stopped = processor.Start();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor halted before start");
        Assert.That(handler.StartCalls, Is.EqualTo(0));

        // The halt was consumed: the next start runs normally.
        Task restarted = processor.Start();
        RingTestSupport.WaitUntil(() => handler.StartCalls == 1, "the restarted processor calls OnStart");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(restarted, "restarted processor");
        Assert.That(handler.ShutdownCalls, Is.EqualTo(1));
    }

    [Test]
    public void ShouldThrowWhenRunWhileAlreadyRunning()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new BatchRecordingHandler(1));
        Task stopped = processor.Start();
        RingTestSupport.WaitUntil(() => processor.IsRunning, "the processor runs");

        Assert.That(() => processor.Run(), Throws.InvalidOperationException);
        Assert.That(() => processor.Start(), Throws.InvalidOperationException);

        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
    }

    [Test]
    public void ShouldResumeAfterLastProcessedSequenceWhenRestarted()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var handler = new BatchRecordingHandler(long.MaxValue);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);

        Task first = processor.Start();
        ring.Publish(0, ring.Next(3));
        RingTestSupport.WaitUntil(() => processor.Sequence.Value == 2, "the first three events are processed");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(first, "first run");

        ring.Publish(3, ring.Next(2));
        Task second = processor.Start();
        RingTestSupport.WaitUntil(() => processor.Sequence.Value == 4, "the next two events are processed");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(second, "second run");
        Assert.That(handler.Handled, Is.EqualTo(5));
    }

    [Test]
    public void ShouldCallStructHandlerWithoutBoxingItsState()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var sink = new StrongBox<long>();
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new SummingStructHandler(sink));
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        for (int i = 1; i <= 10; i++)
        {
            using ValueRingBuffer<TestEvent>.UnpublishedEventScope scope = ring.PublishEvent();
            scope.Event().Value = i;
        }

        RingTestSupport.WaitUntil(() => Volatile.Read(ref sink.Value) == 55, "the struct handler summed every event");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
    }

    [Test]
    public void ShouldNotAllocateOnConsumerThreadWhenStructHandlerUsesDefaultBatchStart()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var probe = new AllocationProbe();
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new AllocationProbeHandler(probe));
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        for (long i = 0; i < 1_000; i++)
        {
            long seq = ring.Next();
            ring.Publish(seq);
            if (i % 50 == 0)
            {
                RingTestSupport.WaitUntil(() => processor.Sequence.Value == seq, "the consumer catches up");
            }
        }

        RingTestSupport.WaitUntil(() => processor.Sequence.Value == 999, "every event is consumed");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
        Assert.That(probe.EndOfBatchCount, Is.GreaterThan(10), "the run must span many batches");
        Assert.That(probe.AllocatedAtLast - probe.AllocatedAtFirst, Is.EqualTo(0), "bytes allocated by the consumer thread");
    }

    [Test]
    public void ShouldCallBatchStartWhenStructHandlerImplementsIt()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Single, 16, new BlockingWaitStrategy());
        var batches = new StrongBox<long>();
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new BatchCountingStructHandler(batches));
        ring.AddGatingSequences(processor.Sequence);
        ring.Publish(0, ring.Next(5));
        Task stopped = processor.Start();
        RingTestSupport.WaitUntil(() => Volatile.Read(ref batches.Value) == 5, "OnBatchStart reports the backlog");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
    }

    private sealed class AllocationProbe
    {
        public long AllocatedAtFirst { get; set; }

        public long AllocatedAtLast { get; set; }

        public long EndOfBatchCount { get; set; }
    }

    private readonly struct AllocationProbeHandler(AllocationProbe probe) : IValueEventHandler<TestEvent>
    {
        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            if (sequence == 0)
            {
                probe.AllocatedAtFirst = GC.GetAllocatedBytesForCurrentThread();
            }

            if (endOfBatch)
            {
                probe.EndOfBatchCount++;
            }

            if (sequence == 999)
            {
                probe.AllocatedAtLast = GC.GetAllocatedBytesForCurrentThread();
            }
        }
    }

    private readonly struct BatchCountingStructHandler(StrongBox<long> batchTotal) : IValueEventHandler<TestEvent>
    {
        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
        }

        public void OnBatchStart(long batchSize) => Volatile.Write(ref batchTotal.Value, batchTotal.Value + batchSize);
    }

    private struct SummingStructHandler(StrongBox<long> sink) : IValueEventHandler<TestEvent>
    {
        private long _sum;

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            _sum += data.Value;
            if (endOfBatch)
            {
                Volatile.Write(ref sink.Value, _sum);
            }
        }
    }

    /// <summary>Records batch sizes and end-of-batch flags and checks they agree with each other.</summary>
    private sealed class BatchRecordingHandler(long expectedCount) : IValueEventHandler<TestEvent>
    {
        private long _remainingInBatch;

        public List<long> BatchSizes { get; } = [];

        public List<long> EndOfBatchSequences { get; } = [];

        public ManualResetEventSlim Done { get; } = new(false);

        public long Handled { get; private set; }

        public int Violations { get; private set; }

        public string FirstViolation { get; private set; } = "none";

        public int StartCalls { get; private set; }

        public int ShutdownCalls { get; private set; }

        public void OnBatchStart(long batchSize)
        {
            if (_remainingInBatch != 0 || batchSize < 1)
            {
                Violate($"batch of {batchSize} started with {_remainingInBatch} left over");
            }

            _remainingInBatch = batchSize;
            BatchSizes.Add(batchSize);
        }

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            _remainingInBatch--;
            if (endOfBatch != (_remainingInBatch == 0))
            {
                Violate($"seq {sequence}: endOfBatch {endOfBatch} with {_remainingInBatch} left");
            }

            if (endOfBatch)
            {
                EndOfBatchSequences.Add(sequence);
            }

            if (++Handled == expectedCount)
            {
                Done.Set();
            }
        }

        public void OnStart() => StartCalls++;

        public void OnShutdown() => ShutdownCalls++;

        private void Violate(string what)
        {
            if (Violations++ == 0)
            {
                FirstViolation = what;
            }
        }
    }

    private sealed class ThrowingHandler(long failAt, Exception failure) : IValueEventHandler<TestEvent>
    {
        private int _shutdownCalls;
        private long _handled;

        public int ShutdownCalls => Volatile.Read(ref _shutdownCalls);

        public long Handled => Volatile.Read(ref _handled);

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            if (sequence == failAt)
            {
                throw failure;
            }

            Interlocked.Increment(ref _handled);
        }

        public void OnShutdown() => Interlocked.Increment(ref _shutdownCalls);
    }

    private sealed class FailingStartHandler : IValueEventHandler<TestEvent>
    {
        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
        }

        public void OnStart() => throw new NotSupportedException("cannot start");
    }

    private sealed class ContinueExceptionHandler : IExceptionHandler<TestEvent>
    {
        private readonly List<long> _sequences = [];

        public long[] Sequences
        {
            get
            {
                lock (_sequences)
                {
                    return [.. _sequences];
                }
            }
        }

        public ExceptionAction HandleEventException(Exception exception, long sequence, ref TestEvent evt)
        {
            lock (_sequences)
            {
                _sequences.Add(sequence);
            }

            return ExceptionAction.Continue;
        }
    }
}
