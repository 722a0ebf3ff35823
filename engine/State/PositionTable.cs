namespace Engine.State;

/// <summary>Positions: one row per (account, instrument) pair that has ever traded or been configured.</summary>
/// <remarks>
/// <code>
///  Account, Instrument  int
///  Lots                 long   signed position in lots (long &gt; 0)
///  Leverage             int    chosen leverage
///  Mode                 byte   MarginMode
///  OpenOrders           int    open orders of the account on the instrument
///  ReduceOnlyOrders     int    of which reduce-only
/// </code>
/// Rows are dense slots from 1 (0 = none), found through a (account, instrument) → slot map; a row is
/// kept when the position goes flat because it carries the account's settings for the instrument.
/// </remarks>
internal sealed class PositionTable
{
    public int[] Account;
    public int[] Instrument;
    public long[] Lots;
    public int[] Leverage;
    public byte[] Mode;
    public int[] OpenOrders;
    public int[] ReduceOnlyOrders;

    private readonly LongIntMap _index;
    private int _count = 1;

    public PositionTable(int initialCapacity)
    {
        var n = Math.Max(2, initialCapacity + 1);
        Account = new int[n];
        Instrument = new int[n];
        Lots = new long[n];
        Leverage = new int[n];
        Mode = new byte[n];
        OpenOrders = new int[n];
        ReduceOnlyOrders = new int[n];
        _index = new LongIntMap(initialCapacity);
    }

    /// <summary>Number of rows in use; slots are 1 .. Count.</summary>
    public int Count => _count - 1;

    private static long Key(int account, int instrument) => ((long)account << 32) | (uint)instrument;

    public int Find(int account, int instrument) => _index.Get(Key(account, instrument));

    /// <summary>The row for the pair, created with <paramref name="defaultLeverage"/> if absent.</summary>
    public int GetOrCreate(int account, int instrument, int defaultLeverage)
    {
        var key = Key(account, instrument);
        var slot = _index.Get(key);
        if (slot != 0) return slot;
        if (_count == Account.Length) Grow();
        slot = _count++;
        Account[slot] = account;
        Instrument[slot] = instrument;
        Leverage[slot] = defaultLeverage;
        _index.Put(key, slot);
        return slot;
    }

    private void Grow()
    {
        var n = Account.Length * 2;
        Array.Resize(ref Account, n);
        Array.Resize(ref Instrument, n);
        Array.Resize(ref Lots, n);
        Array.Resize(ref Leverage, n);
        Array.Resize(ref Mode, n);
        Array.Resize(ref OpenOrders, n);
        Array.Resize(ref ReduceOnlyOrders, n);
    }
}
