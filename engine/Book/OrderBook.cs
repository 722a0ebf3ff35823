using System.Runtime.CompilerServices;
using Engine.Commands;
using Engine.State;

namespace Engine.Book;

/// <summary>The order book of one instrument: a price ladder of FIFO levels with price-time priority.</summary>
/// <remarks>
/// <code>
///  price (ticks) ──► ladder index = price - base ──► _ladder[index] = level slot (0 = empty)
///                                                      │
///  _bids / _asks: LadderBitset, one bit per non-empty   ▼
///  level; best bid = highest bid bit, best ask = lowest  LevelTable row: Head ─► order ─► order ─► … Tail
///                                                                     (OrderRow.Next/Prev links)
/// </code>
/// Every operation is O(1) except finding the next best level after one empties, which is a few word
/// scans of the bitset. The ladder covers <c>2^ladderLog2</c> ticks from <c>base</c>; a price outside is
/// accepted by moving the window (an O(ladder) copy, rare) when every resting level still fits, and refused
/// otherwise. The book is never crossed, so a level is a bid exactly when its price is at most the best bid.
/// </remarks>
internal sealed class OrderBook
{
    private readonly OrderTable _orders;
    private readonly LevelTable _levels;
    private readonly int[] _ladder;
    private readonly LadderBitset _bids;
    private readonly LadderBitset _asks;
    private readonly int _size;
    private long _base;      // price in ticks at ladder index 0; 0 = not anchored yet
    private int _bestBid = -1; // ladder index, -1 = none
    private int _bestAsk = -1;

    public OrderBook(int instrument, int ladderLog2, OrderTable orders, LevelTable levels)
    {
        Instrument = instrument;
        _orders = orders;
        _levels = levels;
        _size = 1 << ladderLog2;
        _ladder = new int[_size];
        _bids = new LadderBitset(_size);
        _asks = new LadderBitset(_size);
    }

    public int Instrument { get; }

    public int LadderSize => _size;

    public long BasePrice => _base;

    public long BestBidTicks => _bestBid < 0 ? 0 : _base + _bestBid;

    public long BestAskTicks => _bestAsk < 0 ? 0 : _base + _bestAsk;

    public bool IsEmpty => _bestBid < 0 && _bestAsk < 0;

    /// <summary>True when a <paramref name="side"/> order at <paramref name="priceTicks"/> would trade now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool WouldCross(Side side, long priceTicks) => side == Side.Buy
        ? _bestAsk >= 0 && priceTicks >= _base + _bestAsk
        : _bestBid >= 0 && priceTicks <= _base + _bestBid;

    /// <summary>True when a level at <paramref name="priceTicks"/> can exist, moving the window if needed.</summary>
    public bool EnsureInRange(long priceTicks)
    {
        if (_base != 0 && (ulong)(priceTicks - _base) < (ulong)_size) return true;
        return Rebase(priceTicks);
    }

    /// <summary>Appends a live order (PriceTicks, Leaves, Side set) at the tail of its price level.</summary>
    /// <remarks>The caller has called <see cref="EnsureInRange"/> for the price.</remarks>
    public void Insert(int order)
    {
        ref var row = ref _orders.Rows[order];
        var price = row.PriceTicks;
        var index = (int)(price - _base);
        var level = _ladder[index];
        if (level == 0)
        {
            level = _levels.Allocate(price);
            _ladder[index] = level;
            if (row.Side == (byte)Side.Buy)
            {
                _bids.Set(index);
                if (index > _bestBid) _bestBid = index;
            }
            else
            {
                _asks.Set(index);
                if (_bestAsk < 0 || index < _bestAsk) _bestAsk = index;
            }
        }
        ref var lv = ref _levels.Rows[level];
        var tail = lv.Tail;
        row.Prev = tail;
        row.Next = 0;
        row.Level = level;
        if (tail == 0) lv.Head = order;
        else _orders.Rows[tail].Next = order;
        lv.Tail = order;
        lv.Count++;
        lv.TotalLots += row.Leaves;
    }

