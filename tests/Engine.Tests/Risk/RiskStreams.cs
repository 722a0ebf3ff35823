using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Engine.Tests.Support;

namespace Engine.Tests.Risk;

/// <summary>How the insurance fund (account 0) starts: empty (every shortfall goes to ADL), small (runs dry), or ample.</summary>
public enum FundMode { Empty, Small, Funded }

/// <summary>
/// The shape of one random risk stream: its seed, number of accounts (two market makers, the rest traders), number
/// of steps, how the insurance fund starts, whether the ETH-like instrument has maintenance tiers, the share of
/// (account, instrument) pairs in isolated mode, and whether marks exist from the start.
/// </summary>
public sealed record RiskScenario(int Seed, int Accounts, int Steps, FundMode Fund, bool EthTiers, int IsolatedPercent, bool MarksFromStart)
{
    public override string ToString() =>
        $"RiskScenario(seed {Seed}, accounts {Accounts}, steps {Steps}, fund {Fund}, ethTiers {EthTiers}, isolated {IsolatedPercent}%, marks {MarksFromStart})";
}

/// <summary>Thrown by the checker when a property of a risk stream does not hold; the message starts with its kind.</summary>
public sealed class RiskPropertyException(string message) : Exception(message);

/// <summary>What a stream did: its commands, final hashes and the counts the tests report.</summary>
public sealed class RiskStreamResult
{
    public required Command[] Commands { get; init; }
    public ulong StateHash { get; init; }
    public ulong EventHash { get; init; }
    public long Events { get; init; }
    public required RiskStats Stats { get; init; }
}

/// <summary>Counters over one or many streams (thread-safe merge).</summary>
public sealed class RiskStats
{
    private readonly object _gate = new();

    public long Commands { get; private set; }
    public long Fills { get; private set; }
    public long LiquidationEvents { get; private set; }
    public long IsolatedLiquidations { get; private set; }
    public long CrossLiquidations { get; private set; }
    public long LiquidationOrderFills { get; private set; }
    public long Takeovers { get; private set; }
    public long AutoDeleverages { get; private set; }
    public long FundTransfers { get; private set; }
    public long FundPayments { get; private set; }
    public long LiquidationCancels { get; private set; }
    public long Streams { get; private set; }
    public long StreamsWithLiquidation { get; private set; }
    public long StreamsWithAdl { get; private set; }
    public long StreamsWithTakeover { get; private set; }
    public long MinFundBalance { get; private set; }
    public long MinFundEquity { get; private set; }
    public long ReduceOnlyRefusedForMargin { get; set; }
    public long WrappedLiquidationPrices { get; set; }
    public long DebtObservations { get; private set; }
    public long LargestDebt { get; private set; }
    public Dictionary<RejectCode, long> Rejects { get; } = new();

    public void ObserveDebt(long collateral)
    {
        DebtObservations++;
        LargestDebt = Math.Max(LargestDebt, -collateral);
    }

    public void Observe(OutputEvent e)
    {
        switch (e.Type)
        {
            case EventType.Fill:
                Fills++;
                if ((e.Flags & EventFlags.Liquidation) != 0 && e.OrderId != 0) LiquidationOrderFills++;
                break;
            case EventType.Canceled when e.CancelReason == CancelReason.Liquidation:
                LiquidationCancels++;
                break;
            case EventType.Rejected:
                Rejects[e.RejectCode] = Rejects.GetValueOrDefault(e.RejectCode) + 1;
                break;
            case EventType.Liquidation:
                LiquidationEvents++;
                switch (e.LiquidationStep)
                {
                    case LiquidationStep.IsolatedStarted: IsolatedLiquidations++; break;
                    case LiquidationStep.CrossStarted: CrossLiquidations++; break;
                    case LiquidationStep.Takeover: Takeovers++; break;
                    case LiquidationStep.AutoDeleverage: AutoDeleverages++; break;
                    case LiquidationStep.FundTransfer:
                        FundTransfers++;
                        if (e.Maintenance < 0) FundPayments++;
                        break;
                }
                break;
        }
    }

    public void CountCommand() => Commands++;

    public void ObserveFund(long balance, long equity)
    {
        MinFundBalance = Math.Min(MinFundBalance, balance);
        MinFundEquity = Math.Min(MinFundEquity, equity);
    }

    public void EndStream()
    {
        Streams = 1;
        StreamsWithLiquidation = LiquidationEvents > 0 ? 1 : 0;
        StreamsWithAdl = AutoDeleverages > 0 ? 1 : 0;
        StreamsWithTakeover = Takeovers > 0 ? 1 : 0;
    }

    public void Add(RiskStats other)
    {
        lock (_gate)
        {
            Commands += other.Commands;
            Fills += other.Fills;
            LiquidationEvents += other.LiquidationEvents;
            IsolatedLiquidations += other.IsolatedLiquidations;
            CrossLiquidations += other.CrossLiquidations;
            LiquidationOrderFills += other.LiquidationOrderFills;
            Takeovers += other.Takeovers;
            AutoDeleverages += other.AutoDeleverages;
            FundTransfers += other.FundTransfers;
            FundPayments += other.FundPayments;
            LiquidationCancels += other.LiquidationCancels;
            Streams += other.Streams;
            StreamsWithLiquidation += other.StreamsWithLiquidation;
            StreamsWithAdl += other.StreamsWithAdl;
            StreamsWithTakeover += other.StreamsWithTakeover;
            MinFundBalance = Math.Min(MinFundBalance, other.MinFundBalance);
            MinFundEquity = Math.Min(MinFundEquity, other.MinFundEquity);
            ReduceOnlyRefusedForMargin += other.ReduceOnlyRefusedForMargin;
            WrappedLiquidationPrices += other.WrappedLiquidationPrices;
            DebtObservations += other.DebtObservations;
            LargestDebt = Math.Max(LargestDebt, other.LargestDebt);
            foreach (var (code, n) in other.Rejects) Rejects[code] = Rejects.GetValueOrDefault(code) + n;
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var rejects = string.Join(", ", Rejects.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));
            return $"{Streams} streams, {Commands} commands, {Fills} fills; liquidations in {StreamsWithLiquidation} streams " +
                $"(isolated {IsolatedLiquidations}, cross {CrossLiquidations}, liquidation-order fills {LiquidationOrderFills}, " +
                $"takeovers {Takeovers} in {StreamsWithTakeover} streams, ADL {AutoDeleverages} in {StreamsWithAdl} streams, " +
                $"fund transfers {FundTransfers} of which the fund paid {FundPayments}, orders canceled {LiquidationCancels}; {LiquidationEvents} liquidation events); " +
                $"lowest fund balance {Money(MinFundBalance)} USD, lowest fund equity {Money(MinFundEquity)} USD; " +
                $"reduce-only orders refused for margin {ReduceOnlyRefusedForMargin}; liquidation orders with a wrapped price " +
                $"{WrappedLiquidationPrices}; flat accounts left in debt: {DebtObservations} " +
                $"command-accounts, largest {Money(LargestDebt)} USD; rejects: {rejects}";
        }
    }

    private static string Money(long m) => (m / (decimal)FixedPoint.MoneyScale).ToString("0.######", CultureInfo.InvariantCulture);
}

