using Engine.Commands;
using Engine.Events;
using Engine.Logic;

namespace Engine.LoadTest.Support;

/// <summary>How the open positions of a <see cref="RiskPopulation"/> lie in the engine's tables.</summary>
public enum RiskLayout : byte
{
    /// <summary>
    /// Position rows, the instrument's active list and the account ids in the same order: rows are created and
    /// traded account by account, one instrument after the other. The tick streams through memory (best case).
    /// </summary>
    Sequential,
    /// <summary>
    /// Rows created in account order, but the pairs trade in a random order, so the active list visits rows and
    /// accounts in a random order: what a long-running book's churn leaves behind (worst case for the caches).
    /// </summary>
    Shuffled,
}

/// <summary>Shape of a <see cref="RiskPopulation"/>.</summary>
public sealed class RiskPopulationOptions
{
    /// <summary>Accounts 1..Accounts; an even number (they trade in pairs). Every account holds one position per instrument.</summary>
    public int Accounts { get; init; } = 1_000_000;
    /// <summary>Instruments 1..Instruments; every account has a position in each.</summary>
    public int Instruments { get; init; } = 1;
    /// <summary>Where the rows lie; see <see cref="RiskLayout"/>.</summary>
    public RiskLayout Layout { get; init; } = RiskLayout.Sequential;
    /// <summary>Seed of the sizes, leverages, margin modes and (shuffled) trade order.</summary>
    public int Seed { get; init; } = 20_261_124;
}

/// <summary>
/// An engine holding one open position per (account, instrument) for many accounts, built through ordinary
/// commands, for measuring the mark-price tick (<c>RemarginInstrument</c>).
/// </summary>
/// <remarks>
/// <code>
///   instrument 1..K  BTCUSD-like perpetual: tick 0.1 USD, lot 0.001, mark 100,000 USD, fees 2/5 bp,
///                    brackets (50k 0.4% 125x) (250k 0.5% 100x) (3M 1% 50x) (20M 2.5% 20x)
///   accounts 1..N    each: CreateAccount, Deposit 1M USD, per instrument SetMarginMode + SetLeverage
///   positions        accounts 2p+1 (long) and 2p+2 (short) trade with each other in every instrument:
///                    the short rests a GTC sell, the long takes it with an IOC buy. Half the pairs, chosen
///                    at random, are isolated, half cross (per instrument); leverage 2..20 at random; size
///                    log-uniform 1..2,000 lots (100 USD .. 200k USD; 18% above the first bracket); entry
///                    mark ± 50 USD
///   tick             MarkPrice of every instrument, alternating 100,000 and 100,010 USD (0.01%): every
///                    position's PnL, maintenance and initial margin change, nobody reaches maintenance
/// </code>
/// Every account is funded far beyond its margin so that no tick liquidates anyone; the event counter checks it.
/// The build costs about five commands per position (a few seconds for a million).
/// </remarks>
public sealed class RiskPopulation
{
    /// <summary>Tick: 0.1 USD.</summary>
    public const long TickSize = 10_000_000;
    /// <summary>Lot: 0.001 of the underlying.</summary>
    public const long LotSize = 100_000;
    /// <summary>Mark before and between the moves: 100,000 USD, in ticks.</summary>
    public const long BaseMarkTicks = 1_000_000;
    /// <summary>Size of the alternating move: 100 ticks = 10 USD = 0.01%.</summary>
    public const long MoveTicks = 100;
    /// <summary>Deposit of every account, USD.</summary>
    public const long DepositUsd = 1_000_000;
    /// <summary>Largest position, lots (2 units = 200,000 USD at the base mark).</summary>
    public const int MaxLots = 2_000;

    private readonly Command[] _upMarks;
    private readonly Command[] _downMarks;
    private long _sequence;

    private RiskPopulation(RiskPopulationOptions options, ExchangeLogic logic, RiskEventCounter events, long sequence, int isolated)
    {
        Options = options;
        Logic = logic;
        Events = events;
        _sequence = sequence;
        IsolatedPositions = isolated;
        _upMarks = new Command[options.Instruments];
        _downMarks = new Command[options.Instruments];
        for (var i = 0; i < options.Instruments; i++)
        {
            _upMarks[i] = Cmd.MarkPrice(1 + i, (BaseMarkTicks + MoveTicks) * TickSize);
            _downMarks[i] = Cmd.MarkPrice(1 + i, BaseMarkTicks * TickSize);
        }
    }

