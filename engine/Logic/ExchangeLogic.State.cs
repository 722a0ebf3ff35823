using System.Buffers.Binary;
using System.IO.Hashing;
using Engine.Commands;
using Engine.Risk;
using Engine.State;

namespace Engine.Logic;

// State hash and invariant checks: off the hot path (queries, tests, replay verification).
public sealed partial class ExchangeLogic
{
    /// <summary>
    /// XxHash3 of the whole business state in a canonical order: instruments by id (settings, prices,
    /// tiers, book levels best first with their FIFO orders), assets by id, accounts by id (balances, open
    /// orders), positions by (account, instrument), and the order-id allocator. Equal states, equal hashes.
    /// </summary>
    public ulong StateHash()
    {
        var h = new HashWriter();
        h.Add(_lastMatchId);
        h.Add(_feesCollected);
        h.Add((long)(_netUsdDeposits >> 64));
        h.Add((long)_netUsdDeposits);
        var ins = _instruments;
        for (var i = 0; i < ins.Capacity; i++)
        {
            if (!ins.Exists[i]) continue;
            h.Add(i);
            h.Add(ins.TickSize[i]);
            h.Add(ins.LotSize[i]);
            h.Add(ins.MaxOrderLots[i]);
            h.Add(ins.MakerFeePpm[i]);
            h.Add(ins.TakerFeePpm[i]);
            h.Add(ins.BandBps[i]);
            h.Add(ins.MaxLeverage[i]);
            h.Add(ins.MarkPrice[i]);
            h.Add(ins.MarkTicks[i]);
            h.Add(ins.LastTradeTicks[i]);
            h.Add(ins.TierCount[i]);
            for (var t = 0; t < ins.TierCount[i]; t++)
            {
                var at = i * InstrumentTable.MaxTiers + t;
                h.Add(ins.TierCap[at]);
                h.Add(ins.TierMmrPpm[at]);
                h.Add(ins.TierCum[at]);
                h.Add(ins.TierMaxLeverage[at]);
            }
            var book = ins.Books[i]!;
            h.Add(book.BasePrice);
            HashSide(ref h, book, Side.Buy);
            HashSide(ref h, book, Side.Sell);
        }
        for (var a = 0; a < _assets.Capacity; a++)
        {
            if (!_assets.Exists[a]) continue;
            h.Add(a);
            h.Add(_assets.Price[a]);
            h.Add(_assets.HaircutPpm[a]);
        }
        var acc = _accounts;
        for (var a = 0; a < acc.Capacity; a++)
        {
            if (!acc.Exists[a]) continue;
            h.Add(a);
            for (var s = 0; s < acc.AssetCapacity; s++) h.Add(acc.Balance[a * acc.AssetCapacity + s]);
            h.Add(acc.OpenOrders[a]);
            h.Add(acc.Collateral[a]);
            h.Add(acc.CrossUpnl[a]);
            h.Add(acc.CrossMm[a]);
            h.Add(acc.CrossIm[a]);
            h.Add(acc.OrderMargin[a]);
            for (var o = acc.OrderHead[a]; o != 0; o = _orders.AccNext[o]) h.Add(_orders.IdOf(o));
        }
        foreach (var p in SortedPositions())
        {
            h.Add(_positions.Account[p]);
            h.Add(_positions.Instrument[p]);
            h.Add(_positions.Lots[p]);
            h.Add(_positions.Leverage[p]);
            h.Add(_positions.Mode[p]);
            h.Add(_positions.Cost[p]);
            h.Add(_positions.IsoMargin[p]);
            h.Add(_positions.Upnl[p]);
            h.Add(_positions.Mm[p]);
            h.Add(_positions.Im[p]);
            h.Add(_positions.LiqPrice[p]);
            h.Add(_positions.OrderMargin[p]);
        }
        _orders.HashAllocator(ref h);
        return h.Finish();
    }

