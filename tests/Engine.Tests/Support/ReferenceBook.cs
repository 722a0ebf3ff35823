using Engine.Commands;
using Engine.Events;

namespace Engine.Tests.Support;

/// <summary>The one instrument a <see cref="ReferenceBook"/> models, and the accounts that exist.</summary>
public sealed record ReferenceSpec(
    int Instrument,
    long TickSize,
    long LotSize,
    long MaxOrderLots,
    int MakerFeePpm,
    int TakerFeePpm,
    int BandBps,
    int LadderSize,
    IReadOnlyCollection<int> Accounts)
{
    /// <summary>Money units of one lot moving one tick.</summary>
    public long LotTickValue => TickSize * LotSize / FixedPoint.NotionalDivisor;
}

/// <summary>A read-only view of one open order of the model.</summary>
public readonly record struct ReferenceOrder(long Id, int Account, Side Side, long PriceTicks, long Leaves, OrderFlags Flags, SelfTradeMode Stp);

/// <summary>
/// An obviously-correct, slow model of one instrument's book and the accounts' positions in it: the
/// matching rules written down as plainly as possible, independent of the engine's data structures.
/// </summary>
/// <remarks>
/// <para>The book is one list of open orders in arrival order (time priority); a walk sorts the opposite
/// side by price with a stable sort, so FIFO within a price falls out. Order ids are the model's own
/// (1, 2, 3, ... in order of acceptance); a test maps them to the engine's ids through the Accepted events.</para>
/// <para>Supported commands: PlaceOrder, CancelOrder, ReplaceOrder, MassCancel, MarkPrice, QueryBook.
/// Every command yields its response first (Accepted or Rejected), then its consequences.</para>
/// <para>Where the stated rules leave a choice, the model takes the one below (each agrees with the engine):</para>
/// <list type="bullet">
/// <item>Reject precedence: instrument, account, side, order type, time in force, flags, self-trade mode, quantity,
/// price then band (market: reference price), then reduce-only allowance, post-only, and the ladder fit.</item>
/// <item>Ladder fit: every open order's price and the new one must lie within <see cref="ReferenceSpec.LadderSize"/>
/// consecutive ticks. Checked for every GTC limit order before it matches (even one that would fill completely) and
/// for a replace that changes the price; the open orders are those before the command, including the order being
/// replaced at its old price. Orders that never rest (IOC, FOK, market) are not checked.</item>
/// <item>Mass cancel cancels the account's orders newest first (by the time the order was placed).</item>
/// <item>Canceled: Quantity is the open quantity dropped, LeavesQuantity 0, Price the order's limit (for a market
/// order, the band edge it was given). Accepted of a market order has Price 0; of a cancel, the order's instrument;
/// of a replace, instrument and side (the new price and quantity are in the Replaced event).</item>
/// <item>Reduce-only maker: the cap applies when the allowance is below the trade that would happen
/// (min of the two open quantities); otherwise the maker trades normally and stays, even if its rest exceeds the
/// allowance. Replace of a reduce-only order: refused when the new open quantity exceeds the allowance, unless the
/// replace only lowers the quantity at the same price (so a repriced order that crosses never trades past the position).</item>
/// <item>Reference ticks = mark / tick, truncated: a mark below one tick means no reference (no band, no market
/// orders). A replace that names a price is band-checked even when the price does not change.</item>
/// </list>
/// </remarks>
public sealed class ReferenceBook
{
    private sealed class Order
    {
        public long Id;
        public int Account;
        public int Session;
        public long ClientId;
        public Side Side;
        public long PriceTicks;
        public long Leaves;
        public OrderFlags Flags;
        public SelfTradeMode Stp;
    }

    private readonly ReferenceSpec _spec;
    private readonly List<Order> _book = new(); // open orders, oldest (best time priority) first
    private readonly Dictionary<int, long> _positions = new();
    private readonly List<OutputEvent> _out = new();
    private long _lastId;
    private long _lastMatchId;
    private long _markPrice;     // raw, 0 = none
    private long _lastTradeTicks; // 0 = none

