using Engine.Book;
using Engine.Commands;
using Engine.Events;
using Engine.Risk;
using Engine.State;

namespace Engine.Logic;

// Liquidation: cancel the account's orders, close through the book at the bankruptcy price, let the insurance
// fund take over the rest, auto-deleverage when the fund cannot pay. Every step emits an event.
public sealed partial class ExchangeLogic
{
    /// <summary>Positions above this many lots are closed a fifth at a time (partial liquidation, largest maintenance first).</summary>
    private const long PartialStepDivisor = 5;

    private Int128[] _adlKeys = new Int128[64];
    private int _adlCount;
    private int _adlCursor;
    private long _adlRankedAt = -1;
    private int _adlInstrument;
    private bool _adlLongSide;

    private void LiquidateIsolated(int position)
    {
        var account = _positions.Account[position];
        var instrument = _positions.Instrument[position];
        EmitLiquidation(LiquidationStep.IsolatedStarted, account, instrument, position);
        CancelOrders(account, instrument, filter: true, CancelReason.Liquidation);
        var lots = _positions.Lots[position];
        ClosePosition(position, lots > 0 ? lots : -lots, _positions.IsoMargin[position]);
        EmitLiquidation(LiquidationStep.Completed, account, instrument, position);
    }

    private void LiquidateCross(int account)
    {
        EmitLiquidation(LiquidationStep.CrossStarted, account, 0, 0);
        CancelOrders(account, 0, filter: false, CancelReason.Liquidation);
        var closedAny = false;
        for (var guard = 0; guard < 256 && _accounts.CrossMm[account] > 0 && IsCrossUnhealthy(account); guard++)
        {
            var position = LargestCrossMaintenance(account);
            if (position == 0) break;
            var lots = _positions.Lots[position];
            var absLots = lots > 0 ? lots : -lots;
            var instrument = _positions.Instrument[position];
            var step = absLots;
            // a position beyond the first maintenance tier is reduced in steps (a fifth, or what the shortfall
            // needs if more) until the account is healthy; one within the first tier is too small to split
            var notional = Math.Abs(PositionValue(position, _instruments.MarkTicks[instrument], _instruments.LotTickValue[instrument]));
            if (absLots >= PartialStepDivisor && _instruments.TierCount[instrument] > 0 && _positions.Mm[position] > 0
                && notional > _instruments.TierCap[instrument * InstrumentTable.MaxTiers])
            {
                var shortfall = _accounts.CrossMm[account] - (_accounts.Collateral[account] + _accounts.CrossUpnl[account]) + 1;
                var needed = (long)(((Int128)absLots * shortfall + _positions.Mm[position] - 1) / _positions.Mm[position]);
                step = Math.Min(absLots, Math.Max((absLots + PartialStepDivisor - 1) / PartialStepDivisor, needed));
            }
            var backing = _accounts.Collateral[account] + _accounts.CrossUpnl[account] - _positions.Upnl[position];
            ClosePosition(position, step, backing);
            closedAny = true;
        }
        if (_accounts.CrossMm[account] == 0)
        {
            var collateral = _accounts.Collateral[account];
            if (collateral < 0)
            {
                // no position left and a debt: the fund pays it
                CreditUsd(account, -collateral);
                MoveToFund(account, 0, collateral);
            }
            else if (closedAny)
            {
                // liquidated whole: what the closing fills made above bankruptcy belongs to the fund (the account's
                // remaining USD, up to its equity; other collateral assets stay with it)
                var surplus = Math.Min(collateral, Math.Max(0, UsdBalance(account)));
                if (surplus > 0)
                {
                    CreditUsd(account, -surplus);
                    MoveToFund(account, 0, surplus);
                }
            }
        }
        EmitLiquidation(LiquidationStep.Completed, account, 0, 0);
    }

    private int LargestCrossMaintenance(int account)
    {
        var best = 0;
        var bestMm = -1L;
        for (var position = _accounts.PositionHead[account]; position != 0; position = _positions.AccNext[position])
        {
            if (_positions.Mode[position] != (byte)MarginMode.Cross || _positions.Lots[position] == 0) continue;
            var mm = _positions.Mm[position];
            if (mm > bestMm || (mm == bestMm && position < best))
            {
                best = position;
                bestMm = mm;
            }
        }
        return best;
    }

