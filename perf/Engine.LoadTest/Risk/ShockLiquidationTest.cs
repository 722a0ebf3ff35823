using System.Diagnostics;
using System.Globalization;
using Engine.Commands;
using Engine.Events;
using Engine.LoadTest.Support;
using Engine.Logic;

namespace Engine.LoadTest.Risk;

/// <summary>
/// A 20% mark shock over 100K positions that puts a tenth of them at or below maintenance: the time the one
/// MarkPrice command takes to bring every account back to a healthy state, and what the liquidation did.
/// </summary>
/// <remarks>
/// <code>
///   instrument 1      BTCUSD-like (see RiskPopulation): mark 100,000 USD, brackets 0.4/0.5/1/2.5%, band 50%
///   accounts 1..P     pairs: 2p+1 long, 2p+2 short, same size, log-uniform 1..20,000 lots (100 USD .. 2M USD),
///                     entry 100,000 ± 50 USD; modes half isolated, half cross, at random
///   weak longs        a fifth of the longs (a tenth of all positions): isolated at leverage 5..10, or cross with
///                     equity of 1/5..1/10 of the notional; a 20% fall leaves them at or below maintenance
///   strong longs      leverage (or equity) 2..4: a 20% fall leaves 5% of the notional or more, far above maintenance
///   shorts            leverage 2..10: they gain
///   open orders       cross weak and strong longs above 20k USD rest a 1-lot bid at 70,000 (liquidation cancels it)
///   market makers     10 accounts funded with 1e10 USD: 1,001 bid levels 90,000 .. 80,000 (every 10 USD) holding
///                     80% of the weak longs' quantity, 100 ask levels 100,100 .. 110,000
///   insurance fund    account 0: 1e9 USD ("funded"), or nothing ("empty": every takeover becomes auto-deleveraging)
///   shock             MarkPrice 80,000 USD: re-margin, then liquidate every weak long: cancel its orders, an IOC at
///                     the bankruptcy price into the bids, takeover by the fund (or ADL) for what the book leaves
/// </code>
/// Measured: the one <c>Process(MarkPrice)</c> call (its events are flushed to a counting sink inside it whenever
/// the 512-event buffer fills; the last flush is timed apart). Each run starts from a fresh engine; the first
/// runs of each scenario are warm-up (the liquidation path is cold code until it has run thousands of times), and
/// every run must end in the same state hash. Afterwards <c>ExchangeLogic.ValidateInvariants()</c> checks money
/// conservation, Σ long = Σ short, every cached aggregate against a recomputation, and that no account or isolated
/// position is left at or below maintenance.
/// </remarks>
public sealed class ShockLiquidationTest : ILoadTest
{
    private const long ShockTicks = 800_000; // 80,000 USD
    private const long WeakFarBidMinNotionalUsd = 20_000;

    /// <inheritdoc />
    public string Name => "risk-shock";

    /// <inheritdoc />
    public string Description => "20% mark shock over 100K positions, a tenth liquidated into the book: time to a healthy state, liquidation counts, invariants";

    /// <inheritdoc />
    public int RequiredProcessorCount => 1;