    private void HashSide(ref HashWriter h, Book.OrderBook book, Side side)
    {
        for (var level = book.BestLevel(side); level != 0; level = book.NextLevel(side, level))
        {
            h.Add(_levels.Rows[level].PriceTicks);
            for (var o = _levels.Rows[level].Head; o != 0; o = _orders.Rows[o].Next)
            {
                h.Add(_orders.IdOf(o));
                h.Add(_orders.Rows[o].Account);
                h.Add(_orders.Rows[o].Leaves);
                h.Add(_orders.Filled[o]);
                h.Add(_orders.ClientId[o]);
                h.Add(_orders.Rows[o].Session);
                h.Add(_orders.Rows[o].Flags);
                h.Add(_orders.Rows[o].Stp);
                h.Add(_orders.Rows[o].Reserved);
            }
        }
    }

    private int[] SortedPositions()
    {
        var n = _positions.Count;
        var slots = new int[n];
        var keys = new long[n];
        for (var i = 0; i < n; i++)
        {
            slots[i] = i + 1;
            keys[i] = ((long)_positions.Account[i + 1] << 32) | (uint)_positions.Instrument[i + 1];
        }
        Array.Sort(keys, slots);
        return slots;
    }

    /// <summary>Checks every cached value and link against a recomputation; null when sound, else what is wrong.</summary>
    internal string? ValidateInvariants()
    {
        for (var i = 0; i < _instruments.Capacity; i++)
        {
            if (!_instruments.Exists[i]) continue;
            var problem = _instruments.Books[i]!.ValidateInvariants();
            if (problem != null) return $"instrument {i}: {problem}";
        }
        var openPerPosition = new int[_positions.Count + 1];
        var resting = 0;
        for (var a = 0; a < _accounts.Capacity; a++)
        {
            if (!_accounts.Exists[a]) continue;
            var count = 0;
            var prev = 0;
            for (var o = _accounts.OrderHead[a]; o != 0; o = _orders.AccNext[o])
            {
                if (_orders.AccPrev[o] != prev) return $"account {a}: order list prev link broken at {o}";
                if (_orders.Rows[o].Account != a) return $"account {a}: holds order {o} of account {_orders.Rows[o].Account}";
                if (_orders.Rows[o].Level == 0) return $"account {a}: order {o} is listed but not on a book";
                var p = _orders.Rows[o].Position;
                if (_positions.Account[p] != a || _positions.Instrument[p] != _orders.Rows[o].Instrument) return $"order {o}: wrong position row";
                openPerPosition[p]++;
                count++;
                prev = o;
            }
            if (count != _accounts.OpenOrders[a]) return $"account {a}: open-order count {_accounts.OpenOrders[a]} != {count}";
            resting += count;
        }
        if (resting != _orders.LiveCount) return $"live order slots {_orders.LiveCount} != orders on account lists {resting}";
        var net = new long[_instruments.Capacity];
        for (var p = 1; p <= _positions.Count; p++)
        {
            if (openPerPosition[p] != _positions.OpenOrders[p]) return $"position {p}: open orders {_positions.OpenOrders[p]} != {openPerPosition[p]}";
            net[_positions.Instrument[p]] += _positions.Lots[p];
        }
        for (var i = 0; i < net.Length; i++)
            if (net[i] != 0) return $"instrument {i}: Σ long lots − Σ short lots = {net[i]}";
        return ValidateRiskInvariants();
    }

