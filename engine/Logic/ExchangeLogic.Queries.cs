using Engine.Commands;
using Engine.Events;
using Engine.Risk;

namespace Engine.Logic;

// Queries: answered from the state at the query's place in the sequence, as rows after the response.
public sealed partial class ExchangeLogic
{
    private void QueryBook(ref Command cmd)
    {
        var instrument = cmd.InstrumentId;
        if (!_instruments.IsValid(instrument))
        {
            Reject(ref cmd, RejectCode.UnknownInstrument);
            return;
        }
        if (cmd.Depth < 0)
        {
            Reject(ref cmd, RejectCode.InvalidField);
            return;
        }
        var depth = cmd.Depth == 0 ? 10 : Math.Min(cmd.Depth, _config.MaxQueryDepth);
        var book = _instruments.Books[instrument]!;
        ref var accepted = ref Accept(ref cmd);
        accepted.Count = book.CountLevels(Side.Buy, depth) + book.CountLevels(Side.Sell, depth);
        EmitLevels(ref cmd, Side.Buy, depth);
        EmitLevels(ref cmd, Side.Sell, depth);
    }

    private void EmitLevels(ref Command cmd, Side side, int depth)
    {
        var instrument = cmd.InstrumentId;
        var book = _instruments.Books[instrument]!;
        var tick = _instruments.TickSize[instrument];
        var lot = _instruments.LotSize[instrument];
        var level = book.BestLevel(side);
        for (var n = 0; n < depth && level != 0; n++)
        {
            ref var e = ref NewEvent(EventType.BookLevel);
            e.SessionId = cmd.SessionId;
            e.AccountId = cmd.AccountId;
            e.InstrumentId = instrument;
            e.ClientOrderId = cmd.RequestId;
            e.Side = side;
            e.Price = _levels.Rows[level].PriceTicks * tick;
            e.Quantity = _levels.Rows[level].TotalLots * lot;
            e.Count = _levels.Rows[level].Count;
            level = book.NextLevel(side, level);
        }
    }

    private void QueryAccount(ref Command cmd)
    {
        var account = cmd.AccountId;
        if (!_accounts.IsValid(account))
        {
            Reject(ref cmd, RejectCode.UnknownAccount);
            return;
        }
        var balances = 0;
        for (var asset = 0; asset < _accounts.AssetCapacity; asset++)
            if (_accounts.Balance[account * _accounts.AssetCapacity + asset] != 0) balances++;
        var positions = 0;
        for (var p = _accounts.PositionHead[account]; p != 0; p = _positions.AccNext[p])
            if (_positions.Lots[p] != 0) positions++;
        ref var accepted = ref Accept(ref cmd);
        accepted.Count = 1 + balances + 2 * positions + _accounts.OpenOrders[account];

        ref var risk = ref QueryRow(ref cmd, EventType.AccountRisk);
        var equity = _accounts.Collateral[account] + _accounts.CrossUpnl[account];
        risk.Equity = equity;
        risk.Collateral = _accounts.Collateral[account];
        risk.OrderMargin = _accounts.OrderMargin[account];
        risk.Available = Math.Max(0, FreeMargin(account));
        risk.Maintenance = _accounts.CrossMm[account];
        risk.InitialMargin = _accounts.CrossIm[account];
        risk.Count = MarginRatioPpm(_accounts.CrossMm[account], equity);

        for (var asset = 0; asset < _accounts.AssetCapacity; asset++)
        {
            var balance = _accounts.Balance[account * _accounts.AssetCapacity + asset];
            if (balance == 0) continue;
            ref var row = ref QueryRow(ref cmd, EventType.Balance);
            row.InstrumentId = asset;
            row.Collateral = balance;
            row.Price = _assets.Price[asset];
            row.Available = CollateralValue(asset, balance);
        }

        for (var p = _accounts.PositionHead[account]; p != 0; p = _positions.AccNext[p])
        {
            var lots = _positions.Lots[p];
            if (lots == 0) continue;
            var instrument = _positions.Instrument[p];
            var tick = _instruments.TickSize[instrument];
            var v = _instruments.LotTickValue[instrument];
            var absLots = lots > 0 ? lots : -lots;
            ref var row = ref QueryRow(ref cmd, EventType.Position);
            row.InstrumentId = instrument;
            row.Side = lots > 0 ? Side.Buy : Side.Sell;
            row.Code = _positions.Mode[p];
            row.Count = _positions.Leverage[p];
            row.Quantity = absLots * _instruments.LotSize[instrument];
            row.Equity = (long)(((Int128)Math.Abs(_positions.Cost[p]) * tick + absLots * v / 2) / ((Int128)absLots * v)); // entry price, raw
            row.OrderMargin = _instruments.MarkPrice[instrument];
            row.Available = _positions.Upnl[p];
            row.Maintenance = _positions.Mm[p];
            row.InitialMargin = _positions.Im[p];

            long liquidation;
            long bankruptcy;
            if (_positions.Mode[p] == (byte)MarginMode.Isolated)
            {
                liquidation = _positions.LiqPrice[p];
                bankruptcy = MarginMath.BankruptcyPrice(_instruments, instrument, lots, _positions.Cost[p], _positions.IsoMargin[p]);
            }
            else
            {
                // the mark of this instrument at which the account reaches maintenance, all other marks held
                var othersEquity = _accounts.Collateral[account] + _accounts.CrossUpnl[account] - _positions.Upnl[p];
                var othersMm = _accounts.CrossMm[account] - _positions.Mm[p];
                liquidation = MarginMath.LiquidationPrice(_instruments, instrument, lots, _positions.Cost[p], othersEquity - othersMm);
                bankruptcy = MarginMath.BankruptcyPrice(_instruments, instrument, lots, _positions.Cost[p], othersEquity);
            }
            ref var prices = ref QueryRow(ref cmd, EventType.PositionPrices);
            prices.InstrumentId = instrument;
            prices.Side = row.Side;
            prices.Code = _positions.Mode[p];
            prices.Price = liquidation;
            prices.Quantity = bankruptcy;
            prices.LeavesQuantity = _positions.IsoMargin[p];
            prices.Fee = _positions.OrderMargin[p];
        }

        for (var o = _accounts.OrderHead[account]; o != 0; o = _orders.AccNext[o])
        {
            ref var e = ref EmitOrderEvent(o, EventType.OpenOrder, EventFlags.None);
            e.SessionId = cmd.SessionId; // a query row goes to the session that asked, not to the order's owner session
            e.Quantity = (_orders.Rows[o].Leaves + _orders.Filled[o]) * _instruments.LotSize[_orders.Rows[o].Instrument];
        }
    }

    private ref OutputEvent QueryRow(ref Command cmd, EventType type)
    {
        ref var e = ref NewEvent(type);
        e.SessionId = cmd.SessionId;
        e.AccountId = cmd.AccountId;
        e.ClientOrderId = cmd.RequestId;
        return ref e;
    }

    /// <summary>Σ maintenance / equity in ppm; int.MaxValue when equity is zero or negative with margin due.</summary>
    private static int MarginRatioPpm(long maintenance, long equity)
    {
        if (maintenance == 0) return 0;
        if (equity <= 0) return int.MaxValue;
        var ratio = (Int128)maintenance * FixedPoint.RateScale / equity;
        return ratio > int.MaxValue ? int.MaxValue : (int)ratio;
    }
}