    /// <summary>
    /// Closes <paramref name="closeLots"/> of a position: an IOC liquidation order limited at the bankruptcy price
    /// (where <paramref name="backing"/> plus the position's PnL is zero) through the book, then takeover by the
    /// insurance fund at that price, or auto-deleveraging when the fund cannot absorb the loss.
    /// </summary>
    private void ClosePosition(int position, long closeLots, long backing)
    {
        var account = _positions.Account[position];
        var instrument = _positions.Instrument[position];
        var lots = _positions.Lots[position];
        var side = lots > 0 ? Side.Sell : Side.Buy;
        var tick = _instruments.TickSize[instrument];
        var bankruptcy = MarginMath.BankruptcyPrice(_instruments, instrument, lots, _positions.Cost[position], backing);
        // never sell below (buy above) bankruptcy: round the limit toward the position's favour; and never trade
        // outside the instrument's price band (what the book does not take there is taken over at bankruptcy)
        var reference = _instruments.ReferenceTicks(instrument);
        var band = reference > 0 ? BandTicks(instrument, reference) : 0;
        var bankruptcyTicks = lots > 0 ? bankruptcy / tick + (bankruptcy % tick != 0 ? 1 : 0) : bankruptcy / tick;
        var noFinitePrice = lots < 0 && (bankruptcy == 0 || bankruptcy == long.MaxValue);
        long limitTicks;
        if (lots > 0) limitTicks = Math.Max(Math.Max(1, bankruptcyTicks), reference > 0 ? reference - band : 1);
        else if (noFinitePrice) limitTicks = reference > 0 ? reference + band : 1;
        else limitTicks = reference > 0 ? Math.Min(Math.Max(1, bankruptcyTicks), reference + band) : Math.Max(1, bankruptcyTicks);
        _liquidatingPosition = position;
        var remaining = closeLots;
        var slot = _orders.Allocate();
        if (slot != 0)
        {
            var orders = _orders;
            orders.Rows[slot].PriceTicks = limitTicks;
            orders.Rows[slot].Leaves = closeLots;
            orders.Filled[slot] = 0;
            orders.Rows[slot].Account = account;
            orders.Rows[slot].Side = (byte)side;
            orders.Rows[slot].Instrument = instrument;
            orders.Rows[slot].Session = 0;
            orders.ClientId[slot] = 0;
            orders.Rows[slot].Flags = OrderTable.LiquidationFlag;
            orders.Rows[slot].Stp = (byte)SelfTradeMode.CancelResting;
            orders.Rows[slot].Position = position;
            ref var e = ref EmitLiquidation(LiquidationStep.Order, account, instrument, position);
            e.OrderId = orders.IdOf(slot);
            e.Side = side;
            e.Price = limitTicks * tick;
            e.Quantity = closeLots * _instruments.LotSize[instrument];
            var book = _instruments.Books[instrument]!;
            if (book.WouldCross(side, limitTicks))
            {
                _matchInstrument = instrument;
                book.Match(slot, limitTicks, this);
            }
            remaining = orders.Rows[slot].Leaves;
            orders.Release(slot);
        }
        if (remaining > 0)
        {
            // at the bankruptcy price (on the tick grid, in the position's favour; the surplus returns to the fund)
            var price = noFinitePrice || reference == 0 ? Math.Max(1, reference) : Math.Max(1, bankruptcyTicks);
            var loss = (Int128)remaining * Math.Abs(price - reference) * _instruments.LotTickValue[instrument];
            var fundEquity = _accounts.Collateral[InsuranceAccount] + _accounts.CrossUpnl[InsuranceAccount];
            if (fundEquity > loss) Takeover(position, remaining, price);
            else AutoDeleverage(position, remaining, price);
        }
        _liquidatingPosition = 0;
        // an isolated position that is now flat has handed its margin over in ApplyFill; a debt left on a
        // cross account is settled by LiquidateCross once no position remains
    }

    private void Takeover(int position, long lots, long priceTicks)
    {
        var account = _positions.Account[position];
        var instrument = _positions.Instrument[position];
        var fund = _positions.GetOrCreate(InsuranceAccount, instrument, _instruments.MaxLeverage[instrument], _accounts.PositionHead);
        var signed = _positions.Lots[position] > 0 ? lots : -lots;
        ref var e = ref EmitLiquidation(LiquidationStep.Takeover, account, instrument, position);
        e.Price = priceTicks * _instruments.TickSize[instrument];
        e.Quantity = lots * _instruments.LotSize[instrument];
        TransferPosition(position, fund, signed, priceTicks);
    }

