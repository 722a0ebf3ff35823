using System.Runtime.InteropServices;
using Engine.State;

namespace Engine.Book;

/// <summary>Price levels of every book, one 32-byte row per dense slot; slot 0 is "none".</summary>
/// <remarks>
/// Every field of a level is read or written together when an order joins or leaves it, so a level is one
/// <see cref="LevelRow"/> (half a cache line) rather than one array per field.
/// <code>
///  Rows[slot]  (LevelRow, 32 B)
///    off  0   PriceTicks  long  the level's price in ticks
///         8   TotalLots   long  Σ open lots of the orders queued here
///        16   Head, Tail  int   first and last order slot of the FIFO queue (0 = none)
///        24   Count       int   number of orders queued
///        28   (4 bytes padding)
/// </code>
/// Levels are shared by all books and recycled through a LIFO free list; the table grows by doubling
/// only when every slot is taken.
/// </remarks>
internal sealed class LevelTable
{
    public LevelRow[] Rows;

    private int[] _free;
    private int _freeCount;
    private int _highWater;

    public LevelTable(int initialCapacity)
    {
        var n = Math.Max(2, initialCapacity + 1);
        Rows = new LevelRow[n];
        _free = new int[n];
        _highWater = 1;
    }

    public int LiveCount => _highWater - 1 - _freeCount;

    public int Allocate(long priceTicks)
    {
        int slot;
        if (_freeCount > 0) slot = _free[--_freeCount];
        else
        {
            if (_highWater == Rows.Length) Grow();
            slot = _highWater++;
        }
        Rows[slot].PriceTicks = priceTicks;
        return slot;
    }

    public void Release(int slot)
    {
        ref var row = ref Rows[slot];
        row.TotalLots = 0;
        row.Head = 0;
        row.Tail = 0;
        row.Count = 0;
        _free[_freeCount++] = slot;
    }

    private void Grow()
    {
        var n = Rows.Length * 2;
        Array.Resize(ref Rows, n);
        Array.Resize(ref _free, n);
    }
    public void Save(StateWriter w)
    {
        w.Long(_highWater);
        w.Array(Rows, _highWater);
        w.Array(_free, _freeCount);
    }

    public void Load(ref StateReader r)
    {
        _highWater = checked((int)r.Long());
        r.Array(ref Rows);
        if (_free.Length < Rows.Length) System.Array.Resize(ref _free, Rows.Length);
        _freeCount = r.Array(ref _free);
    }

}

/// <summary>One price level: a row of <see cref="LevelTable.Rows"/> (layout drawn there).</summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
internal struct LevelRow
{
    public long PriceTicks;
    public long TotalLots;
    public int Head;
    public int Tail;
    public int Count;

}
