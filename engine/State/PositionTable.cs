namespace Engine.State;

/// <summary>Positions: one row per (account, instrument) pair that has ever traded or been configured.</summary>
/// <remarks>
/// <code>
///  hot (every mark tick)
///   Lots          long   signed position in lots (long &gt; 0)
///   Cost          long   signed entry cost, money: Σ signed lots · price ticks · LotTickValue of the open part
///   Upnl          long   unrealized PnL at the last mark, money (cached)
///   Mm            long   maintenance margin at the last mark, money (cached)
///   Im            long   initial margin at the last mark, money (cached)
///   IsoMargin     long   isolated collateral (Miso), money; 0 for cross
///   Mode          byte   MarginMode
///   Account       int
///  cold
///   Instrument    int
///   Leverage      int    chosen leverage
///   LiqPrice      long   isolated: liquidation price (raw), recomputed when size, cost or Miso change; 0 = none
///   OrderMargin   long   margin reserved by the open orders of this (account, instrument), money
///   OpenOrders, ReduceOnlyOrders   int
///   ActiveIndex   int    index in the instrument's active list (-1 when flat)
///   AccNext       int    next row of the same account (the account's position list)
/// </code>
/// Rows are dense slots from 1 (0 = none), found through a (account, instrument) → slot map; a row is kept when
/// the position goes flat because it carries the account's settings for the instrument.
/// </remarks>
internal sealed class PositionTable
{
    public int[] Account;
    public int[] Instrument;
    public long[] Lots;
    public long[] Cost;
    public long[] Upnl;
    public long[] Mm;
    public long[] Im;
    public long[] IsoMargin;
    public long[] LiqPrice;
    public long[] OrderMargin;
    public int[] Leverage;
    public byte[] Mode;
    public int[] OpenOrders;
    public int[] ReduceOnlyOrders;
    public int[] ActiveIndex;
    public int[] AccNext;

    private readonly LongIntMap _index;
    private int _count = 1;

    public PositionTable(int initialCapacity)
    {
        var n = Math.Max(2, initialCapacity + 1);
        Account = new int[n];
        Instrument = new int[n];
        Lots = new long[n];
        Cost = new long[n];
        Upnl = new long[n];
        Mm = new long[n];
        Im = new long[n];
        IsoMargin = new long[n];
        LiqPrice = new long[n];
        OrderMargin = new long[n];
        Leverage = new int[n];
        Mode = new byte[n];
        OpenOrders = new int[n];
        ReduceOnlyOrders = new int[n];
        ActiveIndex = new int[n];
        AccNext = new int[n];
        _index = new LongIntMap(initialCapacity);
    }

    /// <summary>Number of rows in use; slots are 1 .. Count.</summary>
    public int Count => _count - 1;

    private static long Key(int account, int instrument) => ((long)account << 32) | (uint)instrument;

    public int Find(int account, int instrument) => _index.Get(Key(account, instrument));

    /// <summary>The row for the pair, created with <paramref name="defaultLeverage"/> if absent and linked to the account's list.</summary>
    public int GetOrCreate(int account, int instrument, int defaultLeverage, int[] accountHeads)
    {
        var key = Key(account, instrument);
        var slot = _index.Get(key);
        if (slot != 0) return slot;
        if (_count == Account.Length) Grow();
        slot = _count++;
        Account[slot] = account;
        Instrument[slot] = instrument;
        Leverage[slot] = defaultLeverage;
        ActiveIndex[slot] = -1;
        AccNext[slot] = accountHeads[account];
        accountHeads[account] = slot;
        _index.Put(key, slot);
        return slot;
    }

    private void Grow()
    {
        var n = Account.Length * 2;
        Array.Resize(ref Account, n);
        Array.Resize(ref Instrument, n);
        Array.Resize(ref Lots, n);
        Array.Resize(ref Cost, n);
        Array.Resize(ref Upnl, n);
        Array.Resize(ref Mm, n);
        Array.Resize(ref Im, n);
        Array.Resize(ref IsoMargin, n);
        Array.Resize(ref LiqPrice, n);
        Array.Resize(ref OrderMargin, n);
        Array.Resize(ref Leverage, n);
        Array.Resize(ref Mode, n);
        Array.Resize(ref OpenOrders, n);
        Array.Resize(ref ReduceOnlyOrders, n);
        Array.Resize(ref ActiveIndex, n);
        Array.Resize(ref AccNext, n);
    }

    public void Save(StateWriter w)
    {
        w.Long(_count);
        w.Array(Account, _count);
        w.Array(Instrument, _count);
        w.Array(Lots, _count);
        w.Array(Cost, _count);
        w.Array(Upnl, _count);
        w.Array(Mm, _count);
        w.Array(Im, _count);
        w.Array(IsoMargin, _count);
        w.Array(LiqPrice, _count);
        w.Array(OrderMargin, _count);
        w.Array(Leverage, _count);
        w.Array(Mode, _count);
        w.Array(OpenOrders, _count);
        w.Array(ReduceOnlyOrders, _count);
        w.Array(ActiveIndex, _count);
        w.Array(AccNext, _count);
    }

    /// <summary>Loads into an empty table; the (account, instrument) map is rebuilt in slot order.</summary>
    public void Load(ref StateReader r)
    {
        _count = checked((int)r.Long());
        r.Array(ref Account);
        r.Array(ref Instrument);
        r.Array(ref Lots);
        r.Array(ref Cost);
        r.Array(ref Upnl);
        r.Array(ref Mm);
        r.Array(ref Im);
        r.Array(ref IsoMargin);
        r.Array(ref LiqPrice);
        r.Array(ref OrderMargin);
        r.Array(ref Leverage);
        r.Array(ref Mode);
        r.Array(ref OpenOrders);
        r.Array(ref ReduceOnlyOrders);
        r.Array(ref ActiveIndex);
        r.Array(ref AccNext);
        for (var slot = 1; slot < _count; slot++) _index.Put(Key(Account[slot], Instrument[slot]), slot);
    }
}
