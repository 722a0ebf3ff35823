namespace Engine.Book;

/// <summary>Price levels of every book, struct-of-arrays, indexed by a dense slot; slot 0 is "none".</summary>
/// <remarks>
/// <code>
///  PriceTicks  long  the level's price in ticks
///  TotalLots   long  Σ open lots of the orders queued here
///  Head, Tail  int   first and last order slot of the FIFO queue (0 = none)
///  Count       int   number of orders queued
/// </code>
/// Levels are shared by all books and recycled through a LIFO free list; the table grows by doubling
/// only when every slot is taken.
/// </remarks>
internal sealed class LevelTable
{
    public long[] PriceTicks;
    public long[] TotalLots;
    public int[] Head;
    public int[] Tail;
    public int[] Count;

    private int[] _free;
    private int _freeCount;
    private int _highWater;

    public LevelTable(int initialCapacity)
    {
        var n = Math.Max(2, initialCapacity + 1);
        PriceTicks = new long[n];
        TotalLots = new long[n];
        Head = new int[n];
        Tail = new int[n];
        Count = new int[n];
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
            if (_highWater == PriceTicks.Length) Grow();
            slot = _highWater++;
        }
        PriceTicks[slot] = priceTicks;
        return slot;
    }

    public void Release(int slot)
    {
        TotalLots[slot] = 0;
        Head[slot] = 0;
        Tail[slot] = 0;
        Count[slot] = 0;
        _free[_freeCount++] = slot;
    }

    private void Grow()
    {
        var n = PriceTicks.Length * 2;
        Array.Resize(ref PriceTicks, n);
        Array.Resize(ref TotalLots, n);
        Array.Resize(ref Head, n);
        Array.Resize(ref Tail, n);
        Array.Resize(ref Count, n);
        Array.Resize(ref _free, n);
    }
}
