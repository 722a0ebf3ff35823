using Engine.Commands;
using Engine.Events;
using Engine.Pipeline;
using Engine.Ring;

namespace Gateway.Host;

/// <summary>
/// An in-process trading session through the real pipeline (ring → logic thread → output ring → publisher),
/// printing every event. Stands in for the TCP gateway until it exists.
/// </summary>
internal static class DemoSession
{
    private const int Btc = 1;
    private const int Eth = 2;
    private const long Tick = FixedPoint.PriceScale / 10;      // 0.1 USD
    private const long Lot = FixedPoint.QuantityScale / 1000;  // 0.001 BTC

    private static long Usd(decimal price) => (long)(price * FixedPoint.PriceScale);

    private static long Btcs(decimal quantity) => (long)(quantity * FixedPoint.QuantityScale);

    private static long Money(decimal amount) => (long)(amount * FixedPoint.MoneyScale);

    public static int Run(TextWriter output)
    {
        var printer = new PrintingPublisher(output);
        var options = new PipelineOptions
        {
            InputWait = () => new BlockingWaitStrategy(),
            OutputWait = () => new BlockingWaitStrategy(),
        };
        using var pipeline = new EnginePipeline<PrintingPublisher>(options, printer);
        pipeline.Start();
        output.WriteLine("engine started in process: input ring → logic thread → output ring → publisher (blocking waits)");
        output.WriteLine("instrument 1 = BTC-PERP (tick 0.1, lot 0.001, maker 0.02%, taker 0.05%), accounts 1..3");
        output.WriteLine();

        var time = 1_764_000_000_000_000_000L;
        void Send(Command c)
        {
            c.ReceiveTime = time += 1_000;
            pipeline.Submit(c);
        }

        Send(Cmd.AddInstrument(Btc, Tick, Lot, Btcs(100), makerFeePpm: 200, takerFeePpm: 500, bandBps: 500, maxLeverage: 125));
        Send(Cmd.AddTier(Btc, 0, 50_000L * FixedPoint.MoneyScale, 4_000, 125));
        Send(Cmd.AddTier(Btc, 1, 250_000L * FixedPoint.MoneyScale, 5_000, 100));
        for (var a = 1; a <= 3; a++) Send(Cmd.CreateAccount(a));
        Send(Cmd.MarkPrice(Btc, Usd(100_000m)));
        Send(Cmd.Limit(1, Btc, Side.Sell, Usd(100_010m), Btcs(0.5m), clientOrderId: 11));
        Send(Cmd.Limit(1, Btc, Side.Sell, Usd(100_020m), Btcs(1m), clientOrderId: 12));
        Send(Cmd.Limit(2, Btc, Side.Buy, Usd(99_990m), Btcs(0.7m), clientOrderId: 21));
        Send(Cmd.Limit(3, Btc, Side.Buy, Usd(100_020m), Btcs(0.8m), clientOrderId: 31));       // sweeps two levels
        Send(Cmd.Limit(3, Btc, Side.Buy, Usd(100_000m), Btcs(0.3m), clientOrderId: 32, flags: OrderFlags.PostOnly));
        Send(Cmd.Limit(2, Btc, Side.Sell, Usd(99_000m), Btcs(0.2m), clientOrderId: 22, flags: OrderFlags.PostOnly)); // would take: rejected
        Send(Cmd.Market(2, Btc, Side.Sell, Btcs(2m), clientOrderId: 23));                       // IOC inside the 5% band
        Send(Cmd.Limit(1, Btc, Side.Buy, Usd(120_000m), Btcs(0.1m)));                          // outside the band
        Send(Cmd.Limit(1, Btc, Side.Buy, Usd(100_000.05m), Btcs(0.1m)));                       // off tick
        Send(Cmd.QueryBook(Btc, depth: 5));
        Send(Cmd.QueryAccount(1));
        Send(Cmd.MassCancel(1));
        Send(Cmd.QueryBook(Btc, depth: 5));

        // The seed article's trade-off: the same portfolio, isolated (account 11) and cross (account 12),
        // through the same shock. Long 1 BTC at 100,000 and short 30 ETH at 3,000, 25,000 USD each, 10x.
        Send(Cmd.AddInstrument(Eth, Tick / 10, Lot, Btcs(10_000), makerFeePpm: 200, takerFeePpm: 500, bandBps: 5_000, maxLeverage: 100));
        Send(Cmd.AddTier(Eth, 0, 1_000_000L * FixedPoint.MoneyScale, 5_000, 100));
        Send(Cmd.Deposit(0, 0, Money(1_000_000m))); // insurance fund: 1,000,000 USD
        Send(Cmd.CreateAccount(20));
        Send(Cmd.Deposit(20, 0, Money(10_000_000m)));
        Send(Cmd.MarkPrice(Eth, Usd(3_000m)));
        Send(Cmd.MassCancel(3));
        foreach (var (account, mode) in new[] { (11, MarginMode.Isolated), (12, MarginMode.Cross) })
        {
            Send(Cmd.CreateAccount(account));
            Send(Cmd.Deposit(account, 0, Money(25_000m)));
            foreach (var i in new[] { Btc, Eth })
            {
                Send(Cmd.SetMarginMode(account, i, mode));
                Send(Cmd.SetLeverage(account, i, 10));
            }
            Send(Cmd.Limit(20, Btc, Side.Sell, Usd(100_000m), Btcs(1m)));
            Send(Cmd.Limit(account, Btc, Side.Buy, Usd(100_000m), Btcs(1m)));
            Send(Cmd.Limit(20, Eth, Side.Buy, Usd(3_000m), Btcs(30m)));
            Send(Cmd.Limit(account, Eth, Side.Sell, Usd(3_000m), Btcs(30m)));
        }
        Send(Cmd.QueryAccount(11, requestId: 1));
        Send(Cmd.QueryAccount(12, requestId: 1));
        Send(Cmd.MarkPrice(Btc, Usd(75_000m)));   // the shock: BTC −25%
        Send(Cmd.QueryAccount(11, requestId: 2));
        Send(Cmd.QueryAccount(12, requestId: 2));

        if (!pipeline.Drain(TimeSpan.FromSeconds(30)))
        {
            output.WriteLine("engine did not drain within 30 s");
            return 1;
        }
        pipeline.Stop(TimeSpan.FromSeconds(10));
        output.WriteLine();
        output.WriteLine("the same shock (BTC 100,000 → 75,000), isolated vs cross:");
        output.WriteLine($"  {"",-22}{"isolated (account 11)",-34}{"cross (account 12)",-34}");
        foreach (var request in new[] { 1L, 2L })
        {
            output.WriteLine($"  {(request == 1 ? "before" : "after"),-22}{printer.Summary(11, request),-34}{printer.Summary(12, request),-34}");
        }
        output.WriteLine("  isolated lost its BTC leg and kept ETH; cross lost everything: the trade-off of the seed article");
        output.WriteLine();
        output.WriteLine($"commands {pipeline.Logic.CommandsProcessed}, events {printer.Count}, open orders {pipeline.Logic.OpenOrderCount}");
        output.WriteLine($"state hash {pipeline.Logic.StateHash():x16}  event hash {pipeline.Logic.EventHash:x16}");
        return 0;
    }

