namespace Engine.Ring;

/// <summary>
/// What a <see cref="SequenceBarrier"/> waits on: the ring's cursor and, optionally, the sequences
/// of upstream consumers. <see cref="Value"/> is the highest sequence the barrier's owner may
/// process without overtaking anyone it depends on.
/// </summary>
/// <remarks>
/// Thread safety: immutable after construction; reads are safe from any thread.
/// Allocation: none after construction.
/// </remarks>
public sealed class DependentSequenceGroup
{
    private readonly Sequence _cursor;
    private readonly Sequence[] _dependents;
    private readonly Sequence? _single;

    internal DependentSequenceGroup(Sequence cursor, Sequence[] dependents)
    {
        _cursor = cursor;
        _dependents = (Sequence[])dependents.Clone();
        _single = _dependents.Length == 1 ? _dependents[0] : null;
    }

    /// <summary>Gets the ring cursor's current value (the signal that blocking strategies wait for).</summary>
    public long CursorValue => _cursor.Value;

    /// <summary>
    /// Gets the minimum of the dependent sequences, or the cursor's value when the group has no dependents.
    /// </summary>
    public long Value
    {
        get
        {
            if (_single is not null)
            {
                return _single.Value;
            }

            return _dependents.Length == 0 ? _cursor.Value : Sequence.GetMinimum(_dependents, long.MaxValue);
        }
    }

    /// <summary>Gets the number of upstream consumer sequences (zero when only the cursor is followed).</summary>
    public int Count => _dependents.Length;
}