/// <summary>
/// Random command streams for the risk engine: two instruments (BTC-like with maintenance tiers, ETH-like with or
/// without), market makers quoting around the mark, traders with modest collateral, random leverage and margin
/// modes, a haircut collateral asset that depegs, random-walk marks with shocks, and the insurance fund empty,
/// small or ample. Every command's events go through <see cref="RiskChecker"/>.
/// </summary>
/// <remarks>
/// The stream is generated online: the generator reads the engine's state (open orders, positions, marks) to name
/// real orders and steer reduce-only orders and margin adjustments, so the recorded commands replay identically.
/// </remarks>
public sealed class RiskStreamGenerator
{
    public const int Btc = 1;
    public const int Eth = 2;
    public const int Coin = 1; // the collateral asset
    public const long BtcTick = 10_000_000;  // 0.1 USD
    public const long BtcLot = 100_000;      // 0.001 BTC
    public const long EthTick = 1_000_000;   // 0.01 USD
    public const long EthLot = 1_000_000;    // 0.01 ETH
    public const long BtcStartTicks = 10_000; // 1,000 USD
    public const long EthStartTicks = 5_000;  // 50 USD
    public const int MarketMakers = 2;

    private static readonly ushort[] _leverages = [1, 2, 3, 5, 10, 15, 20, 25, 33, 50, 75, 100];

    private readonly RiskScenario _scenario;
    private readonly Random _random;
    private readonly LogicHarness _harness;
    private readonly RiskChecker _checker;
    private readonly List<Command> _commands = new();
    private readonly long[] _mark = new long[3];
    private long _coinPrice = FixedPoint.PriceScale;
    private bool _marksSent;

    private RiskStreamGenerator(RiskScenario scenario)
    {
        _scenario = scenario;
        _random = new Random(scenario.Seed);
        // every invariant of the engine after every command
        _harness = new LogicHarness(new EngineConfig { InitialOrders = 1024, InitialAccounts = 64, EventBufferSize = 64 }, checkInvariants: true);
        _checker = new RiskChecker(_harness.Logic, strict: true);
    }

    private ExchangeLogic Logic => _harness.Logic;

    /// <summary>
    /// Generates and runs a stream. On a broken property, <paramref name="failure"/> says what broke and the result
    /// holds the commands up to and including the one that broke it.
    /// </summary>
    public static RiskStreamResult Run(RiskScenario scenario, out string? failure)
    {
        var generator = new RiskStreamGenerator(scenario);
        failure = null;
        try
        {
            generator.Setup();
            for (var step = 0; step < scenario.Steps; step++) generator.Step(step);
        }
        catch (RiskPropertyException e)
        {
            failure = e.Message;
        }
        catch (AssertionException e)
        {
            failure = "invariant: " + e.Message.Trim();
        }
        catch (Exception e)
        {
            failure = $"exception: {e.GetType().Name}: {e.Message} after command {generator._commands.Count}\n{e.StackTrace}";
        }
        generator._checker.Stats.EndStream();
        return new RiskStreamResult
        {
            Commands = generator._commands.ToArray(),
            StateHash = generator.Logic.StateHash(),
            EventHash = generator.Logic.EventHash,
            Events = generator.Logic.EventsEmitted,
            Stats = generator._checker.Stats,
        };
    }

    private List<OutputEvent> Send(Command cmd)
    {
        cmd.ReceiveTime = 1_700_000_000_000_000_000L + _commands.Count * 1_000L;
        cmd.SessionId = cmd.AccountId + 1;
        _commands.Add(cmd);
        _checker.Before(cmd);
        var events = _harness.Send(cmd);
        _checker.Check(_commands.Count, cmd, events);
        ObserveFund();
        return events;
    }

    private void SendExpectAccepted(Command cmd)
    {
        var response = Send(cmd)[0];
        if (response.Type != EventType.Accepted)
            throw new RiskPropertyException($"setup: {RiskRepro.Describe(cmd)} refused with {response.RejectCode} at command {_commands.Count}");
    }

    private void ObserveFund()
    {
        var logic = Logic;
        var balance = logic.Accounts.Balance[0];
        var equity = balance + logic.Accounts.CrossUpnl[0];
        _checker.Stats.ObserveFund(balance, equity);
    }

