using Engine.Book;
using Engine.Commands;
using Engine.Events;
using Engine.Risk;
using Engine.State;

namespace Engine.Logic;

// Order entry: place, cancel, replace, mass cancel, and the match callbacks.
public sealed partial class ExchangeLogic
{
    /// <summary>Largest notional one order may carry, in money units (1e11 USD): keeps every product in 63 bits.</summary>
    internal const long MaxOrderNotional = 100_000_000_000L * FixedPoint.MoneyScale;

    /// <summary>Largest notional one position may reach at entry (4e11 USD); marks far beyond saturate, never wrap.</summary>
    internal const long MaxPositionNotional = 4 * MaxOrderNotional;

    private int _matchInstrument;

    private void PlaceOrder(ref Command cmd)
    {
        var code = ValidateNewOrder(ref cmd, out var limitTicks, out var lots);
        if (code != RejectCode.None)
        {
            Reject(ref cmd, code);
            return;
        }
        var instrument = cmd.InstrumentId;
        var book = _instruments.Books[instrument]!;
        var side = cmd.Side;
        var position = _positions.GetOrCreate(cmd.AccountId, instrument, DefaultLeverage(instrument), _accounts.PositionHead);
        var reduceOnly = (cmd.Flags & OrderFlags.ReduceOnly) != 0;
        if (reduceOnly && lots > ReduceOnlyAllowance(side, _positions.Lots[position]))
        {
            Reject(ref cmd, RejectCode.ReduceOnlyWouldIncrease);
            return;
        }
        var crosses = book.WouldCross(side, limitTicks);
        if ((cmd.Flags & OrderFlags.PostOnly) != 0 && crosses)
        {
            Reject(ref cmd, RejectCode.PostOnlyWouldTake);
            return;
        }
        var mayRest = cmd.OrderType == OrderType.Limit && cmd.TimeInForce == TimeInForce.GoodTillCancel;
        if (mayRest && !book.EnsureInRange(limitTicks))
        {
            Reject(ref cmd, RejectCode.PriceOutsideBand);
            return;
        }
        var leverage = _positions.Leverage[position];
        var reserve = reduceOnly ? 0 : OrderReserve(instrument, limitTicks, lots, leverage);
        if (reserve > 0 && reserve > FreeMargin(cmd.AccountId))
        {
            Reject(ref cmd, RejectCode.InsufficientMargin);
            return;
        }
        if (!reduceOnly)
        {
            var notionalAfter = NotionalAfter(position, lots, limitTicks);
            if (notionalAfter > MaxPositionNotional)
            {
                Reject(ref cmd, RejectCode.QuantityTooLarge);
                return;
            }
            if (leverage > MarginMath.MaxLeverage(_instruments, instrument, (long)notionalAfter))
            {
                Reject(ref cmd, RejectCode.LeverageOutOfRange);
                return;
            }
        }
        var slot = _orders.Allocate();
        if (slot == 0)
        {
            Reject(ref cmd, RejectCode.OrderCapacityExceeded);
            return;
        }
        var orders = _orders;
        orders.Rows[slot].PriceTicks = limitTicks;
        orders.Rows[slot].Leaves = lots;
        orders.Filled[slot] = 0;
        orders.Rows[slot].Account = cmd.AccountId;
        orders.Rows[slot].Side = (byte)side;
        orders.Rows[slot].Instrument = instrument;
        orders.Rows[slot].Session = cmd.SessionId;
        orders.ClientId[slot] = cmd.ClientOrderId;
        orders.Rows[slot].Flags = (byte)cmd.Flags;
        orders.Rows[slot].Stp = (byte)cmd.SelfTrade;
        orders.Rows[slot].Position = position;
        orders.Rows[slot].Reserved = 0;
        ResetReserve(slot);

        ref var accepted = ref Accept(ref cmd);
        accepted.OrderId = orders.IdOf(slot);
        accepted.Side = side;
        accepted.Price = cmd.OrderType == OrderType.Limit ? cmd.Price : 0;
        accepted.Quantity = cmd.Quantity;
        accepted.LeavesQuantity = cmd.Quantity;

        if (cmd.TimeInForce == TimeInForce.FillOrKill
            && book.FillableLots(side, limitTicks, lots, cmd.AccountId, cmd.SelfTrade) < lots)
        {
            EmitCanceled(slot, CancelReason.FillOrKill);
            ReleaseReserve(slot);
            orders.Release(slot);
            return;
        }
        var outcome = MatchOutcome.Done;
        if (crosses)
        {
            _matchInstrument = instrument;
            outcome = book.Match(slot, limitTicks, this);
        }
        var rests = orders.Rows[slot].Leaves > 0 && outcome != MatchOutcome.SelfTradeStop && mayRest;
        if (orders.Rows[slot].Leaves > 0 && !rests)
            EmitCanceled(slot, outcome == MatchOutcome.SelfTradeStop ? CancelReason.SelfTradeTaker : CancelReason.ImmediateOrCancel);
        if (rests)
        {
            ResetReserve(slot);
            book.Insert(slot);
            LinkToAccount(slot);
        }
        else
        {
            ReleaseReserve(slot);
            orders.Release(slot);
        }
        if (crosses) SettleRisk();
    }

