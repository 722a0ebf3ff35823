using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Ring;

/// <summary>
/// Sequencer for any number of producer threads. Slots are claimed with a CAS on a padded cursor;
/// each slot's publication is recorded in an <c>int[]</c> of lap numbers (sequence / bufferSize), so a
/// consumer sees only the contiguous prefix of published slots even when producers publish out of order.
/// </summary>
/// <remarks>
/// Thread safety: every member may be called from any thread. The cursor is the highest <em>claimed</em>
/// sequence; use <see cref="GetHighestPublishedSequence"/> to find what may be read.
/// When the ring is full, <see cref="Next"/> waits with a <see cref="SpinWait"/> back-off. Allocation: none.
/// </remarks>
internal sealed class MultiProducerSequencer : Sequencer
{
    private readonly Sequence _cursor = new();
    private readonly Sequence _gatingSequenceCache = new();
    private readonly int[] _availableBuffer;
    private readonly int _indexMask;
    private readonly int _indexShift;

    public MultiProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
        : base(bufferSize, waitStrategy)
    {
        _availableBuffer = new int[bufferSize];
        _availableBuffer.AsSpan().Fill(-1);
        _indexMask = bufferSize - 1;
        _indexShift = BitOperations.Log2((uint)bufferSize);
    }

    /// <inheritdoc />
    public override Sequence CursorSequence => _cursor;

    /// <inheritdoc />
    /// <remarks>Slots keep their "never published" flags, so consumers see only what is published after this.</remarks>
    public override void ResetTo(long sequence)
    {
        _gatingSequenceCache.SetValue(sequence);
        _cursor.SetValueVolatile(sequence);
    }

    /// <inheritdoc />
    public override long Next(int n)
    {
        ValidateClaimSize(n, BufferSize);
        while (true)
        {
            long current = _cursor.Value;
            long next = current + n;
            long wrapPoint = next - BufferSize;
            long cached = _gatingSequenceCache.Value;
            if (wrapPoint > cached || cached > current)
            {
                WaitForCapacity(wrapPoint, current);
            }
            else if (_cursor.CompareAndSet(current, next))
            {
                return next;
            }
        }
    }

    /// <inheritdoc />
    public override bool TryNext(int n, out long hi)
    {
        ValidateClaimSize(n, BufferSize);
        while (true)
        {
            long current = _cursor.Value;
            long next = current + n;
            long wrapPoint = next - BufferSize;
            long cached = _gatingSequenceCache.Value;
            if (wrapPoint > cached || cached > current)
            {
                long min = GetMinimumGatingSequence(current);
                _gatingSequenceCache.SetValue(min);
                if (wrapPoint > min)
                {
                    hi = default;
                    return false;
                }
            }
            else if (_cursor.CompareAndSet(current, next))
            {
                hi = next;
                return true;
            }
        }
    }

    /// <inheritdoc />
    public override void Publish(long sequence)
    {
        SetAvailable(sequence);
        if (SignalOnPublish)
        {
            WaitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <inheritdoc />
    public override void Publish(long lo, long hi)
    {
        for (long s = lo; s <= hi; s++)
        {
            SetAvailable(s);
        }

        if (SignalOnPublish)
        {
            WaitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool IsAvailable(long sequence) =>
        Volatile.Read(ref Flag(sequence)) == (int)(sequence >>> _indexShift);

    /// <inheritdoc />
    public override long GetHighestPublishedSequence(long lo, long available)
    {
        for (long s = lo; s <= available; s++)
        {
            if (!IsAvailable(s))
            {
                return s - 1;
            }
        }

        return available;
    }

    /// <inheritdoc />
    public override long GetRemainingCapacity()
    {
        long produced = _cursor.Value;
        long consumed = GetMinimumGatingSequence(produced);
        return BufferSize - (produced - consumed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetAvailable(long sequence) => Volatile.Write(ref Flag(sequence), (int)(sequence >>> _indexShift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int Flag(long sequence) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_availableBuffer), (int)sequence & _indexMask);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForCapacity(long wrapPoint, long current)
    {
        SpinWait spin = default;
        long min;
        while (wrapPoint > (min = GetMinimumGatingSequence(current)))
        {
            spin.SpinOnce();
        }

        _gatingSequenceCache.SetValue(min);
    }
}
