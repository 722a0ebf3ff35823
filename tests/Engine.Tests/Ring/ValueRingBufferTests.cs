using Engine.Ring;
using NUnit.Framework;

namespace Engine.Tests.Ring;

[TestFixture(ProducerType.Single)]
[TestFixture(ProducerType.Multi)]
public class ValueRingBufferTests
{
    private readonly ProducerType _producerType;

    public ValueRingBufferTests(ProducerType producerType)
    {
        _producerType = producerType;
    }

    [TestCase(0)]
    [TestCase(-4)]
    [TestCase(3)]
    [TestCase(6)]
    [TestCase(1000)]
    public void ShouldThrowArgumentExceptionWhenSizeIsNotPowerOfTwo(int size)
    {
        Assert.That(() => ValueRingBuffer<TestEvent>.Create(_producerType, size, new BlockingWaitStrategy()), Throws.ArgumentException);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(1024)]
    public void ShouldCreateRingWhenSizeIsPowerOfTwo(int size)
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, size, new BlockingWaitStrategy());
        Assert.That(ring.BufferSize, Is.EqualTo(size));
        Assert.That(ring.Cursor, Is.EqualTo(-1));
        Assert.That(ring.ProducerType, Is.EqualTo(_producerType));
        Assert.That(ring.GetRemainingCapacity(), Is.EqualTo(size));
    }

    [Test]
    public void ShouldMapSequencesOntoSlotsModuloSize()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 8, new BlockingWaitStrategy());
        ring[3].Value = 33;
        Assert.That(ring[11].Value, Is.EqualTo(33));
        Assert.That(ring[3 + (8 * 1000)].Value, Is.EqualTo(33));
    }

    [Test]
    public void ShouldReturnConsecutiveSequencesWhenClaimingOneAtATime()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 8, new BlockingWaitStrategy());
        for (long expected = 0; expected < 20; expected++)
        {
            long seq = ring.Next();
            Assert.That(seq, Is.EqualTo(expected));
            ring.Publish(seq);
        }
    }

    [Test]
    public void ShouldReturnHighestSequenceWhenClaimingBatch()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 8, new BlockingWaitStrategy());
        Assert.That(ring.Next(3), Is.EqualTo(2));
        Assert.That(ring.Next(2), Is.EqualTo(4));
        ring.Publish(0, 4);
        Assert.That(ring.IsAvailable(4), Is.True);
        Assert.That(ring.TryNext(3, out long hi), Is.True);
        Assert.That(hi, Is.EqualTo(7));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(9)]
    public void ShouldRejectBatchClaimWhenSizeOutsideRange(int n)
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 8, new BlockingWaitStrategy());
        Assert.That(() => ring.Next(n), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ring.TryNext(n, out _), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ShouldReturnFalseFromTryNextWhenRingIsFull()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 4, new BlockingWaitStrategy());
        var consumer = new Sequence();
        ring.AddGatingSequences(consumer);

        for (int i = 0; i < 4; i++)
        {
            Assert.That(ring.TryNext(out long seq), Is.True);
            ring.Publish(seq);
        }

        Assert.That(ring.GetRemainingCapacity(), Is.EqualTo(0));
        Assert.That(ring.TryNext(out _), Is.False);
        Assert.That(ring.TryPublishEvent(out _), Is.False);

        consumer.SetValue(1); // consumer finished 0 and 1: two slots free
        Assert.That(ring.GetRemainingCapacity(), Is.EqualTo(2));
        Assert.That(ring.TryNext(3, out _), Is.False);
        Assert.That(ring.TryNext(2, out long hi), Is.True);
        Assert.That(hi, Is.EqualTo(5));
        Assert.That(ring.TryNext(out _), Is.False);
    }

    [Test]
    public void ShouldMakeEventVisibleOnlyAfterPublish()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 8, new BlockingWaitStrategy());
        long seq = ring.Next();
        Assert.That(ring.IsAvailable(seq), Is.False);
        ring.Publish(seq);
        Assert.That(ring.IsAvailable(seq), Is.True);
        Assert.That(ring.NewBarrier().WaitFor(0), Is.EqualTo(0));
    }

    [Test]
    public void ShouldPublishThroughScopeWhenDisposed()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 8, new BlockingWaitStrategy());
        using (ValueRingBuffer<TestEvent>.UnpublishedEventScope scope = ring.PublishEvent())
        {
            scope.Event().Value = 123;
            Assert.That(ring.IsAvailable(scope.Sequence), Is.False);
        }

        Assert.That(ring.IsAvailable(0), Is.True);
        Assert.That(ring[0].Value, Is.EqualTo(123));

        Assert.That(ring.TryPublishEvent(out ValueRingBuffer<TestEvent>.UnpublishedEventScope second), Is.True);
        using (second)
        {
            second.Event().Value = 456;
        }

        Assert.That(ring.IsAvailable(1), Is.True);
        Assert.That(ring[1].Value, Is.EqualTo(456));
    }

    [Test]
    public void ShouldPublishWholeBatchWhenBatchScopeDisposed()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 8, new BlockingWaitStrategy());
        using (ValueRingBuffer<TestEvent>.UnpublishedEventBatchScope batch = ring.PublishEvents(3))
        {
            Assert.That(batch.Length, Is.EqualTo(3));
            Assert.That(batch.StartSequence, Is.EqualTo(0));
            Assert.That(batch.EndSequence, Is.EqualTo(2));
            for (int i = 0; i < batch.Length; i++)
            {
                batch.Event(i).Value = 10 + i;
            }

            Assert.That(() => batch.Event(3), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(ring.IsAvailable(0), Is.False);
        }

        Assert.That(ring.NewBarrier().WaitFor(0), Is.EqualTo(2));
        Assert.That(ring[2].Value, Is.EqualTo(12));
    }

    [Test]
    public void ShouldStopGatingWhenGatingSequenceRemoved()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 2, new BlockingWaitStrategy());
        var consumer = new Sequence();
        ring.AddGatingSequences(consumer);
        long hi = ring.Next(2);
        ring.Publish(hi - 1, hi);
        Assert.That(ring.TryNext(out _), Is.False);
        Assert.That(ring.RemoveGatingSequence(consumer), Is.True);
        Assert.That(ring.RemoveGatingSequence(consumer), Is.False);
        Assert.That(ring.TryNext(out _), Is.True);
    }

    [Test]
    public void ShouldSetAddedGatingSequenceToCursor()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 8, new BlockingWaitStrategy());
        ring.Publish(0, ring.Next(5));
        var late = new Sequence();
        ring.AddGatingSequences(late);
        Assert.That(late.Value, Is.EqualTo(4));
    }

    [Category("Stress")]
    [TestCase(4, 300_000)]
    [TestCase(8, 300_000)]
    public void ShouldDeliverEveryEventOnceInOrderWhenTinyRingWrapsManyTimes(int size, int count)
    {
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, size, new SleepingWaitStrategy());
        var handler = new SequenceCheckingHandler(count);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        for (long i = 0; i < count; i++)
        {
            long seq = ring.Next();
            ring[seq].Value = seq;
            ring.Publish(seq);
        }

        Assert.That(handler.Done.Wait(RingTestSupport.Timeout), Is.True, "consumer did not see the last event");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
        Assert.That(handler.Count, Is.EqualTo(count));
        Assert.That(handler.Mismatches, Is.EqualTo(0), () => $"first mismatch at {handler.FirstMismatch}");
        Assert.That(processor.Sequence.Value, Is.EqualTo(count - 1));
    }

    [Category("Stress")]
    [Test]
    public void ShouldDeliverEveryEventWhenPublishingRandomBatchesIntoTinyRing()
    {
        const int Count = 200_000;
        const int Size = 8;
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, Size, new SleepingWaitStrategy());
        var handler = new SequenceCheckingHandler(Count);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        var random = new Random(12345);
        long published = 0;
        while (published < Count)
        {
            int n = (int)Math.Min(random.Next(1, Size + 1), Count - published);
            long hi = ring.Next(n);
            long lo = hi - n + 1;
            Assert.That(lo, Is.EqualTo(published));
            for (long s = lo; s <= hi; s++)
            {
                ring[s].Value = s;
            }

            ring.Publish(lo, hi);
            published += n;
        }

        Assert.That(handler.Done.Wait(RingTestSupport.Timeout), Is.True, "consumer did not see the last event");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
        Assert.That(handler.Count, Is.EqualTo(Count));
        Assert.That(handler.Mismatches, Is.EqualTo(0), () => $"first mismatch at {handler.FirstMismatch}");
    }

    [Category("Stress")]
    [Test]
    public void ShouldNeverOverwriteUnconsumedSlotWhenConsumerIsSlow()
    {
        const int Count = 20_000;
        var ring = ValueRingBuffer<TestEvent>.Create(_producerType, 4, new BlockingWaitStrategy());
        var handler = new SlowCheckingHandler(Count);
        var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), handler);
        ring.AddGatingSequences(processor.Sequence);
        Task stopped = processor.Start();

        for (long i = 0; i < Count; i++)
        {
            using ValueRingBuffer<TestEvent>.UnpublishedEventScope scope = ring.PublishEvent();
            scope.Event().Value = scope.Sequence;
            Assert.That(scope.Sequence - processor.Sequence.Value, Is.LessThanOrEqualTo(ring.BufferSize));
        }

        Assert.That(handler.Done.Wait(RingTestSupport.Timeout), Is.True, "consumer did not see the last event");
        processor.Halt();
        RingTestSupport.AssertCompletesCleanly(stopped, "processor");
        Assert.That(handler.Overwritten, Is.EqualTo(0), "a producer overwrote a slot the consumer had not finished");
        Assert.That(handler.Count, Is.EqualTo(Count));
    }

    /// <summary>Reads each slot twice with a pause in between: a lapping producer would change it.</summary>
    private sealed class SlowCheckingHandler(long expectedCount) : IValueEventHandler<TestEvent>
    {
        public ManualResetEventSlim Done { get; } = new(false);

        public long Count { get; private set; }

        public long Overwritten { get; private set; }

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            long first = data.Value;
            if ((sequence & 7) == 0)
            {
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(50);
            }

            if (first != sequence || data.Value != sequence)
            {
                Overwritten++;
            }

            if (++Count == expectedCount)
            {
                Done.Set();
            }
        }
    }
}