    /// <summary>Notional of the position with <paramref name="lots"/> more at <paramref name="priceTicks"/> (same side assumed: the worst case).</summary>
    private Int128 NotionalAfter(int position, long lots, long priceTicks)
    {
        var instrument = _positions.Instrument[position];
        var held = _positions.Lots[position];
        return ((Int128)(held >= 0 ? held : -held) + lots) * priceTicks * _instruments.LotTickValue[instrument];
    }

    private RejectCode ValidateNewOrder(ref Command cmd, out long limitTicks, out long lots)
    {
        limitTicks = 0;
        lots = 0;
        var instrument = cmd.InstrumentId;
        if (!_instruments.IsValid(instrument)) return RejectCode.UnknownInstrument;
        if (!_accounts.IsValid(cmd.AccountId)) return RejectCode.UnknownAccount;
        if (cmd.Side != Side.Buy && cmd.Side != Side.Sell) return RejectCode.InvalidSide;
        if (cmd.OrderType != OrderType.Limit && cmd.OrderType != OrderType.Market) return RejectCode.InvalidOrderType;
        if (cmd.TimeInForce < TimeInForce.GoodTillCancel || cmd.TimeInForce > TimeInForce.FillOrKill) return RejectCode.InvalidTimeInForce;
        if ((cmd.Flags & ~(OrderFlags.PostOnly | OrderFlags.ReduceOnly)) != 0) return RejectCode.InvalidFlags;
        if ((cmd.Flags & OrderFlags.PostOnly) != 0
            && (cmd.OrderType == OrderType.Market || cmd.TimeInForce != TimeInForce.GoodTillCancel)) return RejectCode.InvalidFlags;
        if (cmd.SelfTrade > SelfTradeMode.CancelBoth) return RejectCode.InvalidSelfTradeMode;
        var code = ValidateQuantity(instrument, cmd.Quantity, out lots);
        if (code != RejectCode.None) return code;
        if (cmd.OrderType == OrderType.Limit)
        {
            code = ValidatePrice(instrument, cmd.Price, out limitTicks);
            if (code != RejectCode.None) return code;
        }
        else
        {
            // a market order is a limit order at the far edge of the band; it never rests (GTC acts as IOC)
            var reference = _instruments.ReferenceTicks(instrument);
            if (reference == 0) return RejectCode.NoReferencePrice;
            var band = BandTicks(instrument, reference);
            limitTicks = cmd.Side == Side.Buy ? reference + band : Math.Max(1, reference - band);
        }
        if ((Int128)limitTicks * lots * _instruments.LotTickValue[instrument] > MaxOrderNotional) return RejectCode.QuantityTooLarge;
        return RejectCode.None;
    }