    /// <inheritdoc />
    public int Run(LoadTestOptions options)
    {
        var positions = options.Positions ?? (options.Quick ? 20_000 : 100_000);
        positions -= positions % 20;
        var runs = options.Runs;
        var failures = new List<string>();
        Console.WriteLine($"== {Name}: {Description}");
        foreach (var line in MachineInfo.Describe()) Console.WriteLine(line);
        Console.WriteLine($"options           positions {positions:N0}, measured runs: funded {runs} after 2 warm-up runs, adl 1 after 1, seed {options.Seed}{(options.Quick ? ", quick" : "")}");
        Console.WriteLine();

        (string Id, string Title, long FundUsd, bool Bids, int Runs)[] scenarios =
        [
            ("funded", "market makers' bids absorb the liquidation orders, insurance fund 1e9 USD takes over the rest", 1_000_000_000, true, runs),
            ("adl", "no bids below the mark and an empty insurance fund: every liquidation is auto-deleveraged", 0, false, 1),
        ];
        var results = new List<string>();
        foreach (var (id, title, fundUsd, bids, scenarioRuns) in scenarios)
        {
            if (options.Scenario != null && !string.Equals(options.Scenario, id, StringComparison.OrdinalIgnoreCase)) continue;
            Console.WriteLine($"-- scenario {id}: {title}");
            var times = new List<double>();
            ulong? stateHash = null;
            Outcome? last = null;
            var warmups = scenarioRuns == runs ? 2 : 1;
            for (var run = -warmups; run < scenarioRuns; run++)
            {
                var outcome = RunOnce(positions, options.Seed, fundUsd, bids, validate: run == scenarioRuns - 1 || run == -warmups);
                var label = run < 0 ? $"warm-up {run + warmups + 1}" : $"run {run + 1}";
                Console.WriteLine($"{label,-10} shock {outcome.ShockMs,9:F3} ms (+ last flush {outcome.FlushMs:F3} ms)  GC {outcome.Gc.Collections}, allocated {outcome.Gc.AllocatedBytes:N0} B  " +
                    $"setup {outcome.BuildSeconds:F1} s{(outcome.Invariants != null ? $", invariants: {outcome.Invariants}" : "")}");
                if (outcome.Invariants is not (null or "all hold")) failures.Add($"{id} {label}: {outcome.Invariants}");
                if (outcome.Problem != null) failures.Add($"{id} {label}: {outcome.Problem}");
                if (stateHash != null && stateHash != outcome.StateHash) failures.Add($"{id} {label}: state hash differs from the previous run (not deterministic)");
                stateHash = outcome.StateHash;
                if (run >= 0) times.Add(outcome.ShockMs);
                else Thread.Sleep(200); // lets the tiered JIT install the optimized liquidation path
                last = outcome;
            }
            times.Sort();
            var median = times[times.Count / 2];
            var o = last!;
            Console.WriteLine($"median of {times.Count}: {median:F3} ms (min {times[0]:F3}, max {times[^1]:F3}); per liquidated position {median * 1e3 / Math.Max(1, o.Started):F1} µs");
            Console.WriteLine(o.Describe());
            Console.WriteLine();
            results.Add(string.Create(CultureInfo.InvariantCulture,
                $"RESULT test=risk-shock scenario={id} positions={positions} shock_ms_median={median:F3} shock_ms_min={times[0]:F3} shock_ms_max={times[^1]:F3} " +
                $"below_maintenance={o.ExpectedWeak} liquidations={o.Started} liquidation_orders={o.Orders} liquidation_fills={o.BookFills} " +
                $"takeovers={o.Takeovers} adl={o.Adl} canceled={o.Cancels} events={o.Events} alloc_bytes={o.Gc.AllocatedBytes} gc={o.Gc.Collections}"));
        }

        Console.WriteLine("-- verdict");
        foreach (var f in failures) Console.WriteLine($"FAILED: {f}");
        var status = failures.Count == 0 ? "PASS" : "FAILED";
        foreach (var r in results) Console.WriteLine($"{r} status={status}");
        return failures.Count == 0 ? 0 : 1;
    }

    private static Outcome RunOnce(int positions, int seed, long fundUsd, bool bids, bool validate)
    {
        var sw = Stopwatch.StartNew();
        var built = ShockPopulation.Build(positions, seed, fundUsd, bids);
        var buildSeconds = sw.Elapsed.TotalSeconds;
        var logic = built.Logic;
        var events = built.Events;
        string? problem = null;
        if (validate)
        {
            var before = logic.ValidateInvariants();
            if (before != null) problem = $"before the shock: {before}";
        }
        events.Reset();
        var fundBefore = logic.Accounts.Balance[0];
        var shock = Cmd.MarkPrice(1, ShockTicks * RiskPopulation.TickSize);
        var window = MeasuredWindow.Begin();
        var t0 = Stopwatch.GetTimestamp();
        logic.Process(ref shock, built.NextSequence);
        var t1 = Stopwatch.GetTimestamp();
        logic.FlushEvents();
        var t2 = Stopwatch.GetTimestamp();
        var gc = window.End();
        var toMs = 1e3 / Stopwatch.Frequency;
        var outcome = new Outcome
        {
            ShockMs = (t1 - t0) * toMs,
            FlushMs = (t2 - t1) * toMs,
            Gc = gc,
            BuildSeconds = buildSeconds,
            Problem = problem,
            ExpectedWeak = built.WeakLongs,
            Positions = positions,
            Started = events.ByStep[(int)LiquidationStep.IsolatedStarted] + events.ByStep[(int)LiquidationStep.CrossStarted],
            IsolatedStarted = events.ByStep[(int)LiquidationStep.IsolatedStarted],
            CrossStarted = events.ByStep[(int)LiquidationStep.CrossStarted],
            Orders = events.ByStep[(int)LiquidationStep.Order],
            BookFills = events.LiquidationBookFills,
            Takeovers = events.ByStep[(int)LiquidationStep.Takeover],
            Adl = events.ByStep[(int)LiquidationStep.AutoDeleverage],
            FundTransfers = events.ByStep[(int)LiquidationStep.FundTransfer],
            Completed = events.ByStep[(int)LiquidationStep.Completed],
            Cancels = events.LiquidationCancels,
            TransferFills = events.TransferFills,
            Events = events.ByType.Sum(),
            Rejected = events.Rejected,
            FundBefore = fundBefore,
            FundAfter = logic.Accounts.Balance[0],
            FundLots = FundLots(logic),
            FundReceived = events.FundReceived,
            FundPaid = events.FundPaid,
            BidLotsBefore = built.BidLots,
            WeakLots = built.WeakLots,
        };
        if (outcome.Rejected != 0) outcome.Problem ??= $"the shock was rejected ({events.FirstReject.Code})";
        if (outcome.Started != built.WeakLongs)
            outcome.Problem ??= $"{outcome.Started:N0} liquidations started, {built.WeakLongs:N0} positions were built to fall to maintenance";
        if (validate)
        {
            outcome.Invariants = logic.ValidateInvariants() ?? "all hold";
        }
        outcome.StateHash = logic.StateHash();
        return outcome;
    }