    // the command being applied
    private long _sequence;
    private long _time;
    private CommandType _commandType;

    public ReferenceBook(ReferenceSpec spec) => _spec = spec;

    public ReferenceSpec Spec => _spec;

    /// <summary>Number of order ids handed out so far (ids are 1 .. this).</summary>
    public long OrdersAccepted => _lastId;

    /// <summary>Open orders, oldest first.</summary>
    public IReadOnlyList<ReferenceOrder> OpenOrders =>
        _book.Select(o => new ReferenceOrder(o.Id, o.Account, o.Side, o.PriceTicks, o.Leaves, o.Flags, o.Stp)).ToList();

    public int OpenOrderCount => _book.Count;

    public bool IsOpen(long id) => _book.Exists(o => o.Id == id);

    /// <summary>Signed position in lots (long &gt; 0).</summary>
    public long Position(int account) => _positions.GetValueOrDefault(account);

    /// <summary>The reference price for the band and for market orders, in ticks; 0 = none.</summary>
    public long ReferenceTicks => _markPrice > 0 ? _markPrice / _spec.TickSize : _lastTradeTicks;

    /// <summary>Applies one command and returns its events.</summary>
    public List<OutputEvent> Apply(Command cmd, long sequence)
    {
        _out.Clear();
        _sequence = sequence;
        _time = cmd.ReceiveTime;
        _commandType = cmd.Type;
        switch (cmd.Type)
        {
            case CommandType.PlaceOrder: PlaceOrder(cmd); break;
            case CommandType.CancelOrder: CancelOrder(cmd); break;
            case CommandType.ReplaceOrder: ReplaceOrder(cmd); break;
            case CommandType.MassCancel: MassCancel(cmd); break;
            case CommandType.MarkPrice: MarkPrice(cmd); break;
            case CommandType.QueryBook: QueryBook(cmd); break;
            default: throw new NotSupportedException($"the reference book does not model {cmd.Type}");
        }
        return new List<OutputEvent>(_out);
    }

    // ---------------------------------------------------------------- commands

    private void PlaceOrder(Command cmd)
    {
        var code = ValidateNewOrder(cmd, out var limitTicks, out var lots);
        if (code == RejectCode.None && cmd.Flags.HasFlag(OrderFlags.ReduceOnly) && lots > Allowance(cmd.AccountId, cmd.Side))
            code = RejectCode.ReduceOnlyWouldIncrease;
        if (code == RejectCode.None && cmd.Flags.HasFlag(OrderFlags.PostOnly) && Crosses(cmd.Side, limitTicks))
            code = RejectCode.PostOnlyWouldTake;
        var mayRest = cmd.OrderType == OrderType.Limit && cmd.TimeInForce == TimeInForce.GoodTillCancel;
        if (code == RejectCode.None && mayRest && !FitsLadder(limitTicks))
            code = RejectCode.PriceOutsideBand;
        if (code != RejectCode.None)
        {
            Reject(cmd, code);
            return;
        }

        var order = new Order
        {
            Id = ++_lastId, Account = cmd.AccountId, Session = cmd.SessionId, ClientId = cmd.ClientOrderId, Side = cmd.Side,
            PriceTicks = limitTicks, Leaves = lots, Flags = cmd.Flags, Stp = cmd.SelfTrade,
        };
        var accepted = Respond(cmd, EventType.Accepted);
        accepted.OrderId = order.Id;
        accepted.Side = cmd.Side;
        accepted.Price = cmd.OrderType == OrderType.Limit ? cmd.Price : 0;
        accepted.Quantity = cmd.Quantity;
        accepted.LeavesQuantity = cmd.Quantity;
        Emit(accepted);

        if (cmd.TimeInForce == TimeInForce.FillOrKill && FillableLots(order) < lots)
        {
            EmitCanceled(order, CancelReason.FillOrKill);
            return;
        }
        var stopped = Walk(order);
        if (order.Leaves == 0) return;
        if (stopped) EmitCanceled(order, CancelReason.SelfTradeTaker);
        else if (!mayRest) EmitCanceled(order, CancelReason.ImmediateOrCancel);
        else _book.Add(order);
    }

