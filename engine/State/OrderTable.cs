using Engine.Commands;

namespace Engine.State;

/// <summary>Open orders, struct-of-arrays, indexed by a dense slot; slot 0 is the "none" sentinel.</summary>
/// <remarks>
/// <code>
///  hot (matching)   PriceTicks  long   limit price in ticks
///                   Leaves      long   open quantity in lots
///                   Next, Prev  int    FIFO links inside the price level (0 = none)
///                   Level       int    level slot in <see cref="Book.LevelTable"/>
///                   Account     int    owner
///                   Side        byte   Side
///  cold             Instrument  int
///                   Session     int    session that placed it (routes its events)
///                   ClientId    long   client order id
///                   Filled      long   lots filled so far
///                   Flags       byte   OrderFlags
///                   Stp         byte   SelfTradeMode
///                   AccNext/AccPrev int  the account's open-order list
///                   Generation  int    bumped when the slot is freed; part of the order id
///                   Position    int    row in PositionTable of (Account, Instrument)
///                   Reserved    long   margin reserved for the open quantity (initial margin + worst-case fee), money
/// </code>
/// The public order id is <c>Generation &lt;&lt; 32 | slot</c>, so a stale id never reaches a reused slot.
/// A slot is live while it rests on a book; slots are recycled through a LIFO free list. The table grows
/// by doubling only when every slot is taken (rare; never in steady state once sized).
/// </remarks>
internal sealed class OrderTable
{
    public long[] PriceTicks;
    public long[] Leaves;
    public int[] Next;
    public int[] Prev;
    public int[] Level;
    public int[] Account;
    public byte[] Side;
    public int[] Instrument;
    public int[] Session;
    public long[] ClientId;
    public long[] Filled;
    public byte[] Flags;
    public byte[] Stp;
    public int[] AccNext;
    public int[] AccPrev;
    public int[] Generation;
    public int[] Position;
    public long[] Reserved;

    /// <summary>Internal flag bit (beside OrderFlags) marking an order the liquidation process placed.</summary>
    public const byte LiquidationFlag = 0x80;

    private int[] _free;
    private int _freeCount;
    private int _highWater; // slots [1, _highWater) have been handed out at least once
    private readonly int _maxCapacity;

    public OrderTable(int initialCapacity, int maxCapacity)
    {
        _maxCapacity = maxCapacity;
        var n = Math.Max(2, initialCapacity + 1);
        PriceTicks = new long[n];
        Leaves = new long[n];
        Next = new int[n];
        Prev = new int[n];
        Level = new int[n];
        Account = new int[n];
        Side = new byte[n];
        Instrument = new int[n];
        Session = new int[n];
        ClientId = new long[n];
        Filled = new long[n];
        Flags = new byte[n];
        Stp = new byte[n];
        AccNext = new int[n];
        AccPrev = new int[n];
        Generation = new int[n];
        Position = new int[n];
        Reserved = new long[n];
        _free = new int[n];
        _highWater = 1;
    }

    public int Capacity => PriceTicks.Length - 1;

    public int LiveCount => _highWater - 1 - _freeCount;

    /// <summary>Takes a free slot, or returns 0 when the configured maximum is reached.</summary>
    public int Allocate()
    {
        if (_freeCount > 0) return _free[--_freeCount];
        if (_highWater == PriceTicks.Length && !Grow()) return 0;
        return _highWater++;
    }

    public void Release(int slot)
    {
        Generation[slot]++;
        Leaves[slot] = 0;
        Reserved[slot] = 0;
        Next[slot] = 0;
        Prev[slot] = 0;
        Level[slot] = 0;
        AccNext[slot] = 0;
        AccPrev[slot] = 0;
        _free[_freeCount++] = slot;
    }

    public long IdOf(int slot) => ((long)(uint)Generation[slot] << 32) | (uint)slot;

    /// <summary>The live slot for an order id, or 0 if the id is unknown or stale.</summary>
    public int SlotOf(long orderId)
    {
        var slot = (int)(orderId & 0x7FFF_FFFF);
        if (slot <= 0 || slot >= _highWater) return 0;
        if (Generation[slot] != (int)(orderId >> 32) || Leaves[slot] == 0) return 0;
        return slot;
    }

    public bool IsLive(int slot) => Leaves[slot] > 0;

    private bool Grow()
    {
        var old = PriceTicks.Length;
        if (old - 1 >= _maxCapacity) return false;
        var n = (int)Math.Min((long)old * 2, (long)_maxCapacity + 1);
        Array.Resize(ref PriceTicks, n);
        Array.Resize(ref Leaves, n);
        Array.Resize(ref Next, n);
        Array.Resize(ref Prev, n);
        Array.Resize(ref Level, n);
        Array.Resize(ref Account, n);
        Array.Resize(ref Side, n);
        Array.Resize(ref Instrument, n);
        Array.Resize(ref Session, n);
        Array.Resize(ref ClientId, n);
        Array.Resize(ref Filled, n);
        Array.Resize(ref Flags, n);
        Array.Resize(ref Stp, n);
        Array.Resize(ref AccNext, n);
        Array.Resize(ref AccPrev, n);
        Array.Resize(ref Generation, n);
        Array.Resize(ref Position, n);
        Array.Resize(ref Reserved, n);
        Array.Resize(ref _free, n);
        return true;
    }

    public Side SideOf(int slot) => (Side)Side[slot];

    /// <summary>Hashes what decides future order ids: the high-water mark, the free list, every generation.</summary>
    public void HashAllocator(ref Logic.HashWriter h)
    {
        h.Add(_highWater);
        h.Add(_freeCount);
        for (var i = 0; i < _freeCount; i++) h.Add(_free[i]);
        for (var i = 1; i < _highWater; i++) h.Add(Generation[i]);
    }
}