    private static long FundLots(ExchangeLogic logic)
    {
        var row = logic.Positions.Find(ExchangeLogic.InsuranceAccount, 1);
        return row == 0 ? 0 : logic.Positions.Lots[row];
    }

    private sealed class Outcome
    {
        public double ShockMs;
        public double FlushMs;
        public GcReport Gc;
        public double BuildSeconds;
        public string? Problem;
        public string? Invariants;
        public ulong StateHash;
        public int Positions;
        public long ExpectedWeak;
        public long Started;
        public long IsolatedStarted;
        public long CrossStarted;
        public long Orders;
        public long BookFills;
        public long Takeovers;
        public long Adl;
        public long FundTransfers;
        public long Completed;
        public long Cancels;
        public long TransferFills;
        public long Events;
        public long Rejected;
        public long FundBefore;
        public long FundAfter;
        public long FundLots;
        public long FundReceived;
        public long FundPaid;
        public long BidLotsBefore;
        public long WeakLots;

        public string Describe() =>
            $"positions {Positions:N0}; built to fall to maintenance {ExpectedWeak:N0} ({100.0 * ExpectedWeak / Positions:F1}%, {WeakLots:N0} lots; bids below the old mark {BidLotsBefore:N0} lots)\n" +
            $"liquidations started {Started:N0} (isolated {IsolatedStarted:N0}, cross {CrossStarted:N0}), completed {Completed:N0}\n" +
            $"liquidation orders {Orders:N0}, their fills through the book {BookFills:N0}, orders canceled by liquidation {Cancels:N0}\n" +
            $"takeovers by the fund {Takeovers:N0}, auto-deleveraging events {Adl:N0} (transfer fills {TransferFills:N0}), fund transfers {FundTransfers:N0}\n" +
            $"insurance fund: {FundBefore / 1e6:N0} → {FundAfter / 1e6:N0} USD (received {FundReceived / 1e6:N0}, paid {FundPaid / 1e6:N0}), position {FundLots / 1000.0:N3} BTC; events {Events:N0}";
    }

    /// <summary>The population of the shock (see the remarks of the test).</summary>
    private sealed class ShockPopulation
    {
        public required ExchangeLogic Logic { get; init; }
        public required RiskEventCounter Events { get; init; }
        public required long NextSequence { get; init; }
        public required int WeakLongs { get; init; }
        public required long WeakLots { get; init; }
        public required long BidLots { get; init; }