    private void Setup()
    {
        var s = _scenario;
        SendExpectAccepted(Cmd.AddInstrument(Btc, BtcTick, BtcLot, 20 * FixedPoint.QuantityScale, makerFeePpm: _random.Next(2) == 0 ? -100 : 200,
            takerFeePpm: 500, bandBps: 1_000, maxLeverage: 100, ladderLog2: 14));
        // Binance-like brackets, scaled down so that modest accounts cross them: (cap USD, mmr, max leverage)
        SendExpectAccepted(Cmd.AddTier(Btc, 0, Usd(5_000), 5_000, 100));
        SendExpectAccepted(Cmd.AddTier(Btc, 1, Usd(25_000), 10_000, 50));
        SendExpectAccepted(Cmd.AddTier(Btc, 2, Usd(100_000), 25_000, 20));
        SendExpectAccepted(Cmd.AddTier(Btc, 3, Usd(1_000_000), 50_000, 10));
        SendExpectAccepted(Cmd.AddInstrument(Eth, EthTick, EthLot, 2_000 * FixedPoint.QuantityScale, makerFeePpm: 0, takerFeePpm: 400,
            bandBps: 1_000, maxLeverage: 50, ladderLog2: 13));
        if (s.EthTiers)
        {
            SendExpectAccepted(Cmd.AddTier(Eth, 0, Usd(10_000), 8_000, 50));
            SendExpectAccepted(Cmd.AddTier(Eth, 1, Usd(50_000), 15_000, 25));
            SendExpectAccepted(Cmd.AddTier(Eth, 2, Usd(10_000_000), 40_000, 12));
        }
        SendExpectAccepted(Cmd.AddAsset(Coin, FixedPoint.PriceScale, _random.Next(1, 11) * 10_000)); // haircut 1-10%
        _mark[Btc] = BtcStartTicks * BtcTick;
        _mark[Eth] = EthStartTicks * EthTick;
        if (s.MarksFromStart) SendMarks();

        if (s.Fund == FundMode.Funded) SendExpectAccepted(Cmd.Deposit(0, 0, Usd(5_000_000)));
        else if (s.Fund == FundMode.Small) SendExpectAccepted(Cmd.Deposit(0, 0, Usd(_random.Next(20, 300))));

        for (var a = 1; a <= s.Accounts; a++)
        {
            SendExpectAccepted(Cmd.CreateAccount(a));
            var maker = a <= MarketMakers;
            SendExpectAccepted(Cmd.Deposit(a, 0, maker ? Usd(_random.Next(30_000, 80_000)) : Usd(_random.Next(60, 1_500))));
            if (!maker && _random.Next(100) < 40) SendExpectAccepted(Cmd.Deposit(a, Coin, Usd(_random.Next(50, 1_000))));
            foreach (var instrument in new[] { Btc, Eth })
            {
                var isolated = !maker && _random.Next(100) < s.IsolatedPercent;
                if (isolated || _random.Next(4) == 0)
                    SendExpectAccepted(Cmd.SetMarginMode(a, instrument, isolated ? MarginMode.Isolated : MarginMode.Cross));
                var max = instrument == Btc ? 100 : 50;
                var leverage = maker ? (ushort)_random.Next(3, 11) : _leverages[_random.Next(_leverages.Length)];
                if (leverage <= max) SendExpectAccepted(Cmd.SetLeverage(a, instrument, leverage));
            }
        }
    }

    private void SendMarks()
    {
        Send(Cmd.MarkPrice(Btc, _mark[Btc]));
        Send(Cmd.MarkPrice(Eth, _mark[Eth]));
        _marksSent = true;
    }

    private static long Usd(long dollars) => dollars * FixedPoint.MoneyScale;

    private static long TickOf(int instrument) => instrument == Btc ? BtcTick : EthTick;

    private static long LotOf(int instrument) => instrument == Btc ? BtcLot : EthLot;

    /// <summary>The engine's reference (mark, else last trade) in ticks, else the generator's mark.</summary>
    private long ReferenceTicks(int instrument)
    {
        var reference = Logic.Instruments.ReferenceTicks(instrument);
        return reference > 0 ? reference : _mark[instrument] / TickOf(instrument);
    }

    /// <summary>A price <paramref name="bps"/> basis points from the reference, on the tick grid, raw.</summary>
    private long PriceAt(int instrument, double bps)
    {
        var reference = ReferenceTicks(instrument);
        var ticks = (long)Math.Round(reference * (1 + bps / 10_000.0));
        return Math.Max(1, ticks) * TickOf(instrument);
    }

    private int Instrument() => _random.Next(3) == 0 ? Eth : Btc;

    private int Trader() => _random.Next(MarketMakers + 1, _scenario.Accounts + 1);

    private int AnyAccount() => _random.Next(1, _scenario.Accounts + 1);

    private long TraderLots(int instrument) => instrument == Btc
        ? _random.Next(4) == 0 ? _random.Next(100, 800) : _random.Next(1, 150)
        : _random.Next(4) == 0 ? _random.Next(100, 1_500) : _random.Next(1, 200);

    private long PositionLots(int account, int instrument)
    {
        var row = Logic.Positions.Find(account, instrument);
        return row == 0 ? 0 : Logic.Positions.Lots[row];
    }

    private List<(long Id, int Instrument, Side Side, long Leaves, long Ticks)> OpenOrders(int account)
    {
        var list = new List<(long, int, Side, long, long)>();
        var orders = Logic.Orders;
        for (var slot = Logic.Accounts.OrderHead[account]; slot != 0; slot = orders.AccNext[slot])
            list.Add((orders.IdOf(slot), orders.Rows[slot].Instrument, orders.SideOf(slot), orders.Rows[slot].Leaves, orders.Rows[slot].PriceTicks));
        return list;
    }

    private void Step(int step)
    {
        if (!_marksSent && step == 60) SendMarks();
        var roll = _random.Next(1_000);
        if (roll < 110) Quote();
        else if (roll < 330) TraderLimit();
        else if (roll < 400) TraderTaker();
        else if (roll < 440) ReduceOnly();
        else if (roll < 460) PostOnly();
        else if (roll < 530) CancelOne();
        else if (roll < 600) ReplaceOne();
        else if (roll < 610) Send(Cmd.MassCancel(AnyAccount(), _random.Next(2) == 0 ? Instrument() : null));
        else if (roll < 760) MarkStep(shock: false);
        else if (roll < 776) MarkStep(shock: true);
        else if (roll < 796) CoinPrice();
        else if (roll < 836) AdjustIsolated();
        else if (roll < 866) Withdraw();
        else if (roll < 886) Deposit();
        else if (roll < 906) Settings();
        else if (roll < 946) Send(Cmd.QueryAccount(_random.Next(8) == 0 ? 0 : AnyAccount(), step));
        else if (roll < 956) Send(Cmd.QueryBook(Instrument(), _random.Next(0, 6), step));
        else TraderLimit();
    }

