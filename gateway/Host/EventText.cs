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
            _ => $"{head} {e.Type}",
        };
    }
}