    private RejectCode ValidateQuantity(int instrument, long quantity, out long lots)
    {
        lots = 0;
        if (quantity <= 0) return RejectCode.QuantityNotPositive;
        var lotSize = _instruments.LotSize[instrument];
        lots = quantity / lotSize;
        if (lots * lotSize != quantity) return RejectCode.QuantityOffLot;
        if (lots > _instruments.MaxOrderLots[instrument]) return RejectCode.QuantityTooLarge;
        return RejectCode.None;
    }

    private RejectCode ValidatePrice(int instrument, long price, out long ticks)
    {
        ticks = 0;
        if (price <= 0) return RejectCode.PriceNotPositive;
        var tick = _instruments.TickSize[instrument];
        ticks = price / tick;
        if (ticks * tick != price) return RejectCode.PriceOffTick;
        var reference = _instruments.ReferenceTicks(instrument);
        if (reference != 0)
        {
            var band = BandTicks(instrument, reference);
            if (ticks > reference + band || ticks < reference - band) return RejectCode.PriceOutsideBand;
        }
        if (price > MaxPrice) return RejectCode.PriceTooLarge;
        return RejectCode.None;
    }

    /// <summary>Half-width of the price band around <paramref name="referenceTicks"/> (≥ 0), in ticks, rounded down.</summary>
    /// <remarks>BandBps is 1..10,000, so below <see cref="BandFastLimit"/> the product fits 63 bits and the
    /// 64-bit quotient (a multiply by the constant's reciprocal) equals the 128-bit one.</remarks>
    private long BandTicks(int instrument, long referenceTicks)
    {
        var bps = _instruments.BandBps[instrument];
        if ((ulong)referenceTicks <= BandFastLimit) return referenceTicks * bps / 10_000;
        return (long)((Int128)referenceTicks * bps / 10_000);
    }

    private const long BandFastLimit = long.MaxValue / 10_000;

    private static long ReduceOnlyAllowance(Side side, long positionLots) =>
        side == Side.Buy ? Math.Max(0, -positionLots) : Math.Max(0, positionLots);

    private int DefaultLeverage(int instrument) => Math.Min(_config.DefaultLeverage, _instruments.MaxLeverage[instrument]);

    private void CancelOrder(ref Command cmd)
    {
        var slot = ValidateOwnOrder(ref cmd);
        if (slot == 0) return;
        ref var e = ref Accept(ref cmd);
        e.InstrumentId = _orders.Rows[slot].Instrument;
        CancelResting(slot, CancelReason.UserRequest);
    }

    /// <summary>Takes a resting order off its book, reports it canceled, and forgets it.</summary>
    private void CancelResting(int slot, CancelReason reason)
    {
        _instruments.Books[_orders.Rows[slot].Instrument]!.Remove(slot);
        EmitCanceled(slot, reason);
        RetireRestingOrder(slot);
    }

    /// <summary>Cancels an account's open orders (all, or one instrument's) with a reason; returns how many.</summary>
    private int CancelOrders(int account, int instrument, bool filter, CancelReason reason)
    {
        var canceled = 0;
        var slot = _accounts.OrderHead[account];
        while (slot != 0)
        {
            var next = _orders.AccNext[slot];
            if (!filter || _orders.Rows[slot].Instrument == instrument)
            {
                CancelResting(slot, reason);
                canceled++;
            }
            slot = next;
        }
        return canceled;
    }

    /// <summary>The live slot of the command's order if it exists and belongs to the command's account; else rejects and returns 0.</summary>
    private int ValidateOwnOrder(ref Command cmd)
    {
        if (!_accounts.IsValid(cmd.AccountId))
        {
            Reject(ref cmd, RejectCode.UnknownAccount);
            return 0;
        }
        var slot = _orders.SlotOf(cmd.OrderId);
        if (slot == 0)
        {
            Reject(ref cmd, RejectCode.UnknownOrder);
            return 0;
        }
        if (_orders.Rows[slot].Account != cmd.AccountId)
        {
            Reject(ref cmd, RejectCode.NotOrderOwner);
            return 0;
        }
        return slot;
    }