[TestFixture]
public class MultiProducerSequencerTests
{
    [Test]
    public void ShouldExposeOnlyContiguousPublishedPrefixWhenPublishedOutOfOrder()
    {
        var ring = ValueRingBuffer<TestEvent>.Create(ProducerType.Multi, 8, new BlockingWaitStrategy());
        SequenceBarrier barrier = ring.NewBarrier();
        long a = ring.Next();
        long b = ring.Next();
        long c = ring.Next();
        Assert.That(ring.Cursor, Is.EqualTo(2), "multi-producer cursor is the claimed sequence");

        ring.Publish(a);
        ring.Publish(c);
        Assert.That(barrier.WaitFor(0), Is.EqualTo(0), "slot 1 is not published, so 2 must not be visible");
        Assert.That(ring.IsAvailable(c), Is.True);

        ring.Publish(b);
        Assert.That(barrier.WaitFor(1), Is.EqualTo(2));
    }

    [Test]
    public void ShouldReportHighestPublishedSequenceBeforeFirstGap()
    {
        var sequencer = new MultiProducerSequencer(8, new BlockingWaitStrategy());
        sequencer.Next(6);
        sequencer.Publish(0, 2);
        sequencer.Publish(4);
        Assert.That(sequencer.GetHighestPublishedSequence(0, 5), Is.EqualTo(2));
        Assert.That(sequencer.GetHighestPublishedSequence(3, 5), Is.EqualTo(2));
        sequencer.Publish(3);
        Assert.That(sequencer.GetHighestPublishedSequence(0, 5), Is.EqualTo(4));
        sequencer.Publish(5);
        Assert.That(sequencer.GetHighestPublishedSequence(0, 5), Is.EqualTo(5));
    }

    [Test]
    public void ShouldTreatPreviousLapAsUnpublishedWhenSlotIsReused()
    {
        var sequencer = new MultiProducerSequencer(4, new BlockingWaitStrategy());
        sequencer.Publish(0, sequencer.Next(4));
        Assert.That(sequencer.IsAvailable(0), Is.True);
        Assert.That(sequencer.IsAvailable(4), Is.False, "slot 0 holds lap 0, not lap 1");
        sequencer.Publish(sequencer.Next(1));
        Assert.That(sequencer.IsAvailable(4), Is.True);
        Assert.That(sequencer.IsAvailable(0), Is.False);
    }
}
