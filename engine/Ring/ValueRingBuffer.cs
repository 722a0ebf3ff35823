using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Util;

namespace Engine.Ring;

/// <summary>
/// A pre-allocated ring of value-type events shared by producers and consumers (the LMAX Disruptor pattern).
/// Producers claim sequences, write the event in place through the <c>ref</c> indexer and publish; consumers
/// (usually <see cref="ValueBatchEventProcessor{T, THandler}"/>) follow the cursor through a
/// <see cref="SequenceBarrier"/>.
/// <code>
///            claim (Next)            publish                    consumers (gating sequences)
///   producer ─────────────► [ slot ] ───────► cursor ──► barrier ──► A ──► barrier(A) ──► B
///                                                                  ▲                  │
///       ┌───┬───┬───┬───┬───┬───┬───┬───┐                          └── producers wait ┘
///       │ 0 │ 1 │ 2 │ 3 │ 4 │ 5 │ 6 │ 7 │   slot = sequence &amp; (bufferSize - 1)
///       └───┴───┴───┴───┴───┴───┴───┴───┘   a producer may claim sequence s only when
///             ▲ B=1       ▲ cursor=4         s - bufferSize &lt;= min(gating sequences)
/// </code>
/// </summary>
/// <typeparam name="T">The event type, stored inline in the ring; keep it small and free of references.</typeparam>
/// <remarks>
/// <para>
/// Threading: with <see cref="ProducerType.Single"/> exactly one thread may claim and publish; with
/// <see cref="ProducerType.Multi"/> any number may. Consumers only read slots up to what their barrier
/// returned. A claimed sequence must always be published, or every consumer stalls behind it.
/// </para>
/// <para>Allocation: the event array is allocated once at creation; claiming, publishing and the
/// publish scopes allocate nothing.</para>
/// <para>Typical use:</para>
/// <code>
/// var ring = ValueRingBuffer&lt;Order&gt;.Create(ProducerType.Single, 1024, new YieldingWaitStrategy());
/// var processor = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new OrderHandler());
/// ring.AddGatingSequences(processor.Sequence);
/// Task stopped = processor.Start("matcher");
///
/// using (var scope = ring.PublishEvent())
/// {
///     ref Order order = ref scope.Event();
///     order.Price = 100;
/// } // published here
///
/// processor.Halt();
/// await stopped;
/// </code>
/// </remarks>
public sealed class ValueRingBuffer<T>
    where T : struct
{
    // Extra slots on each side of the events keep neighbouring heap objects off the first/last slots' cache lines.
    private static readonly int _padSlots = Math.Max(1, 128 / Unsafe.SizeOf<T>());

    private readonly T[] _entries;
    private readonly long _indexMask;
    private readonly Sequencer _sequencer;
    private readonly SingleProducerSequencer? _single;
    private readonly MultiProducerSequencer? _multi;

    private ValueRingBuffer(Sequencer sequencer)
    {
        _sequencer = sequencer;
        _single = sequencer as SingleProducerSequencer;
        _multi = sequencer as MultiProducerSequencer;
        _indexMask = sequencer.BufferSize - 1;
        _entries = new T[sequencer.BufferSize + (2 * _padSlots)];
    }

    /// <summary>Gets the number of slots (a power of two).</summary>
    public int BufferSize => _sequencer.BufferSize;

    /// <summary>
    /// Gets the cursor: the last published sequence for a single-producer ring, the last claimed sequence for a
    /// multi-producer ring. <see cref="Sequence.InitialValue"/> (-1) before anything was claimed.
    /// </summary>
    public long Cursor => _sequencer.Cursor;

    /// <summary>Gets the producer type this ring was created with.</summary>
    public ProducerType ProducerType => _single is not null ? ProducerType.Single : ProducerType.Multi;

    /// <summary>Gets the wait strategy consumers wait with.</summary>
    public IWaitStrategy WaitStrategy => _sequencer.WaitStrategy;

    /// <summary>Gets the slot for <paramref name="sequence"/> by reference; no bounds check (the index is masked).</summary>
    /// <param name="sequence">Any sequence; it is mapped to slot <c>sequence &amp; (BufferSize - 1)</c>.</param>
    /// <remarks>
    /// Write only slots you claimed and have not yet published; read only slots your barrier made available.
    /// </remarks>
    public ref T this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(
            ref MemoryMarshal.GetArrayDataReference(_entries),
            _padSlots + (nint)(sequence & _indexMask));
    }

    /// <summary>Creates a ring of <paramref name="bufferSize"/> default-initialised events.</summary>
    /// <param name="producerType">Whether one or many threads will publish.</param>
    /// <param name="bufferSize">Number of slots; must be a positive power of two.</param>
    /// <param name="waitStrategy">How consumers wait and producers wake them.</param>
    /// <returns>The new ring.</returns>
    /// <exception cref="ArgumentException"><paramref name="bufferSize"/> is not a positive power of two.</exception>
    public static ValueRingBuffer<T> Create(ProducerType producerType, int bufferSize, IWaitStrategy waitStrategy)
    {
        Sequencer sequencer = producerType switch
        {
            ProducerType.Single => new SingleProducerSequencer(bufferSize, waitStrategy),
            ProducerType.Multi => new MultiProducerSequencer(bufferSize, waitStrategy),
            _ => throw new ArgumentOutOfRangeException(nameof(producerType), producerType, "Unknown producer type."),
        };
        return new ValueRingBuffer<T>(sequencer);
    }

    /// <summary>Claims the next slot, waiting while the ring is full.</summary>
    /// <returns>The claimed sequence; write <c>this[seq]</c>, then call <see cref="Publish(long)"/>.</returns>
    /// <remarks>Waits with a spin/yield/sleep back-off until the slowest gating consumer frees the slot.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next() => _single is not null ? _single.Next(1) : _multi!.Next(1);

    /// <summary>Claims <paramref name="n"/> consecutive slots, waiting while there is not enough space.</summary>
    /// <param name="n">Slots to claim, in [1, <see cref="BufferSize"/>].</param>
    /// <returns>The highest claimed sequence; the batch is <c>[hi - n + 1, hi]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next(int n) => _single is not null ? _single.Next(n) : _multi!.Next(n);

    /// <summary>Claims the next slot only if one is free now; never waits.</summary>
    /// <param name="sequence">The claimed sequence, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the ring is full.</returns>
    public bool TryNext(out long sequence) => TryNext(1, out sequence);

    /// <summary>Claims <paramref name="n"/> consecutive slots only if they are free now; never waits.</summary>
    /// <param name="n">Slots to claim, in [1, <see cref="BufferSize"/>].</param>
    /// <param name="hi">The highest claimed sequence, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when fewer than <paramref name="n"/> slots are free.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is out of range.</exception>
    public bool TryNext(int n, out long hi) => _single is not null ? _single.TryNext(n, out hi) : _multi!.TryNext(n, out hi);

    /// <summary>Publishes a claimed sequence, making its slot visible to consumers.</summary>
    /// <param name="sequence">A sequence returned by a claim.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long sequence)
    {
        if (_single is not null)
        {
            _single.Publish(sequence);
        }
        else
        {
            _multi!.Publish(sequence);
        }
    }

    /// <summary>Publishes a claimed batch <c>[lo, hi]</c>.</summary>
    /// <param name="lo">First sequence of the batch.</param>
    /// <param name="hi">Last sequence of the batch (as returned by <see cref="Next(int)"/>).</param>
    public void Publish(long lo, long hi) => _sequencer.Publish(lo, hi);

    /// <summary>Returns how many slots could be claimed right now without waiting.</summary>
    /// <returns>Free slots, between 0 and <see cref="BufferSize"/>.</returns>
    /// <remarks>A snapshot: it may be stale by the time the caller acts on it.</remarks>
    public long GetRemainingCapacity() => _sequencer.GetRemainingCapacity();

    /// <summary>Starts the ring at a sequence, as if everything up to it had been published and consumed.</summary>
    /// <param name="sequence">The last sequence already handled (for example, the last one recovered from a journal).</param>
    /// <remarks>
    /// Only before any producer or consumer runs and before gating sequences are added (adding a gating
    /// sequence sets it to the cursor). Used to continue the sequence numbering after recovery.
    /// </remarks>
    public void ResetTo(long sequence) => _sequencer.ResetTo(sequence);

    /// <summary>
    /// Registers consumer sequences that producers must never lap. Each is set to the current cursor first,
    /// so add consumers before publishing starts (or accept that they skip what came before).
    /// </summary>
    /// <param name="gatingSequences">Usually the sequences of the last consumers in each chain.</param>
    /// <remarks>Safe from any thread; copy-on-write.</remarks>
    public void AddGatingSequences(params Sequence[] gatingSequences) => _sequencer.AddGatingSequences(gatingSequences);

    /// <summary>Unregisters a gating sequence, for example when a consumer is retired.</summary>
    /// <param name="sequence">The sequence to remove.</param>
    /// <returns><see langword="true"/> if it was registered.</returns>
    /// <remarks>Safe from any thread; copy-on-write.</remarks>
    public bool RemoveGatingSequence(Sequence sequence) => _sequencer.RemoveGatingSequence(sequence);

    /// <summary>Creates a barrier for a new consumer.</summary>
    /// <param name="dependents">
    /// Sequences of upstream consumers that must process an event first; empty to follow the cursor only.
    /// </param>
    /// <returns>A barrier owned by one consumer.</returns>
    public SequenceBarrier NewBarrier(params Sequence[] dependents)
    {
        ArgumentNullException.ThrowIfNull(dependents);
        return new SequenceBarrier(_sequencer, dependents);
    }

    /// <summary>Returns whether <paramref name="sequence"/> is published and still in the ring.</summary>
    /// <param name="sequence">The sequence to test.</param>
    /// <returns><see langword="true"/> if a consumer could read it now.</returns>
    public bool IsAvailable(long sequence) => _sequencer.IsAvailable(sequence);

    /// <summary>
    /// The highest sequence such that every slot from <paramref name="lo"/> up to it is published, without waiting:
    /// <c>lo - 1</c> when <paramref name="lo"/> itself is not published yet.
    /// </summary>
    /// <param name="lo">The first sequence to look at.</param>
    public long HighestPublished(long lo) => _sequencer.GetHighestPublishedSequence(lo, _sequencer.Cursor);

    /// <summary>Claims the next slot (waiting while full) and returns a scope that publishes it when disposed.</summary>
    /// <returns>The scope; write through <see cref="UnpublishedEventScope.Event"/>.</returns>
    /// <remarks>
    /// <code>
    /// using (var scope = ring.PublishEvent())
    /// {
    ///     scope.Event().Quantity = 10;
    /// }
    /// </code>
    /// Allocation: none (the scope is a struct).
    /// </remarks>
    public UnpublishedEventScope PublishEvent() => new(this, Next());

    /// <summary>Claims the next slot only if one is free now; never waits.</summary>
    /// <param name="scope">A scope that publishes the slot when disposed, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the ring is full (nothing claimed, nothing to dispose).</returns>
    public bool TryPublishEvent(out UnpublishedEventScope scope)
    {
        bool claimed = TryNext(out long sequence);
        scope = claimed ? new UnpublishedEventScope(this, sequence) : default;
        return claimed;
    }

    /// <summary>Claims <paramref name="n"/> slots (waiting while full) and returns a scope that publishes them when disposed.</summary>
    /// <param name="n">Slots to claim, in [1, <see cref="BufferSize"/>].</param>
    /// <returns>The batch scope; write through <see cref="UnpublishedEventBatchScope.Event"/>.</returns>
    /// <remarks>
    /// <code>
    /// using (var batch = ring.PublishEvents(3))
    /// {
    ///     for (int i = 0; i &lt; batch.Length; i++)
    ///     {
    ///         batch.Event(i).Quantity = i;
    ///     }
    /// }
    /// </code>
    /// Allocation: none.
    /// </remarks>
    public UnpublishedEventBatchScope PublishEvents(int n)
    {
        long hi = Next(n);
        return new UnpublishedEventBatchScope(this, hi - n + 1, hi);
    }

    /// <summary>Claims <paramref name="n"/> slots only if they are free now; never waits.</summary>
    /// <param name="n">Slots to claim, in [1, <see cref="BufferSize"/>].</param>
    /// <param name="scope">The batch scope, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when fewer than <paramref name="n"/> slots are free.</returns>
    public bool TryPublishEvents(int n, out UnpublishedEventBatchScope scope)
    {
        bool claimed = TryNext(n, out long hi);
        scope = claimed ? new UnpublishedEventBatchScope(this, hi - n + 1, hi) : default;
        return claimed;
    }

    /// <summary>A claimed, not yet published slot; disposing the scope publishes it.</summary>
    /// <remarks>Dispose exactly once, on the claiming thread. Allocation: none.</remarks>
    public readonly struct UnpublishedEventScope : IDisposable
    {
        private readonly ValueRingBuffer<T> _ring;

        internal UnpublishedEventScope(ValueRingBuffer<T> ring, long sequence)
        {
            _ring = ring;
            Sequence = sequence;
        }

        /// <summary>Gets the claimed sequence.</summary>
        public long Sequence { get; }

        /// <summary>Returns the claimed slot by reference, to be written in place.</summary>
        /// <returns>A reference to the event.</returns>
        public ref T Event() => ref _ring[Sequence];

        /// <summary>Publishes the claimed slot.</summary>
        public void Dispose() => _ring?.Publish(Sequence);
    }

    /// <summary>A claimed, not yet published batch of slots; disposing the scope publishes all of them.</summary>
    /// <remarks>Dispose exactly once, on the claiming thread. Allocation: none.</remarks>
    public readonly struct UnpublishedEventBatchScope : IDisposable
    {
        private readonly ValueRingBuffer<T> _ring;

        internal UnpublishedEventBatchScope(ValueRingBuffer<T> ring, long startSequence, long endSequence)
        {
            _ring = ring;
            StartSequence = startSequence;
            EndSequence = endSequence;
        }

        /// <summary>Gets the first claimed sequence.</summary>
        public long StartSequence { get; }

        /// <summary>Gets the last claimed sequence.</summary>
        public long EndSequence { get; }

        /// <summary>Gets the number of claimed slots.</summary>
        public int Length => _ring is null ? 0 : (int)(EndSequence - StartSequence + 1);

        /// <summary>Returns the <paramref name="index"/>-th claimed slot by reference.</summary>
        /// <param name="index">Zero-based position in the batch, below <see cref="Length"/>.</param>
        /// <returns>A reference to the event.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the batch.</exception>
        public ref T Event(int index)
        {
            if ((uint)index >= (uint)Length)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(index), $"index must be in [0, {Length}), was {index}.");
            }

            return ref _ring[StartSequence + index];
        }

        /// <summary>Publishes every claimed slot.</summary>
        public void Dispose() => _ring?.Publish(StartSequence, EndSequence);
    }
}