    /// <summary>Unlinks a resting order, removing its level when it empties. Leaves are left as they are.</summary>
    public void Remove(int order)
    {
        var rows = _orders.Rows;
        ref var row = ref rows[order];
        var level = row.Level;
        var prev = row.Prev;
        var next = row.Next;
        ref var lv = ref _levels.Rows[level];
        if (prev == 0) lv.Head = next;
        else rows[prev].Next = next;
        if (next == 0) lv.Tail = prev;
        else rows[next].Prev = prev;
        row.Level = 0;
        row.Next = 0;
        row.Prev = 0;
        lv.TotalLots -= row.Leaves;
        if (--lv.Count == 0) RemoveLevel(level, row.Side == (byte)Side.Buy);
    }

    /// <summary>Lowers a resting order's open quantity in place, keeping its priority.</summary>
    public void ReduceInPlace(int order, long newLeaves)
    {
        ref var row = ref _orders.Rows[order];
        _levels.Rows[row.Level].TotalLots -= row.Leaves - newLeaves;
        row.Leaves = newLeaves;
    }

    private void RemoveLevel(int level, bool bid)
    {
        var index = (int)(_levels.Rows[level].PriceTicks - _base);
        _ladder[index] = 0;
        _levels.Release(level);
        if (bid)
        {
            _bids.Clear(index);
            if (index == _bestBid) _bestBid = _bids.PrevSetAtOrBelow(index - 1);
        }
        else
        {
            _asks.Clear(index);
            if (index == _bestAsk) _bestAsk = _asks.NextSetAtOrAbove(index + 1);
        }
    }

    /// <summary>Matches the taker (a live order not on the book) against the opposite side up to its limit.</summary>
    public MatchOutcome Match(int taker, long limitTicks, IMatchObserver observer)
    {
        var orders = _orders;
        var levels = _levels;
        var buy = orders.Rows[taker].Side == (byte)Side.Buy;
        var account = orders.Rows[taker].Account;
        var stp = (SelfTradeMode)orders.Rows[taker].Stp;
        var leaves = orders.Rows[taker].Leaves;
        while (leaves > 0)
        {
            var index = buy ? _bestAsk : _bestBid;
            if (index < 0) break;
            var price = _base + index;
            if (buy ? price > limitTicks : price < limitTicks) break;
            var level = _ladder[index];
            var maker = levels.Rows[level].Head;
            while (maker != 0 && leaves > 0)
            {
                var nextMaker = orders.Rows[maker].Next;
                if (orders.Rows[maker].Account == account)
                {
                    if (stp == SelfTradeMode.CancelTaker) return MatchOutcome.SelfTradeStop;
                    Remove(maker);
                    observer.OnMakerRemoved(maker, MakerRemoval.SelfTrade);
                    if (stp == SelfTradeMode.CancelBoth) return MatchOutcome.SelfTradeStop;
                }
                else
                {
                    var makerLeaves = orders.Rows[maker].Leaves;
                    var lots = leaves < makerLeaves ? leaves : makerLeaves;
                    var capped = false;
                    if ((orders.Rows[maker].Flags & (byte)OrderFlags.ReduceOnly) != 0)
                    {
                        var allowed = ReduceOnlyAllowance(buy, observer.PositionLots(maker));
                        if (allowed < lots)
                        {
                            lots = allowed;
                            capped = true;
                        }
                    }
                    if (lots > 0)
                    {
                        leaves -= lots;
                        orders.Rows[taker].Leaves = leaves;
                        orders.Rows[maker].Leaves = makerLeaves - lots;
                        levels.Rows[level].TotalLots -= lots;
                        observer.OnTrade(taker, maker, price, lots);
                    }
                    if (makerLeaves == lots)
                    {
                        Remove(maker);
                        observer.OnMakerRemoved(maker, MakerRemoval.Filled);
                    }
                    else if (capped)
                    {
                        Remove(maker);
                        observer.OnMakerRemoved(maker, MakerRemoval.ReduceOnly);
                    }
                }
                maker = nextMaker;
            }
        }
        return MatchOutcome.Done;
    }

