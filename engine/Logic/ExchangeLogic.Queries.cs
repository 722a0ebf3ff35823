using Engine.Commands;
using Engine.Events;

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
            e.Price = _levels.PriceTicks[level] * tick;
            e.Quantity = _levels.TotalLots[level] * lot;
            e.Count = _levels.Count[level];
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
        ref var accepted = ref Accept(ref cmd);
        accepted.Count = _accounts.OpenOrders[account];
        for (var o = _accounts.OrderHead[account]; o != 0; o = _orders.AccNext[o])
        {
            ref var e = ref EmitOrderEvent(o, EventType.OpenOrder, EventFlags.None);
            e.Quantity = (_orders.Leaves[o] + _orders.Filled[o]) * _instruments.LotSize[_orders.Instrument[o]];
        }
    }
}
