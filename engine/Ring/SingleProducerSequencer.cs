using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Ring;

/// <summary>
/// Sequencer for exactly one producer thread: the claim is a plain increment of a thread-local
/// counter and the minimum gating sequence is cached, so the fast path has no atomic instruction.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="Next"/>, <see cref="TryNext"/> and <see cref="Publish(long)"/> must be called from a
/// single thread (or with external happens-before between callers). The cursor is the last published sequence.
/// When the ring is full, <see cref="Next"/> waits with a <see cref="SpinWait"/> back-off (spin, yield, sleep).
/// Allocation: none.
/// </remarks>
internal sealed class SingleProducerSequencer : Sequencer
{
    private readonly Sequence _cursor = new();

    // Producer-only state, padded so consumers reading the cursor or gating array never share its line.
    private ProducerState _state = new() { NextValue = Sequence.InitialValue, CachedGatingValue = Sequence.InitialValue };

    public SingleProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
        : base(bufferSize, waitStrategy)
    {
    }

    /// <inheritdoc />
    public override Sequence CursorSequence => _cursor;

    /// <inheritdoc />
    public override void ResetTo(long sequence)
    {
        _state.NextValue = sequence;
        _state.CachedGatingValue = sequence;
        _cursor.SetValueVolatile(sequence);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long Next(int n)
    {
        ValidateClaimSize(n, BufferSize);
        long nextValue = _state.NextValue;
        long next = nextValue + n;
        long wrapPoint = next - BufferSize;
        long cached = _state.CachedGatingValue;
        if (wrapPoint > cached || cached > nextValue)
        {
            WaitForCapacity(wrapPoint, nextValue);
        }

        _state.NextValue = next;
        return next;
    }

    /// <inheritdoc />
    public override bool TryNext(int n, out long hi)
    {
        ValidateClaimSize(n, BufferSize);
        long nextValue = _state.NextValue;
        long next = nextValue + n;
        long wrapPoint = next - BufferSize;
        long cached = _state.CachedGatingValue;
        if (wrapPoint > cached || cached > nextValue)
        {
            Interlocked.MemoryBarrier();
            long min = GetMinimumGatingSequence(nextValue);
            _state.CachedGatingValue = min;
            if (wrapPoint > min)
            {
                hi = default;
                return false;
            }
        }

        _state.NextValue = next;
        hi = next;
        return true;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long sequence)
    {
        _cursor.SetValue(sequence);
        if (SignalOnPublish)
        {
            WaitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <inheritdoc />
    public override void Publish(long lo, long hi) => Publish(hi);

    /// <inheritdoc />
    public override bool IsAvailable(long sequence)
    {
        long cursor = _cursor.Value;
        return sequence <= cursor && sequence > cursor - BufferSize;
    }

    /// <inheritdoc />
    public override long GetHighestPublishedSequence(long lo, long available) => available;

    /// <inheritdoc />
    public override long GetRemainingCapacity()
    {
        long produced = _state.NextValue;
        long consumed = GetMinimumGatingSequence(produced);
        return BufferSize - (produced - consumed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForCapacity(long wrapPoint, long nextValue)
    {
        // Make our last publish visible before reading the consumers' progress (store-load fence).
        Interlocked.MemoryBarrier();
        SpinWait spin = default;
        long min;
        while (wrapPoint > (min = GetMinimumGatingSequence(nextValue)))
        {
            spin.SpinOnce();
        }

        _state.CachedGatingValue = min;
    }

    [StructLayout(LayoutKind.Explicit, Size = (RingConstants.CacheLinePadding * 2) + (2 * sizeof(long)))]
    private struct ProducerState
    {
        // padding before
        [FieldOffset(RingConstants.CacheLinePadding)]
        public long NextValue;

        [FieldOffset(RingConstants.CacheLinePadding + sizeof(long))]
        public long CachedGatingValue;
        // padding after
    }
}
