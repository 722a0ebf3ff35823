using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Ring;
using NUnit.Framework;

namespace Engine.Tests.Ring;

[TestFixture]
public class SequenceTests
{
    private const int Padding = 56;

    [Test]
    public void ShouldStartAtMinusOneWhenCreatedWithoutValue()
    {
        Assert.That(new Sequence().Value, Is.EqualTo(-1));
        Assert.That(new Sequence(42).Value, Is.EqualTo(42));
    }

    [Test]
    public void ShouldSetAndReadBackValue()
    {
        var sequence = new Sequence();
        sequence.SetValue(7);
        Assert.That(sequence.Value, Is.EqualTo(7));
        sequence.SetValueVolatile(9);
        Assert.That(sequence.Value, Is.EqualTo(9));
    }

    [Test]
    public void ShouldCompareAndSetOnlyWhenExpectedMatches()
    {
        var sequence = new Sequence(5);
        Assert.That(sequence.CompareAndSet(4, 10), Is.False);
        Assert.That(sequence.Value, Is.EqualTo(5));
        Assert.That(sequence.CompareAndSet(5, 10), Is.True);
        Assert.That(sequence.Value, Is.EqualTo(10));
    }

    [Test]
    public void ShouldReturnUpdatedValueFromAddAndIncrement()
    {
        var sequence = new Sequence(0);
        Assert.That(sequence.AddAndGet(5), Is.EqualTo(5));
        Assert.That(sequence.IncrementAndGet(), Is.EqualTo(6));
        Assert.That(sequence.AddAndGet(-6), Is.EqualTo(0));
    }

    [Test]
    public void ShouldLoseNoIncrementWhenIncrementedConcurrently()
    {
        const int PerThread = 200_000;
        var sequence = new Sequence(0);
        Thread[] threads = Enumerable.Range(0, 2)
            .Select(i => RingTestSupport.StartThread($"inc-{i}", () =>
            {
                for (int j = 0; j < PerThread; j++)
                {
                    if ((j & 1) == 0)
                    {
                        sequence.IncrementAndGet();
                    }
                    else
                    {
                        sequence.AddAndGet(1);
                    }
                }
            }))
            .ToArray();
        foreach (Thread t in threads)
        {
            RingTestSupport.Join(t);
        }

        Assert.That(sequence.Value, Is.EqualTo(2L * PerThread));
    }

    [Test]
    public void ShouldPadValueBy56BytesOnBothSidesWhenLaidOut()
    {
        Assert.That(RingConstants.CacheLinePadding, Is.EqualTo(Padding));
        Assert.That((int)Marshal.OffsetOf<PaddedLong>(nameof(PaddedLong.Value)), Is.EqualTo(Padding));
        Assert.That(Unsafe.SizeOf<PaddedLong>(), Is.EqualTo(Padding + sizeof(long) + Padding));
    }

    [Test]
    public void ShouldPlaceValue56BytesIntoTheSequenceObject()
    {
        var sequence = new Sequence();
        ref byte objectData = ref Unsafe.As<RawObject>(sequence).FirstByte;
        ref byte value = ref Unsafe.As<long, byte>(ref sequence.ValueRef);
        Assert.That((long)Unsafe.ByteOffset(ref objectData, ref value), Is.EqualTo(Padding));
    }

    [Test]
    public void ShouldLeaveAtLeast56BytesAfterValueWhenAllocated()
    {
        // header + method table (16) + 56 + 8 + 56: measured as the allocation size of one instance.
        _ = new Sequence(); // make sure the type is loaded and any one-off allocation is done
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sequence = new Sequence();
        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(sequence);
        Assert.That(after - before, Is.GreaterThanOrEqualTo(16 + Padding + sizeof(long) + Padding));
    }

    private sealed class RawObject
    {
        public byte FirstByte;
    }
}