    private RejectCode ValidateNewOrder(Command cmd, out long limitTicks, out long lots)
    {
        limitTicks = 0;
        lots = 0;
        if (cmd.InstrumentId != _spec.Instrument) return RejectCode.UnknownInstrument;
        if (!_spec.Accounts.Contains(cmd.AccountId)) return RejectCode.UnknownAccount;
        if (cmd.Side is not (Side.Buy or Side.Sell)) return RejectCode.InvalidSide;
        if (cmd.OrderType is not (OrderType.Limit or OrderType.Market)) return RejectCode.InvalidOrderType;
        if (cmd.TimeInForce is not (TimeInForce.GoodTillCancel or TimeInForce.ImmediateOrCancel or TimeInForce.FillOrKill))
            return RejectCode.InvalidTimeInForce;
        if ((cmd.Flags & ~(OrderFlags.PostOnly | OrderFlags.ReduceOnly)) != 0) return RejectCode.InvalidFlags;
        if (cmd.Flags.HasFlag(OrderFlags.PostOnly)
            && (cmd.OrderType == OrderType.Market || cmd.TimeInForce != TimeInForce.GoodTillCancel)) return RejectCode.InvalidFlags;
        if (cmd.SelfTrade is not (SelfTradeMode.CancelResting or SelfTradeMode.CancelTaker or SelfTradeMode.CancelBoth))
            return RejectCode.InvalidSelfTradeMode;
        var code = ValidateQuantity(cmd.Quantity, out lots);
        if (code != RejectCode.None) return code;
        if (cmd.OrderType == OrderType.Limit) return ValidatePrice(cmd.Price, out limitTicks);
        var reference = ReferenceTicks;
        if (reference == 0) return RejectCode.NoReferencePrice;
        limitTicks = cmd.Side == Side.Buy ? reference + Band(reference) : Math.Max(1, reference - Band(reference));
        return RejectCode.None;
    }

    private RejectCode ValidateQuantity(long quantity, out long lots)
    {
        lots = 0;
        if (quantity <= 0) return RejectCode.QuantityNotPositive;
        if (quantity % _spec.LotSize != 0) return RejectCode.QuantityOffLot;
        lots = quantity / _spec.LotSize;
        return lots > _spec.MaxOrderLots ? RejectCode.QuantityTooLarge : RejectCode.None;
    }

    private RejectCode ValidatePrice(long price, out long ticks)
    {
        ticks = 0;
        if (price <= 0) return RejectCode.PriceNotPositive;
        if (price % _spec.TickSize != 0) return RejectCode.PriceOffTick;
        ticks = price / _spec.TickSize;
        var reference = ReferenceTicks;
        if (reference != 0 && (ticks < reference - Band(reference) || ticks > reference + Band(reference)))
            return RejectCode.PriceOutsideBand;
        return RejectCode.None;
    }

    private long Band(long referenceTicks) => referenceTicks * _spec.BandBps / 10_000;

    private void CancelOrder(Command cmd)
    {
        var order = FindOwnOrder(cmd);
        if (order == null) return;
        var accepted = Respond(cmd, EventType.Accepted);
        accepted.InstrumentId = _spec.Instrument;
        Emit(accepted);
        _book.Remove(order);
        EmitCanceled(order, CancelReason.UserRequest);
    }

    private Order? FindOwnOrder(Command cmd)
    {
        if (!_spec.Accounts.Contains(cmd.AccountId))
        {
            Reject(cmd, RejectCode.UnknownAccount);
            return null;
        }
        var order = _book.Find(o => o.Id == cmd.OrderId);
        if (order == null)
        {
            Reject(cmd, RejectCode.UnknownOrder);
            return null;
        }
        if (order.Account != cmd.AccountId)
        {
            Reject(cmd, RejectCode.NotOrderOwner);
            return null;
        }
        return order;
    }