    /// <summary>Money conservation, cached aggregates against recomputation, and no account left at maintenance.</summary>
    private string? ValidateRiskInvariants()
    {
        // conservation: wallets + isolated margins + fees − Σ entry cost = net USD deposits (Σ entry cost is
        // what the open positions' unrealized PnL sums to, with the sign flipped, at any common mark)
        Int128 money = _feesCollected;
        for (var a = 0; a < _accounts.Capacity; a++)
            if (_accounts.Exists[a]) money += UsdBalance(a);
        var cap = _accounts.Capacity;
        var upnl = new long[cap];
        var mm = new long[cap];
        var im = new long[cap];
        var orderMargin = new long[cap];
        var positionOrderMargin = new long[_positions.Count + 1];
        for (var p = 1; p <= _positions.Count; p++)
        {
            money += _positions.IsoMargin[p] - _positions.Cost[p];
            var instrument = _positions.Instrument[p];
            var lots = _positions.Lots[p];
            if ((lots != 0) != (_positions.ActiveIndex[p] >= 0)) return $"position {p}: active list membership wrong";
            if (lots != 0 && _instruments.Active[instrument]![_positions.ActiveIndex[p]] != p) return $"position {p}: active index wrong";
            if (lots == 0 && (_positions.Cost[p] != 0 || _positions.IsoMargin[p] != 0)) return $"position {p}: flat with cost or margin left";
            var value = PositionValue(p, _instruments.MarkTicks[instrument], _instruments.LotTickValue[instrument]);
            var notional = Math.Abs(value);
            var expectedUpnl = lots == 0 ? 0 : value - _positions.Cost[p];
            if (_positions.Upnl[p] != expectedUpnl) return $"position {p}: cached PnL {_positions.Upnl[p]} != {expectedUpnl}";
            if (_positions.Mm[p] != MarginMath.Maintenance(_instruments, instrument, notional)) return $"position {p}: cached MM stale";
            if (_positions.Im[p] != MarginMath.Initial(notional, _positions.Leverage[p])) return $"position {p}: cached IM stale";
            var account = _positions.Account[p];
            if (_positions.Mode[p] == (byte)MarginMode.Cross)
            {
                upnl[account] += _positions.Upnl[p];
                mm[account] += _positions.Mm[p];
                im[account] += _positions.Im[p];
            }
            else if (lots != 0 && account != InsuranceAccount && _positions.IsoMargin[p] + _positions.Upnl[p] <= _positions.Mm[p])
            {
                return $"isolated position {p} left at or below maintenance";
            }
        }
        if (money != _netUsdDeposits) return $"money not conserved: {money} != net deposits {_netUsdDeposits}";
        for (var instrument = 0; instrument < _instruments.Capacity; instrument++)
        {
            if (!_instruments.Exists[instrument]) continue;
            var book = _instruments.Books[instrument]!;
            foreach (var side in new[] { Side.Buy, Side.Sell })
                for (var level = book.BestLevel(side); level != 0; level = book.NextLevel(side, level))
                    for (var o = _levels.Rows[level].Head; o != 0; o = _orders.Rows[o].Next)
                    {
                        orderMargin[_orders.Rows[o].Account] += _orders.Rows[o].Reserved;
                        positionOrderMargin[_orders.Rows[o].Position] += _orders.Rows[o].Reserved;
                    }
        }
        for (var p = 1; p <= _positions.Count; p++)
            if (positionOrderMargin[p] != _positions.OrderMargin[p]) return $"position {p}: order margin {_positions.OrderMargin[p]} != {positionOrderMargin[p]}";
        for (var a = 0; a < cap; a++)
        {
            if (!_accounts.Exists[a]) continue;
            if (_accounts.CrossUpnl[a] != upnl[a]) return $"account {a}: cross PnL {_accounts.CrossUpnl[a]} != {upnl[a]}";
            if (_accounts.CrossMm[a] != mm[a]) return $"account {a}: cross MM {_accounts.CrossMm[a]} != {mm[a]}";
            if (_accounts.CrossIm[a] != im[a]) return $"account {a}: cross IM {_accounts.CrossIm[a]} != {im[a]}";
            if (_accounts.OrderMargin[a] != orderMargin[a]) return $"account {a}: order margin {_accounts.OrderMargin[a]} != {orderMargin[a]}";
            var collateral = _accounts.Collateral[a];
            RecomputeCollateral(a);
            if (_accounts.Collateral[a] != collateral) return $"account {a}: collateral {collateral} != {_accounts.Collateral[a]}";
            if (a != InsuranceAccount && IsCrossUnhealthy(a)) return $"cross account {a} left at or below maintenance (or in debt)";
        }
        return null;
    }
}

/// <summary>Feeds fixed-width little-endian values into an XxHash3 (canonical bytes, any platform).</summary>
internal struct HashWriter
{
    private readonly XxHash3 _hash;

    public HashWriter() => _hash = new XxHash3();

    public readonly void Add(long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        _hash.Append(b);
    }

    public readonly ulong Finish() => _hash.GetCurrentHashAsUInt64();
}