    private void ReplaceOrder(ref Command cmd)
    {
        var slot = ValidateOwnOrder(ref cmd);
        if (slot == 0) return;
        var orders = _orders;
        var instrument = orders.Rows[slot].Instrument;
        var side = orders.SideOf(slot);
        var oldTicks = orders.Rows[slot].PriceTicks;
        var oldLeaves = orders.Rows[slot].Leaves;
        var newTicks = oldTicks;
        var newLots = oldLeaves;
        RejectCode code;
        if (cmd.Price != 0 && (code = ValidatePrice(instrument, cmd.Price, out newTicks)) != RejectCode.None)
        {
            Reject(ref cmd, code);
            return;
        }
        if (cmd.Quantity != 0 && (code = ValidateQuantity(instrument, cmd.Quantity, out newLots)) != RejectCode.None)
        {
            Reject(ref cmd, code);
            return;
        }
        if (newTicks == oldTicks && newLots == oldLeaves)
        {
            Reject(ref cmd, RejectCode.NothingToReplace);
            return;
        }
        if ((Int128)newTicks * newLots * _instruments.LotTickValue[instrument] > MaxOrderNotional)
        {
            Reject(ref cmd, RejectCode.QuantityTooLarge);
            return;
        }
        var book = _instruments.Books[instrument]!;
        var flags = (OrderFlags)orders.Rows[slot].Flags;
        var crosses = newTicks != oldTicks && book.WouldCross(side, newTicks);
        if ((flags & OrderFlags.PostOnly) != 0 && crosses)
        {
            Reject(ref cmd, RejectCode.PostOnlyWouldTake);
            return;
        }
        // a reduce-only order may only shrink in place; anything that re-enters the book (and may trade as a
        // taker) must fit the position, so that it can never trade past it
        if ((flags & OrderFlags.ReduceOnly) != 0 && (newTicks != oldTicks || newLots > oldLeaves)
            && newLots > ReduceOnlyAllowance(side, _positions.Lots[orders.Rows[slot].Position]))
        {
            Reject(ref cmd, RejectCode.ReduceOnlyWouldIncrease);
            return;
        }
        var reserve = 0L;
        if ((flags & OrderFlags.ReduceOnly) == 0)
        {
            reserve = OrderReserve(instrument, newTicks, newLots, _positions.Leverage[orders.Rows[slot].Position]);
            var more = reserve - orders.Rows[slot].Reserved;
            if (more > 0 && more > FreeMargin(cmd.AccountId))
            {
                Reject(ref cmd, RejectCode.InsufficientMargin);
                return;
            }
        }
        if (newTicks != oldTicks && !book.EnsureInRange(newTicks))
        {
            Reject(ref cmd, RejectCode.PriceOutsideBand);
            return;
        }
        ref var accepted = ref Accept(ref cmd);
        accepted.InstrumentId = instrument;
        accepted.Side = side;
        var keepPriority = newTicks == oldTicks && newLots < oldLeaves;
        if (keepPriority) book.ReduceInPlace(slot, newLots);
        else
        {
            book.Remove(slot);
            orders.Rows[slot].PriceTicks = newTicks;
            orders.Rows[slot].Leaves = newLots;
        }
        // the order now rests at newTicks with newLots (> 0) and the same leverage: what ResetReserve would
        // compute is the reserve checked above, unless the order reserves nothing
        if (((byte)flags & ((byte)OrderFlags.ReduceOnly | OrderTable.LiquidationFlag)) == 0) SetReserve(slot, reserve);
        else ResetReserve(slot);
        EmitOrderEvent(slot, EventType.Replaced, keepPriority ? EventFlags.PriorityKept : EventFlags.None);
        if (keepPriority) return;
        var outcome = MatchOutcome.Done;
        if (crosses)
        {
            _matchInstrument = instrument;
            outcome = book.Match(slot, newTicks, this);
        }
        if (orders.Rows[slot].Leaves == 0)
        {
            RetireRestingOrder(slot);
        }
        else if (outcome == MatchOutcome.SelfTradeStop)
        {
            EmitCanceled(slot, CancelReason.SelfTradeTaker);
            RetireRestingOrder(slot);
        }
        else
        {
            if (crosses) ResetReserve(slot); // without a match the reserve set above still holds
            book.Insert(slot);
        }
        if (crosses) SettleRisk();
    }