    private void ReplaceOrder(Command cmd)
    {
        var order = FindOwnOrder(cmd);
        if (order == null) return;
        var newTicks = order.PriceTicks;
        var newLots = order.Leaves;
        var code = RejectCode.None;
        if (cmd.Price != 0) code = ValidatePrice(cmd.Price, out newTicks);
        if (code == RejectCode.None && cmd.Quantity != 0) code = ValidateQuantity(cmd.Quantity, out newLots);
        var priceChanges = newTicks != order.PriceTicks;
        if (code == RejectCode.None && !priceChanges && newLots == order.Leaves) code = RejectCode.NothingToReplace;
        var crosses = priceChanges && Crosses(order.Side, newTicks);
        if (code == RejectCode.None && order.Flags.HasFlag(OrderFlags.PostOnly) && crosses) code = RejectCode.PostOnlyWouldTake;
        if (code == RejectCode.None && order.Flags.HasFlag(OrderFlags.ReduceOnly)
            && (priceChanges || newLots > order.Leaves) && newLots > Allowance(order.Account, order.Side)) code = RejectCode.ReduceOnlyWouldIncrease;
        if (code == RejectCode.None && priceChanges && !FitsLadder(newTicks)) code = RejectCode.PriceOutsideBand;
        if (code != RejectCode.None)
        {
            Reject(cmd, code);
            return;
        }

        var accepted = Respond(cmd, EventType.Accepted);
        accepted.InstrumentId = _spec.Instrument;
        accepted.Side = order.Side;
        Emit(accepted);
        if (!priceChanges && newLots < order.Leaves)
        {
            order.Leaves = newLots; // keeps its place in the queue
            EmitOrderEvent(order, EventType.Replaced, EventFlags.PriorityKept);
            return;
        }
        _book.Remove(order); // loses its place: it comes back (if at all) at the end of the queue
        order.PriceTicks = newTicks;
        order.Leaves = newLots;
        EmitOrderEvent(order, EventType.Replaced, EventFlags.None);
        var stopped = crosses && Walk(order);
        if (order.Leaves == 0) return;
        if (stopped) EmitCanceled(order, CancelReason.SelfTradeTaker);
        else _book.Add(order);
    }

    private void MassCancel(Command cmd)
    {
        if (!_spec.Accounts.Contains(cmd.AccountId))
        {
            Reject(cmd, RejectCode.UnknownAccount);
            return;
        }
        var filtered = cmd.InstrumentFilter != 0;
        if (filtered && cmd.InstrumentId != _spec.Instrument)
        {
            Reject(cmd, RejectCode.UnknownInstrument);
            return;
        }
        var victims = _book.Where(o => o.Account == cmd.AccountId).OrderByDescending(o => o.Id).ToList();
        var accepted = Respond(cmd, EventType.Accepted);
        accepted.Count = victims.Count;
        Emit(accepted);
        foreach (var order in victims)
        {
            _book.Remove(order);
            EmitCanceled(order, CancelReason.MassCancel);
        }
    }

    private void MarkPrice(Command cmd)
    {
        if (cmd.InstrumentId != _spec.Instrument)
        {
            Reject(cmd, RejectCode.UnknownInstrument);
            return;
        }
        if (cmd.Price <= 0)
        {
            Reject(cmd, RejectCode.PriceNotPositive);
            return;
        }
        _markPrice = cmd.Price;
        Emit(Respond(cmd, EventType.Accepted));
    }