        public static ShockPopulation Build(int positions, int seed, long fundUsd, bool bids)
        {
            const int makers = 10;
            var events = new RiskEventCounter();
            var logic = new ExchangeLogic(RiskPopulation.CreateConfig(positions + makers, 1, extraOrders: positions), events);
            long sequence = 0;
            void Apply(Command c) => logic.Process(ref c, ++sequence);
            const long v = 100; // money per lot per tick: 0.1 USD × 0.001
            static long Usd(long usd) => RiskPopulation.Usd(usd);
            static long CeilDiv(long a, long b) => (a + b - 1) / b;
            static long Fee(long notional) => CeilDiv(notional * 500, 1_000_000);

            foreach (var c in RiskPopulation.Instrument(1, bandBps: 5_000, ladderLog2: 20)) Apply(c);
            if (fundUsd > 0) Apply(Cmd.Deposit(ExchangeLogic.InsuranceAccount, 0, Usd(fundUsd)));

            var rng = new Random(seed);
            var pairs = positions / 2;
            var weak = new bool[pairs];
            for (var p = 0; p < pairs / 5; p++) weak[p] = true;
            rng.Shuffle(weak);
            var farBids = new List<int>();
            long weakLots = 0;
            var trades = new List<(int Pair, long Lots, long Ticks)>(pairs);
            for (var p = 0; p < pairs; p++)
            {
                var lots = Math.Clamp((long)Math.Exp(rng.NextDouble() * Math.Log(20_001)), 1, 20_000);
                var ticks = RiskPopulation.BaseMarkTicks + (p % 201 - 100) * 5;
                var notional = lots * ticks * v;
                trades.Add((p, lots, ticks));
                if (weak[p]) weakLots += lots;

                // the long: leverage (isolated) or notional / equity (cross) 5..10 when weak, 2..4 when strong
                var longAccount = 2 * p + 1;
                var longIsolated = rng.Next(2) == 0;
                var longLeverage = weak[p] ? rng.Next(5, 11) : rng.Next(2, 5);
                Apply(Cmd.CreateAccount(longAccount));
                if (longIsolated)
                {
                    Apply(Cmd.Deposit(longAccount, 0, CeilDiv(notional, longLeverage) + Fee(notional) + Usd(1)));
                    Apply(Cmd.SetMarginMode(longAccount, 1, MarginMode.Isolated));
                    Apply(Cmd.SetLeverage(longAccount, 1, (ushort)longLeverage));
                }
                else
                {
                    var farBid = notional >= Usd(WeakFarBidMinNotionalUsd);
                    if (farBid) farBids.Add(longAccount);
                    Apply(Cmd.Deposit(longAccount, 0, CeilDiv(notional, longLeverage) + Fee(notional) + notional / 2_000 + (farBid ? Usd(5) : 0)));
                    Apply(Cmd.SetLeverage(longAccount, 1, 20));
                }

                // the short: leverage 2..10, margin to spare
                var shortAccount = 2 * p + 2;
                var shortLeverage = rng.Next(2, 11);
                Apply(Cmd.CreateAccount(shortAccount));
                Apply(Cmd.Deposit(shortAccount, 0, CeilDiv(notional, shortLeverage) + Fee(notional) + notional / 100 + Usd(1)));
                if (rng.Next(2) == 0)
                {
                    Apply(Cmd.SetMarginMode(shortAccount, 1, MarginMode.Isolated));
                    Apply(Cmd.SetLeverage(shortAccount, 1, (ushort)shortLeverage));
                }
                else
                {
                    Apply(Cmd.SetLeverage(shortAccount, 1, 20));
                }
            }
            foreach (var (p, lots, ticks) in trades)
            {
                Apply(Cmd.Limit(2 * p + 2, 1, Side.Sell, ticks * RiskPopulation.TickSize, lots * RiskPopulation.LotSize));
                Apply(Cmd.Limit(2 * p + 1, 1, Side.Buy, ticks * RiskPopulation.TickSize, lots * RiskPopulation.LotSize, tif: TimeInForce.ImmediateOrCancel));
            }
            foreach (var a in farBids) Apply(Cmd.Limit(a, 1, Side.Buy, 70_000 * FixedPoint.PriceScale, RiskPopulation.LotSize));

            var firstMaker = positions + 1;
            for (var m = 0; m < makers; m++)
            {
                Apply(Cmd.CreateAccount(firstMaker + m));
                Apply(Cmd.Deposit(firstMaker + m, 0, Usd(10_000_000_000)));
                Apply(Cmd.SetLeverage(firstMaker + m, 1, 10));
            }
            var bidLevels = bids ? 1_001 : 0;
            var perLevel = Math.Max(1, weakLots * 4 / 5 / 1_001);
            for (var level = 0; level < bidLevels; level++)
            {
                var ticks = 900_000 - level * 100; // 90,000 .. 80,000 USD
                Apply(Cmd.Limit(firstMaker + level % makers, 1, Side.Buy, ticks * RiskPopulation.TickSize, perLevel * RiskPopulation.LotSize));
            }
            for (var level = 0; level < 100; level++)
            {
                var ticks = 1_001_000 + level * 1_000; // 100,100 .. 110,000 USD
                Apply(Cmd.Limit(firstMaker + level % makers, 1, Side.Sell, ticks * RiskPopulation.TickSize, 10_000 * RiskPopulation.LotSize));
            }
            logic.FlushEvents();
            events.ThrowIfRejectedOrLiquidated("building the shock population");
            return new ShockPopulation
            {
                Logic = logic,
                Events = events,
                NextSequence = sequence + 1,
                WeakLongs = pairs / 5,
                WeakLots = weakLots,
                BidLots = perLevel * bidLevels,
            };
        }
    }
}