    /// <summary>Sets an open order's reservation to <paramref name="reserve"/>, adjusting the aggregates (as <see cref="ResetReserve"/> does).</summary>
    private void SetReserve(int slot, long reserve)
    {
        ref var row = ref _orders.Rows[slot];
        var delta = reserve - row.Reserved;
        if (delta == 0) return;
        row.Reserved = reserve;
        _accounts.OrderMargin[row.Account] += delta;
        _positions.OrderMargin[row.Position] += delta;
    }

    private void MassCancel(ref Command cmd)
    {
        var account = cmd.AccountId;
        if (!_accounts.IsValid(account))
        {
            Reject(ref cmd, RejectCode.UnknownAccount);
            return;
        }
        var filter = cmd.InstrumentFilter != 0;
        if (filter && !_instruments.IsValid(cmd.InstrumentId))
        {
            Reject(ref cmd, RejectCode.UnknownInstrument);
            return;
        }
        var orders = _orders;
        var count = 0;
        for (var o = _accounts.OrderHead[account]; o != 0; o = orders.AccNext[o])
            if (!filter || orders.Rows[o].Instrument == cmd.InstrumentId) count++;
        ref var accepted = ref Accept(ref cmd);
        accepted.Count = count;
        CancelOrders(account, cmd.InstrumentId, filter, CancelReason.MassCancel);
    }

    // ---- match callbacks (IMatchObserver) ----

    void IMatchObserver.OnTrade(int taker, int maker, long priceTicks, long lots)
    {
        var instrument = _matchInstrument;
        var instruments = _instruments;
        var orders = _orders;
        var notional = priceTicks * lots * instruments.LotTickValue[instrument];
        var matchId = ++_lastMatchId;
        instruments.LastTradeTicks[instrument] = priceTicks;
        orders.Filled[taker] += lots;
        orders.Filled[maker] += lots;
        var signed = orders.Rows[taker].Side == (byte)Side.Buy ? lots : -lots;
        var liquidation = (orders.Rows[taker].Flags & OrderTable.LiquidationFlag) != 0;
        var takerFee = liquidation ? 0 : Fee(notional, instruments.TakerFeePpm[instrument]);
        var makerFee = Fee(notional, instruments.MakerFeePpm[instrument]);
        EmitFill(taker, priceTicks, lots, takerFee, matchId, liquidation ? EventFlags.Liquidation : EventFlags.None);
        EmitFill(maker, priceTicks, lots, makerFee, matchId, EventFlags.Maker);
        ApplyFill(orders.Rows[taker].Position, signed, priceTicks, takerFee);
        ApplyFill(orders.Rows[maker].Position, -signed, priceTicks, makerFee);
        ResetReserve(maker);
    }

    void IMatchObserver.OnMakerRemoved(int maker, MakerRemoval reason)
    {
        if (reason == MakerRemoval.SelfTrade) EmitCanceled(maker, CancelReason.SelfTradeResting);
        else if (reason == MakerRemoval.ReduceOnly) EmitCanceled(maker, CancelReason.ReduceOnly);
        RetireRestingOrder(maker);
    }