    private void QueryBook(Command cmd)
    {
        if (cmd.InstrumentId != _spec.Instrument)
        {
            Reject(cmd, RejectCode.UnknownInstrument);
            return;
        }
        if (cmd.Depth < 0)
        {
            Reject(cmd, RejectCode.InvalidField);
            return;
        }
        var depth = cmd.Depth == 0 ? 10 : Math.Min(cmd.Depth, 1000);
        var bids = Levels(Side.Buy).Take(depth).ToList();
        var asks = Levels(Side.Sell).Take(depth).ToList();
        var accepted = Respond(cmd, EventType.Accepted);
        accepted.Count = bids.Count + asks.Count;
        Emit(accepted);
        foreach (var (side, price, lots, count) in bids.Concat(asks))
        {
            Emit(new OutputEvent
            {
                Type = EventType.BookLevel, CommandType = _commandType, InputSequence = _sequence, Time = _time,
                SessionId = cmd.SessionId, AccountId = cmd.AccountId, InstrumentId = _spec.Instrument, ClientOrderId = cmd.RequestId,
                Side = side, Price = price * _spec.TickSize, Quantity = lots * _spec.LotSize, Count = count,
            });
        }
    }

    /// <summary>Aggregated levels of one side, best first.</summary>
    private IEnumerable<(Side Side, long Price, long Lots, int Count)> Levels(Side side)
    {
        var groups = _book.Where(o => o.Side == side).GroupBy(o => o.PriceTicks)
            .Select(g => (side, g.Key, g.Sum(o => o.Leaves), g.Count()));
        return side == Side.Buy ? groups.OrderByDescending(l => l.Key) : groups.OrderBy(l => l.Key);
    }

    // ---------------------------------------------------------------- matching

    /// <summary>Open orders the taker may meet, in the order it meets them: best price first, then oldest first.</summary>
    private List<Order> Opposite(Order taker)
    {
        var opposite = _book.Where(o => o.Side != taker.Side
            && (taker.Side == Side.Buy ? o.PriceTicks <= taker.PriceTicks : o.PriceTicks >= taker.PriceTicks));
        // OrderBy is a stable sort: within a price, the list's arrival order (time priority) is kept
        return (taker.Side == Side.Buy ? opposite.OrderBy(o => o.PriceTicks) : opposite.OrderByDescending(o => o.PriceTicks)).ToList();
    }

    private bool Crosses(Side side, long priceTicks) => side == Side.Buy
        ? _book.Exists(o => o.Side == Side.Sell && o.PriceTicks <= priceTicks)
        : _book.Exists(o => o.Side == Side.Buy && o.PriceTicks >= priceTicks);

    /// <summary>Matches the taker against the book; true when self-trade prevention stopped it.</summary>
    private bool Walk(Order taker)
    {
        foreach (var maker in Opposite(taker))
        {
            if (taker.Leaves == 0) break;
            if (maker.Account == taker.Account)
            {
                if (taker.Stp == SelfTradeMode.CancelTaker) return true;
                _book.Remove(maker);
                EmitCanceled(maker, CancelReason.SelfTradeResting);
                if (taker.Stp == SelfTradeMode.CancelBoth) return true;
                continue;
            }
            var lots = Math.Min(taker.Leaves, maker.Leaves);
            var capped = false;
            if (maker.Flags.HasFlag(OrderFlags.ReduceOnly))
            {
                var allowance = Allowance(maker.Account, maker.Side);
                if (allowance < lots)
                {
                    lots = allowance;
                    capped = true;
                }
            }
            if (lots > 0) Trade(taker, maker, lots);
            if (maker.Leaves == 0)
            {
                _book.Remove(maker);
            }
            else if (capped)
            {
                _book.Remove(maker);
                EmitCanceled(maker, CancelReason.ReduceOnly);
            }
        }
        return false;
    }

    /// <summary>Lots the taker could fill now, up to its quantity: the FOK pre-check, without side effects.</summary>
    private long FillableLots(Order taker)
    {
        long found = 0;
        foreach (var maker in Opposite(taker))
        {
            if (found >= taker.Leaves) break;
            if (maker.Account == taker.Account)
            {
                if (taker.Stp == SelfTradeMode.CancelResting) continue; // it would be canceled: skip it
                break;                                                  // the walk would stop here
            }
            if (maker.Flags.HasFlag(OrderFlags.ReduceOnly)) continue; // counts as no liquidity
            found += maker.Leaves;
        }
        return Math.Min(found, taker.Leaves);
    }