    private void AutoDeleverage(int position, long lots, long priceTicks)
    {
        var account = _positions.Account[position];
        var instrument = _positions.Instrument[position];
        var longSide = _positions.Lots[position] > 0;
        if (_adlRankedAt != _sequence || _adlInstrument != instrument || _adlLongSide != longSide) RankForDeleveraging(instrument, longSide);
        for (var i = _adlCursor; i < _adlCount && lots > 0; i++)
        {
            var other = (int)(uint)(ulong)(_adlKeys[i] & uint.MaxValue);
            var otherLots = _positions.Lots[other];
            if (otherLots == 0 || (otherLots > 0) == longSide || _positions.Account[other] == account)
            {
                if (i == _adlCursor) _adlCursor++; // flat (or flipped) since the ranking: never a counterparty again
                continue;
            }
            var take = Math.Min(lots, otherLots > 0 ? otherLots : -otherLots);
            ref var e = ref EmitLiquidation(LiquidationStep.AutoDeleverage, _positions.Account[other], instrument, other);
            e.Price = priceTicks * _instruments.TickSize[instrument];
            e.Quantity = take * _instruments.LotSize[instrument];
            TransferPosition(position, other, longSide ? take : -take, priceTicks);
            lots -= take;
            if (_positions.Lots[other] == 0 && i == _adlCursor) _adlCursor++;
        }
    }

    /// <summary>
    /// Ranks the positions opposite <paramref name="longSide"/> by profit × leverage, highest first, ties by row: once
    /// per command, instrument and side (a shock that deleverages thousands of positions ranks once, not each time).
    /// </summary>
    private void RankForDeleveraging(int instrument, bool longSide)
    {
        var list = _instruments.Active[instrument]!;
        var count = _instruments.ActiveCount[instrument];
        if (_adlKeys.Length < count) _adlKeys = new Int128[count * 2];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            var other = list[i];
            if ((_positions.Lots[other] > 0) == longSide) continue;
            var score = (Int128)_positions.Upnl[other] * _positions.Leverage[other];
            var clamped = score > long.MaxValue ? long.MaxValue : score < -long.MaxValue ? -long.MaxValue : (long)score;
            // one unique key: the negated score in the high bits (ascending = highest score first), the row below
            _adlKeys[n++] = ((Int128)(-clamped) << 32) | (uint)other;
        }
        _adlKeys.AsSpan(0, n).Sort();
        _adlCount = n;
        _adlCursor = 0;
        _adlRankedAt = _sequence;
        _adlInstrument = instrument;
        _adlLongSide = longSide;
    }

    /// <summary>Moves <paramref name="signedLots"/> of exposure from one position to another at a price, without fees.</summary>
    private void TransferPosition(int from, int to, long signedLots, long priceTicks)
    {
        var matchId = ++_lastMatchId;
        EmitPositionFill(from, -signedLots, priceTicks, matchId);
        EmitPositionFill(to, signedLots, priceTicks, matchId);
        ApplyFill(from, -signedLots, priceTicks, 0);
        ApplyFill(to, signedLots, priceTicks, 0);
    }

    private void EmitPositionFill(int position, long signedLots, long priceTicks, long matchId)
    {
        var instrument = _positions.Instrument[position];
        ref var e = ref NewEvent(EventType.Fill);
        e.Flags = EventFlags.Liquidation;
        e.AccountId = _positions.Account[position];
        e.InstrumentId = instrument;
        e.Side = signedLots > 0 ? Side.Buy : Side.Sell;
        e.Price = priceTicks * _instruments.TickSize[instrument];
        e.Quantity = (signedLots > 0 ? signedLots : -signedLots) * _instruments.LotSize[instrument];
        e.MatchId = matchId;
    }

    private ref OutputEvent EmitLiquidation(LiquidationStep step, int account, int instrument, int position)
    {
        ref var e = ref NewEvent(EventType.Liquidation);
        e.Code = (ushort)step;
        e.AccountId = account;
        e.InstrumentId = instrument;
        if (position != 0)
        {
            e.Equity = _positions.IsoMargin[position] + _positions.Upnl[position];
            e.Maintenance = _positions.Mm[position];
        }
        else
        {
            e.Equity = _accounts.Collateral[account] + _accounts.CrossUpnl[account];
            e.Maintenance = _accounts.CrossMm[account];
        }
        return ref e;
    }
}