    /// <summary>Lots a reduce-only maker may still trade against a taker that buys (<paramref name="takerBuys"/>) or sells.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ReduceOnlyAllowance(bool takerBuys, long makerPositionLots) =>
        takerBuys ? Math.Max(0, makerPositionLots) : Math.Max(0, -makerPositionLots);

    /// <summary>
    /// Lots a taker could fill now up to <paramref name="wanted"/>, with the same walk as <see cref="Match"/>:
    /// own orders are skipped under CancelResting (they would be canceled) and stop the walk otherwise.
    /// Reduce-only makers count as no liquidity, so the estimate never exceeds what <see cref="Match"/> fills.
    /// </summary>
    public long FillableLots(Side side, long limitTicks, long wanted, int account, SelfTradeMode stp)
    {
        var orders = _orders;
        var buy = side == Side.Buy;
        long found = 0;
        var index = buy ? _bestAsk : _bestBid;
        while (index >= 0 && found < wanted)
        {
            var price = _base + index;
            if (buy ? price > limitTicks : price < limitTicks) break;
            var level = _ladder[index];
            if (stp == SelfTradeMode.CancelResting && !HasAccountOrReduceOnly(level, account))
            {
                found += _levels.Rows[level].TotalLots;
            }
            else
            {
                for (var o = _levels.Rows[level].Head; o != 0 && found < wanted; o = orders.Rows[o].Next)
                {
                    if (orders.Rows[o].Account == account)
                    {
                        if (stp != SelfTradeMode.CancelResting) return found;
                        continue;
                    }
                    if ((orders.Rows[o].Flags & (byte)OrderFlags.ReduceOnly) != 0) continue;
                    found += orders.Rows[o].Leaves;
                }
            }
            index = buy ? _asks.NextSetAtOrAbove(index + 1) : _bids.PrevSetAtOrBelow(index - 1);
        }
        return found < wanted ? found : wanted;
    }

    private bool HasAccountOrReduceOnly(int level, int account)
    {
        for (var o = _levels.Rows[level].Head; o != 0; o = _orders.Rows[o].Next)
            if (_orders.Rows[o].Account == account || (_orders.Rows[o].Flags & (byte)OrderFlags.ReduceOnly) != 0) return true;
        return false;
    }

    /// <summary>Number of non-empty levels on one side, counting at most <paramref name="max"/>.</summary>
    public int CountLevels(Side side, int max)
    {
        var n = 0;
        var index = side == Side.Buy ? _bestBid : _bestAsk;
        while (index >= 0 && n < max)
        {
            n++;
            index = side == Side.Buy ? _bids.PrevSetAtOrBelow(index - 1) : _asks.NextSetAtOrAbove(index + 1);
        }
        return n;
    }

    /// <summary>The level slot after <paramref name="level"/> on its side (worse price), or 0.</summary>
    public int NextLevel(Side side, int level)
    {
        var index = (int)(_levels.Rows[level].PriceTicks - _base);
        index = side == Side.Buy ? _bids.PrevSetAtOrBelow(index - 1) : _asks.NextSetAtOrAbove(index + 1);
        return index < 0 ? 0 : _ladder[index];
    }

    /// <summary>The best level slot of a side, or 0.</summary>
    public int BestLevel(Side side)
    {
        var index = side == Side.Buy ? _bestBid : _bestAsk;
        return index < 0 ? 0 : _ladder[index];
    }