    /// <summary>A market maker pulls its quotes in one instrument and posts three levels a side around the reference.</summary>
    private void Quote()
    {
        var maker = _random.Next(1, MarketMakers + 1);
        var instrument = Instrument();
        Send(Cmd.MassCancel(maker, instrument));
        var spread = _random.Next(2, 15);
        for (var level = 0; level < 3; level++)
        {
            var lots = instrument == Btc ? _random.Next(20, 600) : _random.Next(50, 1_500);
            var flags = _random.Next(4) == 0 ? OrderFlags.PostOnly : OrderFlags.None;
            Send(Cmd.Limit(maker, instrument, Side.Buy, PriceAt(instrument, -spread * (level + 1)), lots * LotOf(instrument), flags: flags));
            Send(Cmd.Limit(maker, instrument, Side.Sell, PriceAt(instrument, spread * (level + 1)), lots * LotOf(instrument), flags: flags));
        }
    }

    private void TraderLimit()
    {
        var account = Trader();
        var instrument = Instrument();
        var side = _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        // mostly passive on its own side; one in four crosses the spread
        var bps = _random.Next(4) == 0 ? _random.Next(0, 80) : -_random.Next(0, 60);
        var price = PriceAt(instrument, side == Side.Buy ? bps : -bps);
        Send(Cmd.Limit(account, instrument, side, price, TraderLots(instrument) * LotOf(instrument), _random.Next(),
            stp: (SelfTradeMode)_random.Next(3)));
    }

    private void TraderTaker()
    {
        var account = Trader();
        var instrument = Instrument();
        var side = _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var quantity = TraderLots(instrument) * LotOf(instrument);
        var kind = _random.Next(3);
        if (kind == 0) Send(Cmd.Market(account, instrument, side, quantity, _random.Next()));
        else
        {
            var bps = _random.Next(0, 120);
            Send(Cmd.Limit(account, instrument, side, PriceAt(instrument, side == Side.Buy ? bps : -bps), quantity, _random.Next(),
                kind == 1 ? TimeInForce.ImmediateOrCancel : TimeInForce.FillOrKill));
        }
    }

    private void ReduceOnly()
    {
        var account = Trader();
        var instrument = Instrument();
        var position = PositionLots(account, instrument);
        var side = position > 0 ? Side.Sell : position < 0 ? Side.Buy : _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var lots = position != 0 && _random.Next(4) != 0 ? Math.Max(1, Math.Abs(position) / _random.Next(1, 4)) : TraderLots(instrument);
        var bps = _random.Next(-40, 80);
        var price = PriceAt(instrument, side == Side.Buy ? bps : -bps);
        var tif = _random.Next(2) == 0 ? TimeInForce.GoodTillCancel : TimeInForce.ImmediateOrCancel;
        Send(_random.Next(4) == 0
            ? Cmd.Market(account, instrument, side, lots * LotOf(instrument), flags: OrderFlags.ReduceOnly)
            : Cmd.Limit(account, instrument, side, price, lots * LotOf(instrument), tif: tif, flags: OrderFlags.ReduceOnly));
    }

    private void PostOnly()
    {
        var account = AnyAccount();
        var instrument = Instrument();
        var side = _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var bps = _random.Next(-30, 10);
        Send(Cmd.Limit(account, instrument, side, PriceAt(instrument, side == Side.Buy ? bps : -bps), TraderLots(instrument) * LotOf(instrument),
            flags: OrderFlags.PostOnly));
    }