    long IMatchObserver.PositionLots(int order) => _positions.Lots[_orders.Rows[order].Position];

    /// <summary>Fee in money units: charges round up, rebates round toward zero (both in the venue's favour).</summary>
    internal static long Fee(long notional, int ppm)
    {
        if (ppm == 0) return 0;
        const long fastLimit = long.MaxValue / 1_000_000;
        if (notional <= fastLimit)
        {
            var p = notional * ppm;
            return ppm > 0 ? (p + FixedPoint.RateScale - 1) / FixedPoint.RateScale : p / FixedPoint.RateScale;
        }
        var wide = (Int128)notional * ppm;
        return (long)(ppm > 0 ? (wide + FixedPoint.RateScale - 1) / FixedPoint.RateScale : wide / FixedPoint.RateScale);
    }

    // ---- order bookkeeping ----

    private void LinkToAccount(int slot)
    {
        var orders = _orders;
        var account = orders.Rows[slot].Account;
        var head = _accounts.OrderHead[account];
        orders.AccPrev[slot] = 0;
        orders.AccNext[slot] = head;
        if (head != 0) orders.AccPrev[head] = slot;
        _accounts.OrderHead[account] = slot;
        _accounts.OpenOrders[account]++;
        var position = orders.Rows[slot].Position;
        _positions.OpenOrders[position]++;
        if ((orders.Rows[slot].Flags & (byte)OrderFlags.ReduceOnly) != 0) _positions.ReduceOnlyOrders[position]++;
    }

    /// <summary>Forgets an order that was resting (already unlinked from its book): account list, counters, slot.</summary>
    private void RetireRestingOrder(int slot)
    {
        var orders = _orders;
        var account = orders.Rows[slot].Account;
        var prev = orders.AccPrev[slot];
        var next = orders.AccNext[slot];
        if (prev == 0) _accounts.OrderHead[account] = next;
        else orders.AccNext[prev] = next;
        if (next != 0) orders.AccPrev[next] = prev;
        _accounts.OpenOrders[account]--;
        var position = orders.Rows[slot].Position;
        _positions.OpenOrders[position]--;
        if ((orders.Rows[slot].Flags & (byte)OrderFlags.ReduceOnly) != 0) _positions.ReduceOnlyOrders[position]--;
        ReleaseReserve(slot);
        orders.Release(slot);
    }

    private ref OutputEvent EmitOrderEvent(int slot, EventType type, EventFlags flags)
    {
        var orders = _orders;
        var instrument = orders.Rows[slot].Instrument;
        ref var e = ref NewEvent(type);
        e.Flags = flags;
        e.SessionId = orders.Rows[slot].Session;
        e.AccountId = orders.Rows[slot].Account;
        e.InstrumentId = instrument;
        e.Side = orders.SideOf(slot);
        e.ClientOrderId = orders.ClientId[slot];
        e.OrderId = orders.IdOf(slot);
        e.Price = orders.Rows[slot].PriceTicks * _instruments.TickSize[instrument];
        e.LeavesQuantity = orders.Rows[slot].Leaves * _instruments.LotSize[instrument];
        e.Quantity = e.LeavesQuantity;
        return ref e;
    }

    private void EmitCanceled(int slot, CancelReason reason)
    {
        ref var e = ref EmitOrderEvent(slot, EventType.Canceled, EventFlags.None);
        e.Code = (ushort)reason;
        e.LeavesQuantity = 0;
    }

    private void EmitFill(int slot, long priceTicks, long lots, long fee, long matchId, EventFlags flags)
    {
        ref var e = ref EmitOrderEvent(slot, EventType.Fill, flags);
        var instrument = _orders.Rows[slot].Instrument;
        e.Price = priceTicks * _instruments.TickSize[instrument];
        e.Quantity = lots * _instruments.LotSize[instrument];
        e.Fee = fee;
        e.MatchId = matchId;
    }
}
