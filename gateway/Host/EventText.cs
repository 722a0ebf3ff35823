using System.Globalization;
using Engine.Commands;
using Engine.Events;

namespace Gateway.Host;

/// <summary>Human-readable rendering of output events (for the console; allocates, so never on the logic thread).</summary>
internal static class EventText
{
    public static string Price(long raw) => (raw / (decimal)FixedPoint.PriceScale).ToString("0.########", CultureInfo.InvariantCulture);

    public static string Quantity(long raw) => (raw / (decimal)FixedPoint.QuantityScale).ToString("0.########", CultureInfo.InvariantCulture);

    public static string Money(long raw) => (raw / (decimal)FixedPoint.MoneyScale).ToString("0.######", CultureInfo.InvariantCulture);

    public static string Format(in OutputEvent e)
    {
        var head = $"#{e.InputSequence,-3} {e.CommandType,-13}";
        return e.Type switch
        {
            EventType.Accepted when e.CommandType == CommandType.PlaceOrder =>
                $"{head} ACCEPTED  account {e.AccountId} order {e.OrderId} {e.Side} {Quantity(e.Quantity)} @ {(e.Price == 0 ? "market" : Price(e.Price))}",
            EventType.Accepted when e.CommandType is CommandType.QueryBook or CommandType.QueryAccount or CommandType.MassCancel =>
                $"{head} ACCEPTED  {e.Count} row(s)",
            EventType.Accepted => $"{head} ACCEPTED",
            EventType.Rejected => $"{head} REJECTED  {e.RejectCode}",
            EventType.Fill =>
                $"{head}   FILL    account {e.AccountId} order {e.OrderId} {e.Side} {Quantity(e.Quantity)} @ {Price(e.Price)} " +
                $"{((e.Flags & EventFlags.Maker) != 0 ? "maker" : "taker")} fee {Money(e.Fee)} leaves {Quantity(e.LeavesQuantity)} (trade {e.MatchId})",
            EventType.Canceled => $"{head}   CANCEL  account {e.AccountId} order {e.OrderId} {e.Side} {Quantity(e.Quantity)} ({e.CancelReason})",
            EventType.Replaced =>
                $"{head}   REPLACE account {e.AccountId} order {e.OrderId} now {Quantity(e.LeavesQuantity)} @ {Price(e.Price)}" +
                $"{((e.Flags & EventFlags.PriorityKept) != 0 ? " (priority kept)" : " (to the back)")}",
            EventType.BookLevel => $"{head}   LEVEL   {e.Side,-4} {Quantity(e.Quantity)} @ {Price(e.Price)} ({e.Count} order(s))",
            EventType.OpenOrder => $"{head}   ORDER   {e.OrderId} {e.Side} {Quantity(e.LeavesQuantity)} open @ {Price(e.Price)}",
            EventType.Liquidation =>
                $"{head}   LIQUIDATION {e.LiquidationStep} account {e.AccountId}" +
                (e.LiquidationStep switch
                {
                    LiquidationStep.Order or LiquidationStep.Takeover or LiquidationStep.AutoDeleverage =>
                        $" instrument {e.InstrumentId} {Quantity(e.Quantity)} @ {Price(e.Price)}",
                    LiquidationStep.FundTransfer => $" {Money(e.Maintenance)} to the insurance fund",
                    _ => $" equity {Money(e.Equity)} maintenance {Money(e.Maintenance)}",
                }),
            EventType.AccountRisk =>
                $"{head}   RISK    account {e.AccountId} equity {Money(e.Equity)} available {Money(e.Available)} " +
                $"maintenance {Money(e.Maintenance)} initial {Money(e.InitialMargin)} margin ratio {e.Count / 10_000m:0.##}%",
            EventType.Balance => $"{head}   BALANCE asset {e.InstrumentId} {Money(e.Collateral)}",
            EventType.Position =>
                $"{head}   POSITION instrument {e.InstrumentId} {(e.Side == Side.Buy ? "long" : "short")} {Quantity(e.Quantity)} " +
                $"entry {Price(e.Equity)} uPnL {Money(e.Available)} MM {Money(e.Maintenance)} IM {Money(e.InitialMargin)} {(MarginMode)e.Code}",
            EventType.PositionPrices =>
                $"{head}   PRICES  instrument {e.InstrumentId} liquidation {Price(e.Price)} bankruptcy {Price(e.Quantity)} isolated margin {Money(e.LeavesQuantity)}",
            _ => $"{head} {e.Type}",
        };
    }
}
