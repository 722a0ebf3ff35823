using System.Buffers.Binary;
using System.IO.Hashing;
using Engine.Commands;
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
            for (var o = acc.OrderHead[a]; o != 0; o = _orders.AccNext[o]) h.Add(_orders.IdOf(o));
        }
        foreach (var p in SortedPositions())
        {
            h.Add(_positions.Account[p]);
            h.Add(_positions.Instrument[p]);
            h.Add(_positions.Lots[p]);
            h.Add(_positions.Leverage[p]);
            h.Add(_positions.Mode[p]);
        }
        _orders.HashAllocator(ref h);
        return h.Finish();
    }

    private void HashSide(ref HashWriter h, Book.OrderBook book, Side side)
    {
        for (var level = book.BestLevel(side); level != 0; level = book.NextLevel(side, level))
        {
            h.Add(_levels.PriceTicks[level]);
            for (var o = _levels.Head[level]; o != 0; o = _orders.Next[o])
            {
                h.Add(_orders.IdOf(o));
                h.Add(_orders.Account[o]);
                h.Add(_orders.Leaves[o]);
                h.Add(_orders.Filled[o]);
                h.Add(_orders.ClientId[o]);
                h.Add(_orders.Session[o]);
                h.Add(_orders.Flags[o]);
                h.Add(_orders.Stp[o]);
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
                if (_orders.Account[o] != a) return $"account {a}: holds order {o} of account {_orders.Account[o]}";
                if (_orders.Level[o] == 0) return $"account {a}: order {o} is listed but not on a book";
                var p = _orders.Position[o];
                if (_positions.Account[p] != a || _positions.Instrument[p] != _orders.Instrument[o]) return $"order {o}: wrong position row";
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