    private (int Account, (long Id, int Instrument, Side Side, long Leaves, long Ticks) Order)? PickOrder()
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var account = AnyAccount();
            var open = OpenOrders(account);
            if (open.Count > 0) return (account, open[_random.Next(open.Count)]);
        }
        return null;
    }

    private void CancelOne()
    {
        if (PickOrder() is { } pick) Send(Cmd.Cancel(pick.Account, pick.Order.Id, _random.Next()));
        else TraderLimit();
    }

    private void ReplaceOne()
    {
        if (PickOrder() is not { } pick)
        {
            TraderLimit();
            return;
        }
        var (id, instrument, side, leaves, ticks) = pick.Order;
        var lot = LotOf(instrument);
        long price;
        long quantity;
        switch (_random.Next(4))
        {
            case 0: // shrink in place
                price = 0;
                quantity = leaves > 1 ? _random.NextInt64(1, leaves) * lot : (leaves + 1) * lot;
                break;
            case 1: // grow
                price = 0;
                quantity = (leaves + _random.Next(1, 200)) * lot;
                break;
            case 2: // move, maybe through the book
            {
                var bps = _random.Next(-40, 60);
                price = PriceAt(instrument, side == Side.Buy ? bps : -bps);
                quantity = 0;
                break;
            }
            default:
            {
                var bps = _random.Next(-40, 40);
                price = PriceAt(instrument, bps);
                quantity = TraderLots(instrument) * lot;
                break;
            }
        }
        if (price == ticks * TickOf(instrument) && quantity == 0) quantity = (leaves + 1) * lot;
        Send(Cmd.Replace(pick.Account, id, price, quantity, _random.Next()));
    }

    private void MarkStep(bool shock)
    {
        var instrument = Instrument();
        var tick = TickOf(instrument);
        var start = (instrument == Btc ? BtcStartTicks : EthStartTicks) * tick;
        // shocks lean back toward the start once the mark is far from it, so that the books' windows keep up
        var away = _mark[instrument] / (double)start;
        var down = away > 1.15 ? _random.Next(3) != 0 : away < 0.87 ? _random.Next(3) == 0 : _random.Next(2) == 0;
        var move = shock ? (down ? -1 : 1) * _random.Next(1_000, 3_001) / 10_000.0 : _random.Next(-40, 41) / 10_000.0;
        var next = (long)(_mark[instrument] * (1 + move));
        // off the tick grid now and then: the engine values positions at the mark rounded to a tick
        if (_random.Next(3) == 0) next += _random.NextInt64(0, tick);
        _mark[instrument] = Math.Clamp(next, start / 2, start * 2);
        if (!_marksSent) return;
        Send(Cmd.MarkPrice(instrument, _mark[instrument]));
    }

    private void CoinPrice()
    {
        var roll = _random.Next(10);
        if (roll < 2) _coinPrice = FixedPoint.PriceScale * _random.Next(40, 96) / 100;         // depeg
        else if (roll < 5) _coinPrice = FixedPoint.PriceScale;                                  // back to par
        else _coinPrice = Math.Max(1, _coinPrice + _random.Next(-300_000, 300_001));           // drift
        Send(Cmd.AssetPrice(Coin, _coinPrice));
    }

    private void AdjustIsolated()
    {
        var account = Trader();
        var instrument = Instrument();
        var row = Logic.Positions.Find(account, instrument);
        var miso = row == 0 ? 0 : Logic.Positions.IsoMargin[row];
        long amount;
        if (_random.Next(2) == 0 || miso <= 0) amount = Usd(_random.Next(1, 300)) + _random.Next(1_000_000);
        else
        {
            // remove: often what is allowed, sometimes more
            var removable = Math.Min(miso, miso + Logic.Positions.Upnl[row] - Logic.Positions.Im[row]);
            amount = _random.Next(3) == 0 || removable <= 0 ? -Math.Max(1, miso / _random.Next(1, 4)) : -_random.NextInt64(1, removable + 1);
        }
        Send(Cmd.AdjustIsolatedMargin(account, instrument, amount));
    }

    private void Withdraw()
    {
        var account = _random.Next(10) == 0 ? AnyAccount() : Trader();
        var asset = _random.Next(3) == 0 ? Coin : 0;
        var balance = Logic.Accounts.Balance[account * Logic.Accounts.AssetCapacity + asset];
        var amount = balance > 1 && _random.Next(4) != 0 ? _random.NextInt64(1, balance / _random.Next(1, 4) + 1) : Usd(_random.Next(1, 500));
        Send(Cmd.Withdraw(account, asset, amount));
    }

    private void Deposit()
    {
        var account = _random.Next(20) == 0 && _scenario.Fund != FundMode.Empty ? 0 : Trader();
        Send(Cmd.Deposit(account, _random.Next(4) == 0 ? Coin : 0, Usd(_random.Next(10, 400)) + _random.Next(1_000_000)));
    }

    private void Settings()
    {
        var account = Trader();
        var instrument = Instrument();
        if (_random.Next(2) == 0) Send(Cmd.SetMarginMode(account, instrument, _random.Next(2) == 0 ? MarginMode.Isolated : MarginMode.Cross));
        else Send(Cmd.SetLeverage(account, instrument, (ushort)_random.Next(0, 110)));
    }
}

/// <summary>
/// Checks every command against its events and the engine's state: a single response first; rejections only with
/// codes that make sense for the command (and nothing after them); commands that cannot endanger an account
/// trigger no liquidation; every liquidation that starts completes in the same command; liquidation orders fill at
/// or better than their bankruptcy limit, without taker fee, and the fund or ADL take the rest at that limit; an
/// order that rests untouched, a withdrawal or a margin removal never leaves the account short of initial margin;
/// adding isolated margin never moves the liquidation price closer; an isolated liquidation never takes money from
/// the wallet; account query rows agree with each other and every reported liquidation price is on the safe side
/// of the mark.
/// </summary>
public sealed class RiskChecker(ExchangeLogic logic, bool strict)
{
    /// <summary>Reject codes a well-formed command of each type may get in these streams.</summary>
    private static readonly Dictionary<CommandType, RejectCode[]> _allowed = new()
    {
        [CommandType.PlaceOrder] =
        [
            RejectCode.InsufficientMargin, RejectCode.PriceOutsideBand, RejectCode.ReduceOnlyWouldIncrease, RejectCode.PostOnlyWouldTake,
            RejectCode.LeverageOutOfRange, RejectCode.NoReferencePrice,
        ],
        [CommandType.ReplaceOrder] =
        [
            RejectCode.InsufficientMargin, RejectCode.PriceOutsideBand, RejectCode.ReduceOnlyWouldIncrease, RejectCode.PostOnlyWouldTake,
            RejectCode.NothingToReplace,
        ],
        [CommandType.CancelOrder] = [],
        [CommandType.MassCancel] = [],
        [CommandType.MarkPrice] = [],
        [CommandType.AssetPrice] = [],
        [CommandType.Deposit] = [],
        [CommandType.Withdraw] = [RejectCode.InsufficientMargin, RejectCode.InsufficientBalance],
        [CommandType.AdjustIsolatedMargin] =
            [RejectCode.NoIsolatedPosition, RejectCode.InsufficientMargin, RejectCode.IsolatedMarginRemovalTooLarge],
        [CommandType.SetLeverage] = [RejectCode.PositionOrOrdersOpen, RejectCode.LeverageOutOfRange],
        [CommandType.SetMarginMode] = [RejectCode.PositionOrOrdersOpen],
        [CommandType.QueryAccount] = [],
        [CommandType.QueryBook] = [],
    };

    /// <summary>Commands after which no account may be liquidated: they only release or add margin, or are refused when they would not.</summary>
    private static readonly HashSet<CommandType> _neverLiquidate =
    [
        CommandType.CancelOrder, CommandType.MassCancel, CommandType.Deposit, CommandType.Withdraw, CommandType.AdjustIsolatedMargin,
        CommandType.SetLeverage, CommandType.SetMarginMode, CommandType.QueryAccount, CommandType.QueryBook,
    ];

    private long[] _usdBefore = [];
    private long _liquidationPriceBefore;

    public RiskStats Stats { get; } = new();

    /// <summary>Takes what <see cref="Check"/> compares against; call just before the command runs.</summary>
    public void Before(Command cmd)
    {
        var accounts = logic.Accounts;
        if (cmd.Type is CommandType.MarkPrice or CommandType.AssetPrice)
        {
            if (_usdBefore.Length < accounts.Capacity) _usdBefore = new long[accounts.Capacity];
            for (var a = 0; a < accounts.Capacity; a++) _usdBefore[a] = accounts.Exists[a] ? accounts.Balance[a * accounts.AssetCapacity] : 0;
        }
        if (cmd.Type == CommandType.AdjustIsolatedMargin && accounts.IsValid(cmd.AccountId))
        {
            var row = logic.Positions.Find(cmd.AccountId, cmd.InstrumentId);
            _liquidationPriceBefore = row == 0 ? 0 : logic.Positions.LiqPrice[row];
        }
    }

