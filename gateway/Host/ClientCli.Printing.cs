using System.Globalization;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Client;

namespace Gateway.Host;

// Output of the command-line client: the response line, query tables and consequence events, in human units.
internal static partial class ClientCli
{
    /// <summary>Prints the response, a query's rows as a table, and the consequence events (same input sequence).</summary>
    internal static void WriteOutcome(string verb, EngineResponse response, IReadOnlyList<OutputEvent> events, TextWriter output)
    {
        var e = response.Event;
        if (response.GatewayError)
        {
            output.WriteLine($"refused by the gateway: {response.Code} ({(int)response.Code})");
            return;
        }
        if (!response.Accepted)
        {
            output.WriteLine($"rejected: {response.Code} ({(int)response.Code})");
            return;
        }
        output.WriteLine(e.CommandType switch
        {
            CommandType.PlaceOrder => $"accepted: order {e.OrderId} (client order id {e.ClientOrderId})",
            CommandType.MassCancel => $"accepted: {e.Count} order(s) canceled",
            CommandType.Snapshot => $"accepted: state hash {e.OrderId:x16}, event hash {e.MatchId:x16}",
            _ => $"accepted (request id {e.ClientOrderId})",
        });
        switch (verb)
        {
            case "risk":
                WriteRisk(response.Rows, output);
                break;
            case "book":
                WriteBook(response.Rows, output);
                break;
        }
        foreach (var c in events)
        {
            if (c.InputSequence == e.InputSequence && c.Type is not (EventType.Accepted or EventType.Rejected) && c.Type < EventType.BookLevel)
                output.WriteLine($"  {EventText.Format(c)}");
        }
    }

    internal static void WriteHelp(TextWriter output)
    {
        output.WriteLine("usage: run-engine.sh client [--host 127.0.0.1] [--port 7400] [--key KEY] [--id N] <verb> [args]");
        output.WriteLine();
        output.WriteLine("verbs:");
        foreach (var (verb, arguments, description) in Verbs)
            output.WriteLine($"  {(verb + " " + arguments).TrimEnd()}\n      {description}");
        output.WriteLine();
        output.WriteLine("Prices and quantities take up to 8 decimals, amounts (money) up to 6. Accounts, instruments and assets are ids,");
        output.WriteLine("or the names of the default configuration: alice=1 bob=2 carol=3 maker=10 insurance=0, BTC-PERP=1 ETH-PERP=2,");
        output.WriteLine("USD=0 USDC=1. --id sets the client order id / request id (default: assigned by the client).");
        output.WriteLine();
        output.WriteLine("Default key (when --key is omitted), from the default configuration: admin-key for deposit, withdraw,");
        output.WriteLine("create-account and snapshot; feed-key for price and asset-price; for a verb on an account, that account's");
        output.WriteLine("trader key (alice-key for 1, bob-key 2, carol-key 3, maker-key 10), else alice-key (risk of another");
        output.WriteLine("account: admin-key); alice-key for book and watch (watch sees the events of the key's accounts).");
        output.WriteLine();
        output.WriteLine("Each verb prints the response and the events it caused within 200 ms.");
        output.WriteLine("Exit code: 0 accepted, 1 rejected (by the engine or the gateway), 2 usage or connection error.");
    }

    private static void WriteRisk(IReadOnlyList<OutputEvent> rows, TextWriter output)
    {
        foreach (var r in rows)
        {
            switch (r.Type)
            {
                case EventType.AccountRisk:
                    output.WriteLine($"account {r.AccountId}");
                    output.WriteLine($"  equity {Money(r.Equity)}  collateral {Money(r.Collateral)}  available {Money(r.Available)}  " +
                                     $"maintenance {Money(r.Maintenance)}  initial {Money(r.InitialMargin)}  margin ratio {MarginRatio(r.Count)}");
                    break;
                case EventType.Balance:
                    output.WriteLine($"  balance {AssetName(r.InstrumentId)} {Money(r.Collateral)}  price {Price(r.Price)}  collateral value {Money(r.Available)}");
                    break;
                case EventType.Position:
                    output.WriteLine($"  position {InstrumentName(r.InstrumentId)} {(r.Side == Side.Buy ? "long" : "short")} {Quantity(r.Quantity)}  " +
                                     $"entry {Price(r.Equity)}  mark {Price(r.OrderMargin)}  uPnL {Money(r.Available)}  " +
                                     $"MM {Money(r.Maintenance)}  IM {Money(r.InitialMargin)}  {r.Count}x {((MarginMode)r.Code).ToString().ToLowerInvariant()}");
                    break;
                case EventType.PositionPrices:
                    output.WriteLine($"      liquidation {PriceOrNone(r.Price)}  bankruptcy {PriceOrNone(r.Quantity)}" +
                                     ((MarginMode)r.Code == MarginMode.Isolated ? $"  isolated margin {Money(r.LeavesQuantity)}" : "") +
                                     (r.Fee != 0 ? $"  reserved by orders {Money(r.Fee)}" : ""));
                    break;
                case EventType.OpenOrder:
                    output.WriteLine($"  order {r.OrderId} {InstrumentName(r.InstrumentId)} {r.Side.ToString().ToLowerInvariant()} {Quantity(r.Quantity)} @ {Price(r.Price)}  " +
                                     $"open {Quantity(r.LeavesQuantity)}  (client order id {r.ClientOrderId})");
                    break;
            }
        }
    }

    private static void WriteBook(IReadOnlyList<OutputEvent> rows, TextWriter output)
    {
        if (rows.Count == 0)
        {
            output.WriteLine("  (empty book)");
            return;
        }
        output.WriteLine($"  {"side",-4} {"price",18} {"quantity",18} {"orders",7}");
        // rows: bids best first, then asks best first; print asks from the highest down, then bids from the best down
        for (var i = rows.Count - 1; i >= 0; i--)
            if (rows[i].Side == Side.Sell) WriteLevel(rows[i], output);
        foreach (var r in rows)
            if (r.Side == Side.Buy) WriteLevel(r, output);
    }

    private static void WriteLevel(in OutputEvent r, TextWriter output) =>
        output.WriteLine($"  {(r.Side == Side.Buy ? "bid" : "ask"),-4} {Price(r.Price),18} {Quantity(r.Quantity),18} {r.Count,7}");

    private static string MarginRatio(int ppm) => ppm == int.MaxValue ? "n/a (equity <= 0)" : (ppm / 10_000m).ToString("0.####", CultureInfo.InvariantCulture) + "%";

    private static string PriceOrNone(long raw) => raw <= 0 ? "none" : Price(raw);

    private static string Price(long raw) => EventText.Price(raw);

    private static string Quantity(long raw) => EventText.Quantity(raw);

    private static string Money(long raw) => EventText.Money(raw);

    private static string InstrumentName(int id) => id switch
    {
        1 => "BTC-PERP (1)",
        2 => "ETH-PERP (2)",
        _ => $"instrument {id}",
    };

    private static string AssetName(int id) => id switch
    {
        0 => "USD (0)",
        1 => "USDC (1)",
        _ => $"asset {id}",
    };
}