    private bool Rebase(long priceTicks)
    {
        if (priceTicks <= 0) return false;
        var half = _size / 2;
        if (IsEmpty)
        {
            _base = Math.Max(1, priceTicks - half);
            return true;
        }
        // live range of the book: lowest bid (or best ask) .. highest ask (or best bid)
        var lowIndex = _bestBid >= 0 ? _bids.NextSetAtOrAbove(0) : _bestAsk;
        var highIndex = _bestAsk >= 0 ? _asks.PrevSetAtOrBelow(_size - 1) : _bestBid;
        var low = Math.Min(_base + lowIndex, priceTicks);
        var high = Math.Max(_base + highIndex, priceTicks);
        if (high - low >= _size) return false;
        var newBase = Math.Max(1, Math.Min(low, (low + high) / 2 - half));
        if (newBase + _size - 1 < high) newBase = high - _size + 1;
        var shift = (int)(_base - newBase); // new index = old index + shift
        var bestBidTicks = BestBidTicks;
        if (shift > 0)
        {
            Array.Copy(_ladder, 0, _ladder, shift, _size - shift);
            Array.Clear(_ladder, 0, shift);
        }
        else if (shift < 0)
        {
            Array.Copy(_ladder, -shift, _ladder, 0, _size + shift);
            Array.Clear(_ladder, _size + shift, -shift);
        }
        _base = newBase;
        _bids.ClearAll();
        _asks.ClearAll();
        for (var i = 0; i < _size; i++)
        {
            var level = _ladder[i];
            if (level == 0) continue;
            if (_bestBid >= 0 && _levels.Rows[level].PriceTicks <= bestBidTicks) _bids.Set(i);
            else _asks.Set(i);
        }
        if (_bestBid >= 0) _bestBid += shift;
        if (_bestAsk >= 0) _bestAsk += shift;
        return true;
    }

    /// <summary>Checks every structural invariant from scratch; returns null when sound, else what is wrong.</summary>
    internal string? ValidateInvariants()
    {
        var recomputedBestBid = _bids.PrevSetAtOrBelow(_size - 1);
        var recomputedBestAsk = _asks.NextSetAtOrAbove(0);
        if (recomputedBestBid != _bestBid) return $"best bid index {_bestBid} but bitset says {recomputedBestBid}";
        if (recomputedBestAsk != _bestAsk) return $"best ask index {_bestAsk} but bitset says {recomputedBestAsk}";
        if (_bestBid >= 0 && _bestAsk >= 0 && _bestBid >= _bestAsk) return "book is crossed";
        for (var i = 0; i < _size; i++)
        {
            var level = _ladder[i];
            var isBid = _bids.IsSet(i);
            var isAsk = _asks.IsSet(i);
            if (level == 0)
            {
                if (isBid || isAsk) return $"bit set for empty ladder slot {i}";
                continue;
            }
            if (isBid == isAsk) return $"ladder slot {i} must be exactly one of bid/ask";
            if (_levels.Rows[level].PriceTicks != _base + i) return $"level {level} price mismatch at slot {i}";
            long total = 0;
            var count = 0;
            var prev = 0;
            for (var o = _levels.Rows[level].Head; o != 0; o = _orders.Rows[o].Next)
            {
                if (_orders.Rows[o].Prev != prev) return $"order {o} prev link broken";
                if (_orders.Rows[o].Level != level) return $"order {o} level link broken";
                if (_orders.Rows[o].Leaves <= 0) return $"order {o} rests with no open quantity";
                if (_orders.Rows[o].PriceTicks != _levels.Rows[level].PriceTicks) return $"order {o} price differs from its level";
                if ((_orders.Rows[o].Side == (byte)Side.Buy) != isBid) return $"order {o} on the wrong side";
                if (_orders.Rows[o].Instrument != Instrument) return $"order {o} in the wrong book";
                total += _orders.Rows[o].Leaves;
                count++;
                prev = o;
            }
            if (_levels.Rows[level].Tail != prev) return $"level {level} tail broken";
            if (total != _levels.Rows[level].TotalLots) return $"level {level} total {_levels.Rows[level].TotalLots} != Σ orders {total}";
            if (count != _levels.Rows[level].Count) return $"level {level} count broken";
        }
        return null;
    }

    /// <summary>Saves the ladder window and its bitsets (levels and orders are saved with their tables).</summary>
    public void Save(StateWriter w)
    {
        w.Long(_size);
        w.Long(_base);
        w.Long(_bestBid);
        w.Long(_bestAsk);
        w.Array(_ladder, _size);
        _bids.Save(w);
        _asks.Save(w);
    }

    public void Load(ref StateReader r)
    {
        if (r.Long() != _size) throw new InvalidDataException($"snapshot book of instrument {Instrument} has another ladder size");
        _base = r.Long();
        _bestBid = (int)r.Long();
        _bestAsk = (int)r.Long();
        r.Into(_ladder);
        _bids.Load(ref r);
        _asks.Load(ref r);
    }
}