    public void Check(int index, Command cmd, List<OutputEvent> events)
    {
        Stats.CountCommand();
        foreach (var e in events) Stats.Observe(e);
        if (events.Count == 0) Fail("response", index, cmd, "no event");
        var response = events[0];
        if (response.Type != EventType.Accepted && response.Type != EventType.Rejected)
            Fail("response", index, cmd, $"first event is {response.Type}");
        if (response.Type == EventType.Rejected)
        {
            CheckRejection(index, cmd, events);
            return;
        }
        CheckLiquidationEvents(index, cmd, events);
        switch (cmd.Type)
        {
            case CommandType.QueryAccount:
                CheckAccountQuery(index, cmd, events);
                break;
            case CommandType.PlaceOrder when (cmd.Flags & OrderFlags.ReduceOnly) == 0 && !events.Exists(e => e.Type == EventType.Fill):
                // it reserved no more than was free, and nothing else moved
                if (FreeMargin(cmd.AccountId) < 0) Fail("free-margin", index, cmd, $"an order that traded nothing left free margin {FreeMargin(cmd.AccountId)}");
                break;
            case CommandType.Withdraw:
                if (FreeMargin(cmd.AccountId) < 0) Fail("free-margin", index, cmd, $"a withdrawal left free margin {FreeMargin(cmd.AccountId)}");
                break;
            case CommandType.AdjustIsolatedMargin:
                CheckAdjustment(index, cmd, response);
                break;
            case CommandType.MarkPrice or CommandType.AssetPrice:
                CheckIsolatedLossCap(index, cmd, events);
                break;
        }
        CheckDebts();
    }

    private void CheckRejection(int index, Command cmd, List<OutputEvent> events)
    {
        var code = events[0].RejectCode;
        if (events.Count != 1) Fail("response", index, cmd, $"a rejection ({code}) followed by {events.Count - 1} events");
        if (cmd.Type == CommandType.PlaceOrder && (cmd.Flags & OrderFlags.ReduceOnly) != 0 && code == RejectCode.InsufficientMargin)
            Stats.ReduceOnlyRefusedForMargin++;
        var allowed = _allowed.GetValueOrDefault(cmd.Type) ?? [];
        // a minimized stream may name orders that no longer exist (ids are engine-assigned)
        var lenient = !strict && cmd.Type is CommandType.CancelOrder or CommandType.ReplaceOrder
            && code is RejectCode.UnknownOrder or RejectCode.NotOrderOwner;
        if (Array.IndexOf(allowed, code) < 0 && !lenient) Fail($"reject-code {code}", index, cmd, $"{cmd.Type} refused with {code}");
    }

    private long FreeMargin(int account) =>
        logic.Accounts.Collateral[account] + logic.Accounts.CrossUpnl[account] - logic.Accounts.CrossIm[account] - logic.Accounts.OrderMargin[account];

    private void CheckLiquidationEvents(int index, Command cmd, List<OutputEvent> events)
    {
        var open = 0;
        var limit = 0L;
        var side = Side.Buy;
        var orderId = 0L;
        foreach (var e in events)
        {
            if (e.Type == EventType.Fill && (e.Flags & EventFlags.Liquidation) != 0 && e.OrderId != 0 && e.OrderId == orderId)
            {
                if (e.Fee != 0) Fail("liquidation-events", index, cmd, $"a liquidation order paid a taker fee {e.Fee}");
                if (side == Side.Sell ? e.Price < limit : e.Price > limit)
                    Fail("liquidation-events", index, cmd, $"a liquidation {side} filled at {e.Price}, beyond its bankruptcy limit {limit}");
            }
            if (e.Type != EventType.Liquidation) continue;
            if (_neverLiquidate.Contains(cmd.Type)) Fail("liquidation-events", index, cmd, $"an accepted {cmd.Type} liquidated account {e.AccountId}");
            switch (e.LiquidationStep)
            {
                case LiquidationStep.IsolatedStarted or LiquidationStep.CrossStarted:
                    open++;
                    break;
                case LiquidationStep.Completed:
                    if (--open < 0) Fail("liquidation-events", index, cmd, "Completed without a start");
                    break;
                case LiquidationStep.Order:
                    if (open == 0) Fail("liquidation-events", index, cmd, "a liquidation order outside a liquidation");
                    if (e.Price <= 0) Fail("liquidation-events", index, cmd, "a liquidation order without a positive limit price");
                    limit = e.Price;
                    side = e.Side;
                    orderId = e.OrderId;
                    break;
                case LiquidationStep.Takeover or LiquidationStep.AutoDeleverage:
                    // at the bankruptcy limit; a short with no finite bankruptcy price is taken at the reference price
                    if (e.Price != limit && !(side == Side.Buy && limit == long.MaxValue))
                        Fail("liquidation-events", index, cmd, $"{e.LiquidationStep} at {e.Price}, not at the bankruptcy limit {limit}");
                    break;
            }
        }
        if (open != 0) Fail("liquidation-events", index, cmd, $"{open} liquidation(s) started and not completed");
    }

    private void CheckAdjustment(int index, Command cmd, OutputEvent response)
    {
        var positions = logic.Positions;
        var row = positions.Find(cmd.AccountId, cmd.InstrumentId);
        var lots = positions.Lots[row];
        var after = response.Price;
        if (after != positions.LiqPrice[row]) Fail("isolated-margin", index, cmd, $"response liquidation price {after} != position's {positions.LiqPrice[row]}");
        if (cmd.Amount > 0)
        {
            var before = _liquidationPriceBefore;
            var closer = lots > 0 ? after > before : after < before && after != 0;
            if (closer) Fail("isolated-margin", index, cmd, $"adding margin moved the liquidation price closer: {before} -> {after}");
        }
        else if (positions.IsoMargin[row] + positions.Upnl[row] < positions.Im[row])
        {
            Fail("isolated-margin", index, cmd, $"a removal left margin {positions.IsoMargin[row]} + PnL {positions.Upnl[row]} below IM {positions.Im[row]}");
        }
    }