    /// <summary>The options it was built with.</summary>
    public RiskPopulationOptions Options { get; }
    /// <summary>The engine.</summary>
    public ExchangeLogic Logic { get; }
    /// <summary>Counts every event the engine emitted (setup included).</summary>
    public RiskEventCounter Events { get; }
    /// <summary>Open positions: accounts × instruments.</summary>
    public long Positions => (long)Options.Accounts * Options.Instruments;
    /// <summary>Open isolated positions (the rest are cross).</summary>
    public int IsolatedPositions { get; }
    /// <summary>Sequence number the next command gets.</summary>
    public long NextSequence => _sequence + 1;

    /// <summary>One mark-price command: instrument <c>1 + instrumentIndex</c> to the up (100,010 USD) or base (100,000 USD) mark.</summary>
    public void Mark(int instrumentIndex, bool up) =>
        Logic.Process(ref (up ? _upMarks : _downMarks)[instrumentIndex], ++_sequence);

    /// <summary>Engine capacities sized so that the build grows no table more than once and a tick grows none.</summary>
    public static EngineConfig CreateConfig(int accounts, int instruments, int extraOrders = 0) => new()
    {
        MaxInstruments = instruments + 1,
        MaxAccounts = Math.Max(1 << 22, accounts + 64),
        InitialAccounts = accounts + 64,
        InitialPositions = accounts * instruments + 64,
        InitialOrders = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(4_096 + extraOrders)),
        EventBufferSize = 512,
    };

    /// <summary>Adds a BTCUSD-like perpetual (see the remarks of the class) with a mark of 100,000 USD.</summary>
    public static IEnumerable<Command> Instrument(int id, ushort bandBps = 5_000, byte ladderLog2 = 0)
    {
        yield return Cmd.AddInstrument(id, TickSize, LotSize, maxOrderQuantity: 1_000 * FixedPoint.QuantityScale,
            makerFeePpm: 200, takerFeePpm: 500, bandBps: bandBps, maxLeverage: 125, ladderLog2: ladderLog2);
        yield return Cmd.AddTier(id, 0, Usd(50_000), 4_000, 125);
        yield return Cmd.AddTier(id, 1, Usd(250_000), 5_000, 100);
        yield return Cmd.AddTier(id, 2, Usd(3_000_000), 10_000, 50);
        yield return Cmd.AddTier(id, 3, Usd(20_000_000), 25_000, 20);
        yield return Cmd.MarkPrice(id, BaseMarkTicks * TickSize);
    }

    /// <summary>USD in money units.</summary>
    public static long Usd(long usd) => usd * FixedPoint.MoneyScale;

    /// <summary>Builds the population; throws if the engine refuses any command or liquidates anyone.</summary>
    public static RiskPopulation Build(RiskPopulationOptions options)
    {
        if (options.Accounts < 2 || options.Accounts % 2 != 0) throw new ArgumentException("accounts must be even and positive");
        if (options.Instruments < 1) throw new ArgumentException("at least one instrument");
        var events = new RiskEventCounter();
        var logic = new ExchangeLogic(CreateConfig(options.Accounts, options.Instruments), events);
        long sequence = 0;
        void Apply(Command c) => logic.Process(ref c, ++sequence);

        var rng = new Random(options.Seed);
        var pairs = options.Accounts / 2;
        var k = options.Instruments;
        // per (pair, instrument): isolated or cross (exactly half each, at random), leverage of each side, size
        var isolated = new bool[pairs * k];
        for (var i = 0; i < isolated.Length; i++) isolated[i] = i % 2 == 1;
        rng.Shuffle(isolated);
        var leverage = new byte[options.Accounts * k];
        for (var i = 0; i < leverage.Length; i++) leverage[i] = (byte)rng.Next(2, 21);
        var lots = new int[pairs * k];
        for (var i = 0; i < lots.Length; i++) lots[i] = Math.Clamp((int)Math.Exp(rng.NextDouble() * Math.Log(MaxLots + 1)), 1, MaxLots);

        for (var i = 1; i <= k; i++)
            foreach (var c in Instrument(i)) Apply(c);
        for (var a = 1; a <= options.Accounts; a++)
        {
            Apply(Cmd.CreateAccount(a));
            Apply(Cmd.Deposit(a, 0, Usd(DepositUsd)));
        }
        // settings create the position rows: instrument by instrument, in account order
        var isolatedCount = 0;
        for (var i = 0; i < k; i++)
        {
            for (var a = 1; a <= options.Accounts; a++)
            {
                var pair = (a - 1) / 2;
                var iso = isolated[pair * k + i];
                if (iso) isolatedCount++;
                Apply(Cmd.SetMarginMode(a, 1 + i, iso ? MarginMode.Isolated : MarginMode.Cross));
                Apply(Cmd.SetLeverage(a, 1 + i, leverage[(a - 1) * k + i]));
            }
        }
        var order = new int[pairs];
        for (var p = 0; p < pairs; p++) order[p] = p;
        if (options.Layout == RiskLayout.Shuffled) rng.Shuffle(order);
        for (var i = 0; i < k; i++)
        {
            foreach (var p in order)
            {
                var priceTicks = BaseMarkTicks + (p % 201 - 100) * 5; // ± 50 USD
                var size = lots[p * k + i] * LotSize;
                Apply(Cmd.Limit(2 * p + 2, 1 + i, Side.Sell, priceTicks * TickSize, size));
                Apply(Cmd.Limit(2 * p + 1, 1 + i, Side.Buy, priceTicks * TickSize, size, tif: TimeInForce.ImmediateOrCancel));
            }
        }
        logic.FlushEvents();
        events.ThrowIfRejectedOrLiquidated("building the risk population");
        if (logic.OpenOrderCount != 0) throw new InvalidOperationException($"{logic.OpenOrderCount} orders left resting after the build");
        return new RiskPopulation(options, logic, events, sequence, isolatedCount);
    }
}

