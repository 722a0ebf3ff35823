using Engine.Book;

namespace Engine.State;

/// <summary>Instruments, struct-of-arrays, indexed by the instrument id (dense, chosen by the admin).</summary>
/// <remarks>
/// <code>
///  Exists         bool
///  TickSize       long  raw price units per tick
///  LotSize        long  raw quantity units per lot
///  LotTickValue   long  money units of one lot moving one tick (TickSize·LotSize/1e10, exact)
///  MaxOrderLots   long  largest order, in lots
///  MakerFeePpm    int   negative: rebate
///  TakerFeePpm    int
///  BandBps        int   price band around the reference price, basis points
///  MaxLeverage    int   instrument-wide leverage cap (tiers may lower it)
///  MarkPrice      long  raw; 0 = none yet
///  MarkTicks      long  the mark rounded to the tick grid: positions are valued at it
///  SafeLots       long  positions up to this many lots are valued in 64-bit arithmetic at the mark (larger: Int128, saturated)
///  Active         int[] rows of the non-flat positions in the instrument (ActiveCount used), so a tick touches only those
///  LastTradeTicks long  ticks; 0 = no trade yet
///  TierCount      int   maintenance tiers (at most <see cref="MaxTiers"/>), flattened below
///  TierCap, TierMmrPpm, TierCum, TierMaxLeverage   [instrument · MaxTiers + tier]
///  Books          OrderBook per instrument (null until defined)
/// </code>
/// </remarks>
internal sealed class InstrumentTable
{
    public const int MaxTiers = 16;

    public readonly bool[] Exists;
    public readonly long[] TickSize;
    public readonly long[] LotSize;
    public readonly long[] LotTickValue;
    public readonly long[] MaxOrderLots;
    public readonly int[] MakerFeePpm;
    public readonly int[] TakerFeePpm;
    public readonly int[] BandBps;
    public readonly int[] MaxLeverage;
    public readonly long[] MarkPrice;
    public readonly long[] MarkTicks;
    public readonly long[] SafeLots;
    public readonly int[][] Active;
    public readonly int[] ActiveCount;
    public readonly long[] LastTradeTicks;
    public readonly int[] TierCount;
    public readonly long[] TierCap;
    public readonly int[] TierMmrPpm;
    public readonly long[] TierCum;
    public readonly int[] TierMaxLeverage;
    public readonly OrderBook?[] Books;

    public InstrumentTable(int capacity)
    {
        Exists = new bool[capacity];
        TickSize = new long[capacity];
        LotSize = new long[capacity];
        LotTickValue = new long[capacity];
        MaxOrderLots = new long[capacity];
        MakerFeePpm = new int[capacity];
        TakerFeePpm = new int[capacity];
        BandBps = new int[capacity];
        MaxLeverage = new int[capacity];
        MarkPrice = new long[capacity];
        MarkTicks = new long[capacity];
        SafeLots = new long[capacity];
        Active = new int[capacity][];
        ActiveCount = new int[capacity];
        LastTradeTicks = new long[capacity];
        TierCount = new int[capacity];
        TierCap = new long[capacity * MaxTiers];
        TierMmrPpm = new int[capacity * MaxTiers];
        TierCum = new long[capacity * MaxTiers];
        TierMaxLeverage = new int[capacity * MaxTiers];
        Books = new OrderBook?[capacity];
    }

    public int Capacity => Exists.Length;

    public bool IsValid(int id) => (uint)id < (uint)Exists.Length && Exists[id];

    /// <summary>Reference price in ticks for the band: the mark if any, else the last trade, else 0.</summary>
    public long ReferenceTicks(int id)
    {
        var mark = MarkTicks[id];
        return mark > 0 ? mark : LastTradeTicks[id];
    }

    public void Save(StateWriter w)
    {
        var n = Exists.Length;
        w.Array(Exists, n);
        w.Array(TickSize, n);
        w.Array(LotSize, n);
        w.Array(LotTickValue, n);
        w.Array(MaxOrderLots, n);
        w.Array(MakerFeePpm, n);
        w.Array(TakerFeePpm, n);
        w.Array(BandBps, n);
        w.Array(MaxLeverage, n);
        w.Array(MarkPrice, n);
        w.Array(MarkTicks, n);
        w.Array(SafeLots, n);
        w.Array(LastTradeTicks, n);
        w.Array(TierCount, n);
        w.Array(TierCap, TierCap.Length);
        w.Array(TierMmrPpm, TierMmrPpm.Length);
        w.Array(TierCum, TierCum.Length);
        w.Array(TierMaxLeverage, TierMaxLeverage.Length);
        for (var i = 0; i < n; i++)
        {
            if (!Exists[i]) continue;
            w.Long(Books[i]!.LadderSize);
            w.Array(Active[i]!, ActiveCount[i]);
        }
    }

    /// <summary>Loads the table; <paramref name="newBook"/> creates the (empty) book of an instrument with a ladder size.</summary>
    public void Load(ref StateReader r, Func<int, int, OrderBook> newBook)
    {
        r.Into(Exists);
        r.Into(TickSize);
        r.Into(LotSize);
        r.Into(LotTickValue);
        r.Into(MaxOrderLots);
        r.Into(MakerFeePpm);
        r.Into(TakerFeePpm);
        r.Into(BandBps);
        r.Into(MaxLeverage);
        r.Into(MarkPrice);
        r.Into(MarkTicks);
        r.Into(SafeLots);
        r.Into(LastTradeTicks);
        r.Into(TierCount);
        r.Into(TierCap);
        r.Into(TierMmrPpm);
        r.Into(TierCum);
        r.Into(TierMaxLeverage);
        for (var i = 0; i < Exists.Length; i++)
        {
            if (!Exists[i]) continue;
            var ladder = (int)r.Long();
            Books[i] = newBook(i, System.Numerics.BitOperations.Log2((uint)ladder));
            var list = new int[16];
            ActiveCount[i] = r.Array(ref list);
            Active[i] = list;
        }
    }
}