    /// <summary>An account liquidated only in isolated positions (not a maker or ADL counterparty, not cross-liquidated) loses nothing from its wallet.</summary>
    private void CheckIsolatedLossCap(int index, Command cmd, List<OutputEvent> events)
    {
        var isolated = new HashSet<int>();
        var excluded = new HashSet<int>();
        foreach (var e in events)
        {
            if (e.Type == EventType.Liquidation && e.LiquidationStep == LiquidationStep.IsolatedStarted) isolated.Add(e.AccountId);
            if (e.Type == EventType.Liquidation && e.LiquidationStep is LiquidationStep.CrossStarted or LiquidationStep.AutoDeleverage) excluded.Add(e.AccountId);
            if (e.Type == EventType.Fill && (e.Flags & EventFlags.Maker) != 0) excluded.Add(e.AccountId);
        }
        var accounts = logic.Accounts;
        foreach (var a in isolated)
        {
            if (excluded.Contains(a)) continue;
            var after = accounts.Balance[a * accounts.AssetCapacity];
            if (after < _usdBefore[a]) Fail("isolated-loss", index, cmd, $"an isolated liquidation took {_usdBefore[a] - after} from account {a}'s wallet");
        }
    }

    /// <summary>Counts flat accounts left with a debt (negative collateral and no position to liquidate).</summary>
    private void CheckDebts()
    {
        var accounts = logic.Accounts;
        for (var a = 1; a < accounts.Capacity; a++)
        {
            if (!accounts.Exists[a] || accounts.Collateral[a] >= 0 || accounts.CrossMm[a] != 0) continue;
            Stats.ObserveDebt(accounts.Collateral[a]);
        }
    }

    private static void CheckAccountQuery(int index, Command cmd, List<OutputEvent> events)
    {
        if (events[0].Count != events.Count - 1) Fail("query", index, cmd, $"announced {events[0].Count} rows, sent {events.Count - 1}");
        var risk = events[1];
        if (risk.Type != EventType.AccountRisk) Fail("query", index, cmd, $"first row is {risk.Type}");
        long upnl = 0, mm = 0, im = 0;
        for (var i = 2; i < events.Count; i++)
        {
            var row = events[i];
            if (row.Type != EventType.Position) continue;
            var prices = events[i + 1];
            if (prices.Type != EventType.PositionPrices || prices.InstrumentId != row.InstrumentId)
                Fail("query", index, cmd, "a position row is not followed by its prices row");
            var isolated = row.Code == (ushort)MarginMode.Isolated;
            if (!isolated)
            {
                upnl += row.Available;
                mm += row.Maintenance;
                im += row.InitialMargin;
            }
            if (cmd.AccountId == ExchangeLogic.InsuranceAccount) continue; // the fund is never liquidated: no safe side to check
            var tick = row.InstrumentId == RiskStreamGenerator.Btc ? RiskStreamGenerator.BtcTick : RiskStreamGenerator.EthTick;
            var markRaw = row.OrderMargin;
            if (markRaw == 0) continue; // valued at entry until the first mark
            var mark = (markRaw + tick / 2) / tick * tick; // positions are valued at the mark on the tick grid
            var liquidation = prices.Price;
            var bankruptcy = prices.Quantity;
            var what = $"{(isolated ? "isolated" : "cross")} {(row.Side == Side.Buy ? "long" : "short")} in {row.InstrumentId} " +
                $"(mark {mark}, liquidation {liquidation}, bankruptcy {bankruptcy}, equity {risk.Equity}, maintenance {risk.Maintenance})";
            if (liquidation < 0 || bankruptcy < 0) Fail("query", index, cmd, $"negative price for {what}");
            if (row.Side == Side.Buy)
            {
                // a healthy long is liquidated below the mark, and goes bankrupt no higher than that
                if (liquidation >= mark) Fail("query", index, cmd, $"healthy {what} reports a liquidation price at or above the mark");
                if (liquidation > 0 && bankruptcy > liquidation) Fail("query", index, cmd, $"{what}: bankruptcy above liquidation");
            }
            else
            {
                if (liquidation <= mark) Fail("query", index, cmd, $"healthy {what} reports a liquidation price at or below the mark");
                if (bankruptcy != 0 && bankruptcy < liquidation) Fail("query", index, cmd, $"{what}: bankruptcy below liquidation");
            }
        }
        if (risk.Equity != risk.Collateral + upnl) Fail("query", index, cmd, $"equity {risk.Equity} != collateral {risk.Collateral} + Σ cross PnL {upnl}");
        if (risk.Maintenance != mm) Fail("query", index, cmd, $"maintenance {risk.Maintenance} != Σ cross position maintenance {mm}");
        if (risk.InitialMargin != im) Fail("query", index, cmd, $"initial margin {risk.InitialMargin} != Σ cross position IM {im}");
        var available = Math.Max(0, risk.Equity - risk.InitialMargin - risk.OrderMargin);
        if (risk.Available != available) Fail("query", index, cmd, $"available {risk.Available} != {available}");
        var ratio = mm == 0 ? 0 : risk.Equity <= 0 ? int.MaxValue : (int)Int128.Min(int.MaxValue, (Int128)mm * FixedPoint.RateScale / risk.Equity);
        if (risk.Count != ratio) Fail("query", index, cmd, $"margin ratio {risk.Count} ppm != {ratio}");
    }

    private static void Fail(string kind, int index, Command cmd, string what) =>
        throw new RiskPropertyException($"{kind}: command {index} {RiskRepro.Describe(cmd)}: {what}");
}