    private void Trade(Order taker, Order maker, long lots)
    {
        var price = maker.PriceTicks;
        var notional = price * lots * _spec.LotTickValue;
        var matchId = ++_lastMatchId;
        _lastTradeTicks = price;
        taker.Leaves -= lots;
        maker.Leaves -= lots;
        var buyer = taker.Side == Side.Buy ? taker : maker;
        var seller = taker.Side == Side.Buy ? maker : taker;
        _positions[buyer.Account] = Position(buyer.Account) + lots;
        _positions[seller.Account] = Position(seller.Account) - lots;
        EmitFill(taker, price, lots, Fee(notional, _spec.TakerFeePpm), matchId, EventFlags.None);
        EmitFill(maker, price, lots, Fee(notional, _spec.MakerFeePpm), matchId, EventFlags.Maker);
    }

    /// <summary>Lots a reduce-only order of <paramref name="side"/> may still trade: what closes the position.</summary>
    private long Allowance(int account, Side side) =>
        side == Side.Sell ? Math.Max(0, Position(account)) : Math.Max(0, -Position(account));

    /// <summary>Whether the open orders and <paramref name="priceTicks"/> all fit in one window of the ladder.</summary>
    private bool FitsLadder(long priceTicks)
    {
        var low = priceTicks;
        var high = priceTicks;
        foreach (var o in _book)
        {
            low = Math.Min(low, o.PriceTicks);
            high = Math.Max(high, o.PriceTicks);
        }
        return high - low + 1 <= _spec.LadderSize;
    }

    /// <summary>A charge rounds up, a rebate rounds toward zero.</summary>
    public static long Fee(long notional, int ppm)
    {
        var product = (Int128)notional * ppm;
        var quotient = product / FixedPoint.RateScale; // C# division truncates toward zero
        if (ppm > 0 && quotient * FixedPoint.RateScale != product) quotient += 1;
        return (long)quotient;
    }

    // ---------------------------------------------------------------- events

    private OutputEvent Respond(Command cmd, EventType type) => new()
    {
        Type = type, CommandType = _commandType, InputSequence = _sequence, Time = _time,
        SessionId = cmd.SessionId, AccountId = cmd.AccountId, InstrumentId = cmd.InstrumentId,
        ClientOrderId = cmd.ClientOrderId, OrderId = cmd.OrderId,
    };

    private void Reject(Command cmd, RejectCode code)
    {
        var e = Respond(cmd, EventType.Rejected);
        e.Code = (ushort)code;
        Emit(e);
    }

    private OutputEvent OrderEvent(Order order, EventType type, EventFlags flags) => new()
    {
        Type = type, CommandType = _commandType, InputSequence = _sequence, Time = _time, Flags = flags,
        SessionId = order.Session, AccountId = order.Account, InstrumentId = _spec.Instrument, Side = order.Side,
        ClientOrderId = order.ClientId, OrderId = order.Id, Price = order.PriceTicks * _spec.TickSize,
        Quantity = order.Leaves * _spec.LotSize, LeavesQuantity = order.Leaves * _spec.LotSize,
    };

    private void EmitOrderEvent(Order order, EventType type, EventFlags flags) => Emit(OrderEvent(order, type, flags));

    /// <summary>Canceled: Quantity is the open quantity that was dropped, LeavesQuantity 0.</summary>
    private void EmitCanceled(Order order, CancelReason reason)
    {
        var e = OrderEvent(order, EventType.Canceled, EventFlags.None);
        e.Code = (ushort)reason;
        e.LeavesQuantity = 0;
        Emit(e);
    }

    private void EmitFill(Order order, long priceTicks, long lots, long fee, long matchId, EventFlags flags)
    {
        var e = OrderEvent(order, EventType.Fill, flags);
        e.Price = priceTicks * _spec.TickSize;
        e.Quantity = lots * _spec.LotSize;
        e.Fee = fee;
        e.MatchId = matchId;
        Emit(e);
    }

    private void Emit(OutputEvent e) => _out.Add(e);
}
