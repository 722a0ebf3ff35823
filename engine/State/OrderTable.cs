using System.Runtime.InteropServices;
using Engine.Commands;

namespace Engine.State;

/// <summary>Open orders, indexed by a dense slot; slot 0 is the "none" sentinel. Hot fields in one row, cold ones in arrays.</summary>
/// <remarks>
/// Struct-of-arrays split hot from cold: <see cref="Rows"/> holds one 64-byte <see cref="OrderRow"/> per slot with
/// every field that placing, moving, canceling or matching an order reads or writes, so that touching an order
/// (or a neighbour in its price level's FIFO) costs one or two adjacent cache lines instead of one line per field.
/// The fields read only when an event is built, a fill is booked or the account's order list changes stay in
/// their own arrays.
/// <code>
///  Rows[slot]  (OrderRow, 64 B)
///    off  0   PriceTicks  long   limit price in ticks
///         8   Leaves      long   open quantity in lots
///        16   Reserved    long   margin reserved for the open quantity (initial margin + worst-case fee), money
///        24   Next, Prev  int    FIFO links inside the price level (0 = none)
///        32   Level       int    level slot in <see cref="Book.LevelTable"/>
///        36   Account     int    owner
///        40   Instrument  int
///        44   Position    int    row in PositionTable of (Account, Instrument)
///        48   Session     int    session that placed it (routes its events)
///        52   Generation  int    bumped when the slot is freed; part of the order id
///        56   Side        byte   Side
///        57   Flags       byte   OrderFlags (| LiquidationFlag)
///        58   Stp         byte   SelfTradeMode
///        59   (5 bytes padding)
///  cold arrays
///    ClientId         long   client order id
///    Filled           long   lots filled so far
///    AccNext/AccPrev  int    the account's open-order list
/// </code>
/// The public order id is <c>Generation &lt;&lt; 32 | slot</c>, so a stale id never reaches a reused slot.
/// A slot is live while it rests on a book; slots are recycled through a LIFO free list. The table grows
/// by doubling only when every slot is taken (rare; never in steady state once sized).
/// </remarks>
internal sealed class OrderTable
{
    public OrderRow[] Rows;
    public long[] ClientId;
    public long[] Filled;
    public int[] AccNext;
    public int[] AccPrev;

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
        Rows = new OrderRow[n];
        ClientId = new long[n];
        Filled = new long[n];
        AccNext = new int[n];
        AccPrev = new int[n];
        _free = new int[n];
        _highWater = 1;
    }

    public int Capacity => Rows.Length - 1;

    public int LiveCount => _highWater - 1 - _freeCount;

    /// <summary>Takes a free slot, or returns 0 when the configured maximum is reached.</summary>
    public int Allocate()
    {
        if (_freeCount > 0) return _free[--_freeCount];
        if (_highWater == Rows.Length && !Grow()) return 0;
        return _highWater++;
    }

    public void Release(int slot)
    {
        ref var row = ref Rows[slot];
        row.Generation++;
        row.Leaves = 0;
        row.Reserved = 0;
        row.Next = 0;
        row.Prev = 0;
        row.Level = 0;
        AccNext[slot] = 0;
        AccPrev[slot] = 0;
        _free[_freeCount++] = slot;
    }

    public long IdOf(int slot) => ((long)(uint)Rows[slot].Generation << 32) | (uint)slot;

    /// <summary>The live slot for an order id, or 0 if the id is unknown or stale.</summary>
    public int SlotOf(long orderId)
    {
        var slot = (int)(orderId & 0x7FFF_FFFF);
        if (slot <= 0 || slot >= _highWater) return 0;
        ref var row = ref Rows[slot];
        if (row.Generation != (int)(orderId >> 32) || row.Leaves == 0) return 0;
        return slot;
    }

    private bool Grow()
    {
        var old = Rows.Length;
        if (old - 1 >= _maxCapacity) return false;
        var n = (int)Math.Min((long)old * 2, (long)_maxCapacity + 1);
        Array.Resize(ref Rows, n);
        Array.Resize(ref ClientId, n);
        Array.Resize(ref Filled, n);
        Array.Resize(ref AccNext, n);
        Array.Resize(ref AccPrev, n);
        Array.Resize(ref _free, n);
        return true;
    }

    public Side SideOf(int slot) => (Side)Rows[slot].Side;

    /// <summary>Hashes what decides future order ids: the high-water mark, the free list, every generation.</summary>
    public void HashAllocator(ref Logic.HashWriter h)
    {
        h.Add(_highWater);
        h.Add(_freeCount);
        for (var i = 0; i < _freeCount; i++) h.Add(_free[i]);
        for (var i = 1; i < _highWater; i++) h.Add(Rows[i].Generation);
    }
    public void Save(StateWriter w)
    {
        w.Long(_highWater);
        w.Array(Rows, _highWater);
        w.Array(ClientId, _highWater);
        w.Array(Filled, _highWater);
        w.Array(AccNext, _highWater);
        w.Array(AccPrev, _highWater);
        w.Array(_free, _freeCount);
    }

    public void Load(ref StateReader r)
    {
        _highWater = checked((int)r.Long());
        r.Array(ref Rows);
        r.Array(ref ClientId);
        r.Array(ref Filled);
        r.Array(ref AccNext);
        r.Array(ref AccPrev);
        if (_free.Length < Rows.Length) System.Array.Resize(ref _free, Rows.Length);
        _freeCount = r.Array(ref _free);
        var n = Rows.Length; // keep every column as long as the rows
        if (ClientId.Length < n) System.Array.Resize(ref ClientId, n);
        if (Filled.Length < n) System.Array.Resize(ref Filled, n);
        if (AccNext.Length < n) System.Array.Resize(ref AccNext, n);
        if (AccPrev.Length < n) System.Array.Resize(ref AccPrev, n);
        if (_free.Length < n) System.Array.Resize(ref _free, n);
    }

}

/// <summary>The hot fields of one order: one 64-byte row of <see cref="OrderTable.Rows"/> (layout drawn there).</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal struct OrderRow
{
    public long PriceTicks;
    public long Leaves;
    public long Reserved;
    public int Next;
    public int Prev;
    public int Level;
    public int Account;
    public int Instrument;
    public int Position;
    public int Session;
    public int Generation;
    public byte Side;
    public byte Flags;
    public byte Stp;
}
