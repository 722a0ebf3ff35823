using System.Numerics;
using Engine.Util;

namespace Engine.Ring;

/// <summary>
/// Claim/publish protocol shared by the single- and multi-producer sequencers: capacity, the cursor,
/// the wait strategy and the gating sequences (the consumers producers must never lap).
/// </summary>
/// <remarks>
/// Thread safety: gating sequences may be added and removed from any thread (copy-on-write array);
/// the claim members' rules are set by the concrete class.
/// </remarks>
internal abstract class Sequencer
{
    private Sequence[] _gatingSequences = [];

    protected Sequencer(int bufferSize, IWaitStrategy waitStrategy)
    {
        if (bufferSize < 1 || !BitOperations.IsPow2(bufferSize))
        {
            ThrowHelper.Argument($"bufferSize must be a positive power of two, was {bufferSize}.");
        }

        ArgumentNullException.ThrowIfNull(waitStrategy);
        BufferSize = bufferSize;
        WaitStrategy = waitStrategy;
        SignalOnPublish = waitStrategy.IsBlockingStrategy;
    }

    /// <summary>Gets the ring capacity (a power of two).</summary>
    public int BufferSize { get; }

    /// <summary>Gets the strategy consumers wait with and producers signal.</summary>
    public IWaitStrategy WaitStrategy { get; }

    /// <summary>Gets the cursor sequence (published for single producer, claimed for multi producer).</summary>
    public abstract Sequence CursorSequence { get; }

    /// <summary>Gets the cursor's current value.</summary>
    public long Cursor => CursorSequence.Value;

    /// <summary>Gets the gating sequences currently registered (a snapshot, never mutated).</summary>
    protected Sequence[] GatingSequences => Volatile.Read(ref _gatingSequences);

    /// <summary>Gets a value indicating whether publishes must signal the wait strategy.</summary>
    protected bool SignalOnPublish { get; }

    /// <summary>Claims <paramref name="n"/> slots, waiting for space; returns the highest claimed sequence.</summary>
    public abstract long Next(int n);

    /// <summary>Claims <paramref name="n"/> slots only if space is free now.</summary>
    public abstract bool TryNext(int n, out long hi);

    /// <summary>Makes <paramref name="sequence"/> visible to consumers.</summary>
    public abstract void Publish(long sequence);

    /// <summary>Makes the inclusive range visible to consumers.</summary>
    public abstract void Publish(long lo, long hi);

    /// <summary>Returns whether <paramref name="sequence"/> has been published and not yet lapped.</summary>
    public abstract bool IsAvailable(long sequence);

    /// <summary>
    /// Returns the highest sequence in [<paramref name="lo"/>, <paramref name="available"/>] such that every
    /// sequence from <paramref name="lo"/> up to it is published (lo - 1 when lo itself is not).
    /// </summary>
    public abstract long GetHighestPublishedSequence(long lo, long available);

    /// <summary>Returns how many slots can be claimed right now without waiting.</summary>
    public abstract long GetRemainingCapacity();

    /// <summary>Sets the cursor to <paramref name="sequence"/> (as if it had been published) before anything runs.</summary>
    public abstract void ResetTo(long sequence);

    /// <summary>Registers consumer sequences that producers must not lap; each is first set to the cursor.</summary>
    public void AddGatingSequences(Sequence[] sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        Sequence[] current;
        Sequence[] updated;
        do
        {
            current = Volatile.Read(ref _gatingSequences);
            updated = new Sequence[current.Length + sequences.Length];
            current.CopyTo(updated, 0);
            long cursor = Cursor;
            for (int i = 0; i < sequences.Length; i++)
            {
                ArgumentNullException.ThrowIfNull(sequences[i], nameof(sequences));
                sequences[i].SetValue(cursor);
                updated[current.Length + i] = sequences[i];
            }
        }
        while (Interlocked.CompareExchange(ref _gatingSequences, updated, current) != current);

        // A claim may have moved the cursor between the read above and the swap.
        long latest = Cursor;
        foreach (Sequence s in sequences)
        {
            s.SetValue(latest);
        }
    }

    /// <summary>Unregisters every occurrence of <paramref name="sequence"/>; returns whether any was found.</summary>
    public bool RemoveGatingSequence(Sequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        Sequence[] current;
        Sequence[] updated;
        do
        {
            current = Volatile.Read(ref _gatingSequences);
            int matches = 0;
            foreach (Sequence s in current)
            {
                if (ReferenceEquals(s, sequence))
                {
                    matches++;
                }
            }

            if (matches == 0)
            {
                return false;
            }

            updated = new Sequence[current.Length - matches];
            int j = 0;
            foreach (Sequence s in current)
            {
                if (!ReferenceEquals(s, sequence))
                {
                    updated[j++] = s;
                }
            }
        }
        while (Interlocked.CompareExchange(ref _gatingSequences, updated, current) != current);

        return true;
    }

    /// <summary>Returns the minimum of the gating sequences, capped at <paramref name="upperBound"/>.</summary>
    public long GetMinimumGatingSequence(long upperBound) => Sequence.GetMinimum(GatingSequences, upperBound);

    protected static void ValidateClaimSize(int n, int bufferSize)
    {
        if ((uint)(n - 1) >= (uint)bufferSize)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(n), $"n must be in [1, {bufferSize}], was {n}.");
        }
    }
}