    /// <summary>Prints each event as the publisher thread receives it.</summary>
    internal sealed class PrintingPublisher(TextWriter output) : IValueEventHandler<OutputEvent>
    {
        public long Count { get; private set; }

        private readonly Dictionary<(int Account, long Request), List<OutputEvent>> _rows = new();

        public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch)
        {
            Count++;
            output.WriteLine(EventText.Format(data));
            if (data.Type is EventType.AccountRisk or EventType.Position && data.ClientOrderId != 0)
            {
                var key = (data.AccountId, data.ClientOrderId);
                if (!_rows.TryGetValue(key, out var list)) _rows[key] = list = new List<OutputEvent>();
                list.Add(data);
            }
        }

        /// <summary>Equity and positions of an account as answered to query <paramref name="request"/>.</summary>
        public string Summary(int account, long request)
        {
            if (!_rows.TryGetValue((account, request), out var rows)) return "-";
            var risk = rows.Find(e => e.Type == EventType.AccountRisk);
            var legs = rows.FindAll(e => e.Type == EventType.Position)
                .ConvertAll(e => $"{(e.Side == Side.Buy ? "+" : "-")}{EventText.Quantity(e.Quantity)} {(e.InstrumentId == Btc ? "BTC" : "ETH")}");
            return $"eq {EventText.Money(risk.Equity)}, {(legs.Count == 0 ? "flat" : string.Join(" ", legs))}";
        }
    }
}