/// <summary>Replays, minimizes and prints command lists for a failure report.</summary>
public static class RiskRepro
{
    /// <summary>Runs <paramref name="commands"/> on a fresh engine with every check; the failure text, or null when all holds.</summary>
    public static string? Failure(IReadOnlyList<Command> commands)
    {
        var harness = new LogicHarness(new EngineConfig { InitialOrders = 1024, InitialAccounts = 64 }, checkInvariants: false);
        var checker = new RiskChecker(harness.Logic, strict: false);
        for (var i = 0; i < commands.Count; i++)
        {
            try
            {
                checker.Before(commands[i]);
                var events = harness.Send(commands[i]);
                var problem = harness.Logic.ValidateInvariants();
                if (problem != null) return $"invariant: broken after command {i + 1} ({commands[i].Type}): {problem}";
                checker.Check(i + 1, commands[i], events);
            }
            catch (RiskPropertyException e)
            {
                return e.Message;
            }
            catch (Exception e)
            {
                return $"exception: {e.GetType().Name}: {e.Message} at command {i + 1}";
            }
        }
        return null;
    }

    /// <summary>Drops every command (in halving chunks) whose removal keeps a failure of the same kind; returns the rest.</summary>
    public static List<Command> Minimize(IReadOnlyList<Command> commands, string failure)
    {
        var kind = Kind(failure);
        var list = commands.ToList();
        for (var chunk = Math.Max(1, list.Count / 2); chunk >= 1; chunk /= 2)
        {
            for (var i = 0; i < list.Count;)
            {
                var candidate = list.Take(i).Concat(list.Skip(i + chunk)).ToList();
                var f = Failure(candidate);
                if (f != null && Kind(f) == kind) list = candidate;
                else i += chunk;
            }
        }
        return list;
    }

    /// <summary>What a failure is about, without its numbers: its kind, and for an invariant which one.</summary>
    private static string Kind(string failure)
    {
        var kind = failure.Split('\n')[0];
        if (!kind.StartsWith("invariant", StringComparison.Ordinal)) kind = kind[..Math.Max(0, kind.IndexOf(':'))];
        else kind = kind[(kind.LastIndexOf("): ", StringComparison.Ordinal) + 1)..];
        return Regex.Replace(kind, @"-?\d+", "#");
    }

    /// <summary>A failing stream as a report: the failure, and the minimized commands as C# to paste into a test.</summary>
    public static string Report(RiskScenario scenario)
    {
        var result = RiskStreamGenerator.Run(scenario, out var failure);
        if (failure == null) return $"{scenario}: passes when rerun alone";
        var replayed = Failure(result.Commands);
        if (replayed == null) return $"{scenario}: {failure}\n(not reproduced by a replay of its {result.Commands.Length} commands)";
        var minimal = Minimize(result.Commands, replayed);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{scenario}: {failure}");
        text.AppendLine(CultureInfo.InvariantCulture, $"minimized from {result.Commands.Length} to {minimal.Count} commands: {Failure(minimal)}");
        foreach (var c in minimal) text.AppendLine(CultureInfo.InvariantCulture, $"    {Describe(c)},");
        return text.ToString();
    }

    /// <summary>A command as the <see cref="Cmd"/> call that builds it.</summary>
    public static string Describe(Command c) => c.Type switch
    {
        CommandType.PlaceOrder when c.OrderType == OrderType.Market =>
            $"Cmd.Market({c.AccountId}, {c.InstrumentId}, Side.{c.Side}, {c.Quantity}, tif: TimeInForce.{c.TimeInForce}, flags: (OrderFlags){(int)c.Flags})",
        CommandType.PlaceOrder =>
            $"Cmd.Limit({c.AccountId}, {c.InstrumentId}, Side.{c.Side}, {c.Price}, {c.Quantity}, tif: TimeInForce.{c.TimeInForce}, " +
            $"flags: (OrderFlags){(int)c.Flags}, stp: SelfTradeMode.{c.SelfTrade})",
        CommandType.CancelOrder => $"Cmd.Cancel({c.AccountId}, 0x{c.OrderId:X})",
        CommandType.ReplaceOrder => $"Cmd.Replace({c.AccountId}, 0x{c.OrderId:X}, {c.Price}, {c.Quantity})",
        CommandType.MassCancel => $"Cmd.MassCancel({c.AccountId}{(c.InstrumentFilter != 0 ? $", {c.InstrumentId}" : "")})",
        CommandType.MarkPrice => $"Cmd.MarkPrice({c.InstrumentId}, {c.Price})",
        CommandType.AssetPrice => $"Cmd.AssetPrice({c.AssetId}, {c.Price})",
        CommandType.AddInstrument =>
            $"Cmd.AddInstrument({c.InstrumentId}, {c.TickSize}, {c.LotSize}, {c.MaxOrderQuantity}, {c.MakerFeePpm}, {c.TakerFeePpm}, {c.BandBps}, {c.MaxLeverage}, {c.LadderLog2})",
        CommandType.AddInstrumentTier => $"Cmd.AddTier({c.InstrumentId}, {c.TierIndex}, {c.NotionalCap}, {c.MmrPpm}, {c.MaxLeverage})",
        CommandType.AddAsset => $"Cmd.AddAsset({c.AssetId}, {c.Price}, {c.HaircutPpm})",
        CommandType.CreateAccount => $"Cmd.CreateAccount({c.AccountId})",
        CommandType.Deposit => $"Cmd.Deposit({c.AccountId}, {c.AssetId}, {c.Amount})",
        CommandType.Withdraw => $"Cmd.Withdraw({c.AccountId}, {c.AssetId}, {c.Amount})",
        CommandType.SetLeverage => $"Cmd.SetLeverage({c.AccountId}, {c.InstrumentId}, {c.Leverage})",
        CommandType.SetMarginMode => $"Cmd.SetMarginMode({c.AccountId}, {c.InstrumentId}, MarginMode.{c.MarginMode})",
        CommandType.AdjustIsolatedMargin => $"Cmd.AdjustIsolatedMargin({c.AccountId}, {c.InstrumentId}, {c.Amount})",
        CommandType.QueryAccount => $"Cmd.QueryAccount({c.AccountId})",
        CommandType.QueryBook => $"Cmd.QueryBook({c.InstrumentId}, {c.Depth})",
        _ => c.Type.ToString(),
    };
}
