using System.Runtime.InteropServices;

namespace Engine.Ring;

/// <summary>
/// A <see cref="long"/> cell padded by <see cref="RingConstants.CacheLinePadding"/> bytes on
/// both sides so that writes to it never falsely share a cache line with a neighbour.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = RingConstants.PaddedLongSize)]
internal struct PaddedLong
{
    // padding: bytes [0, 56) are left empty on purpose
    [FieldOffset(RingConstants.CacheLinePadding)]
    public long Value;
    // padding: bytes [64, 120) are left empty on purpose (Size above)
}

/// <summary>
/// A cache-line padded, concurrently readable sequence counter, used for the ring's cursor and
/// for each consumer's progress.
/// </summary>
/// <remarks>
/// Thread safety: every member is safe to call from any thread. <see cref="Value"/> is an
/// acquire read and <see cref="SetValue"/> a release write; the read-modify-write members are
/// atomic and act as full fences. One instance occupies 136 bytes so the value owns its cache line.
/// Allocation: none after construction.
/// </remarks>
public sealed class Sequence
{
    /// <summary>The value a new sequence starts with: nothing has been processed yet.</summary>
    public const long InitialValue = -1;

    private PaddedLong _cell;

    /// <summary>Creates a sequence holding <paramref name="initialValue"/>.</summary>
    /// <param name="initialValue">Starting value, <see cref="InitialValue"/> by default.</param>
    public Sequence(long initialValue = InitialValue)
    {
        Volatile.Write(ref _cell.Value, initialValue);
    }

    /// <summary>Gets the current value with acquire semantics.</summary>
    public long Value => Volatile.Read(ref _cell.Value);

    /// <summary>Reference to the raw cell, for layout checks and wait loops inside the assembly.</summary>
    internal ref long ValueRef => ref _cell.Value;

    /// <summary>Stores <paramref name="value"/> with release semantics (an ordered store, no full fence).</summary>
    /// <param name="value">The new value.</param>
    public void SetValue(long value) => Volatile.Write(ref _cell.Value, value);

    /// <summary>Stores <paramref name="value"/> followed by a full fence (store-load ordering).</summary>
    /// <param name="value">The new value.</param>
    public void SetValueVolatile(long value) => Interlocked.Exchange(ref _cell.Value, value);

    /// <summary>Atomically sets the value to <paramref name="newValue"/> if it equals <paramref name="expected"/>.</summary>
    /// <param name="expected">The value the caller believes is current.</param>
    /// <param name="newValue">The value to store when the comparison succeeds.</param>
    /// <returns><see langword="true"/> when the value was replaced.</returns>
    public bool CompareAndSet(long expected, long newValue) =>
        Interlocked.CompareExchange(ref _cell.Value, newValue, expected) == expected;

    /// <summary>Atomically adds <paramref name="increment"/> and returns the result.</summary>
    /// <param name="increment">Amount to add (may be negative).</param>
    /// <returns>The value after the addition.</returns>
    public long AddAndGet(long increment) => Interlocked.Add(ref _cell.Value, increment);

    /// <summary>Atomically adds one and returns the result.</summary>
    /// <returns>The value after the increment.</returns>
    public long IncrementAndGet() => Interlocked.Increment(ref _cell.Value);

    /// <summary>Returns the current value as text.</summary>
    /// <returns>The decimal value.</returns>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Returns the smallest value among <paramref name="sequences"/> and <paramref name="minimum"/>.</summary>
    internal static long GetMinimum(Sequence[] sequences, long minimum)
    {
        foreach (Sequence s in sequences)
        {
            long v = s.Value;
            if (v < minimum)
            {
                minimum = v;
            }
        }

        return minimum;
    }
}