/// <summary>Counts the events an engine emits, by type, liquidation step and the marks of liquidation work.</summary>
/// <remarks>Cheap enough to run inside a measured command: a switch and a few increments per event.</remarks>
public sealed class RiskEventCounter : IEventSink
{
    /// <summary>Events by <see cref="EventType"/>.</summary>
    public long[] ByType { get; } = new long[256];
    /// <summary>Liquidation events by <see cref="LiquidationStep"/>.</summary>
    public long[] ByStep { get; } = new long[16];
    /// <summary>Orders canceled by a liquidation.</summary>
    public long LiquidationCancels { get; private set; }
    /// <summary>Fills of liquidation orders through the book (taker side; the maker side is counted in <see cref="Fills"/>).</summary>
    public long LiquidationBookFills { get; private set; }
    /// <summary>Fill events of position transfers (takeover by the fund, auto-deleveraging): two per transfer.</summary>
    public long TransferFills { get; private set; }
    /// <summary>Σ money moved to the insurance fund by <see cref="LiquidationStep.FundTransfer"/> events (positive amounts).</summary>
    public long FundReceived { get; private set; }
    /// <summary>Σ money the insurance fund paid by <see cref="LiquidationStep.FundTransfer"/> events (negative amounts, as a positive sum).</summary>
    public long FundPaid { get; private set; }
    /// <summary>All fill events.</summary>
    public long Fills => ByType[(int)EventType.Fill];
    /// <summary>Rejected commands.</summary>
    public long Rejected => ByType[(int)EventType.Rejected];
    /// <summary>Liquidation events of any step.</summary>
    public long Liquidations => ByType[(int)EventType.Liquidation];
    /// <summary>The first rejection seen, for the error message.</summary>
    public OutputEvent FirstReject { get; private set; }

    /// <inheritdoc />
    public void Publish(ReadOnlySpan<OutputEvent> events)
    {
        foreach (ref readonly var e in events)
        {
            ByType[(int)e.Type]++;
            switch (e.Type)
            {
                case EventType.Liquidation:
                    ByStep[e.Code & 15]++;
                    if (e.Code == (ushort)LiquidationStep.FundTransfer)
                    {
                        if (e.Maintenance >= 0) FundReceived += e.Maintenance;
                        else FundPaid -= e.Maintenance;
                    }
                    break;
                case EventType.Canceled when e.Code == (ushort)CancelReason.Liquidation:
                    LiquidationCancels++;
                    break;
                case EventType.Fill when (e.Flags & EventFlags.Liquidation) != 0:
                    if (e.OrderId != 0) LiquidationBookFills++;
                    else TransferFills++;
                    break;
                case EventType.Rejected when ByType[(int)EventType.Rejected] == 1:
                    FirstReject = e;
                    break;
            }
        }
    }

    /// <summary>Forgets every count.</summary>
    public void Reset()
    {
        Array.Clear(ByType);
        Array.Clear(ByStep);
        LiquidationCancels = 0;
        LiquidationBookFills = 0;
        TransferFills = 0;
        FundReceived = 0;
        FundPaid = 0;
        FirstReject = default;
    }

    /// <summary>Throws when any command was rejected or any liquidation happened.</summary>
    public void ThrowIfRejectedOrLiquidated(string what)
    {
        if (Rejected != 0)
            throw new InvalidOperationException($"{what}: {Rejected:N0} commands rejected, the first {FirstReject.CommandType} " +
                $"(account {FirstReject.AccountId}, instrument {FirstReject.InstrumentId}) with code {FirstReject.Code}");
        if (Liquidations != 0) throw new InvalidOperationException($"{what}: {Liquidations:N0} liquidation events");
    }
}
