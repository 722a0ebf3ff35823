using Engine.Commands;
using Engine.Events;
using Engine.Logic;

namespace Engine.LoadTest.Support;

/// <summary>What a generated command is, as the generator meant it.</summary>
public enum MixCommandKind : byte
{
    /// <summary>GTC limit order priced on its own side of the book (rests).</summary>
    GtcPassive,
    /// <summary>GTC limit order priced through the opposite touch (trades; the rest, if any, rests).</summary>
    GtcAggressive,
    /// <summary>IOC limit order priced through the opposite touch (trades; the rest is canceled).</summary>
    Ioc,
    /// <summary>Cancel of a random live order.</summary>
    Cancel,
    /// <summary>ReplaceOrder changing only the price, to a new price on the order's own side.</summary>
    MovePassive,
    /// <summary>ReplaceOrder changing only the price, through the opposite touch (trades).</summary>
    MoveAggressive,
}

/// <summary>Knobs of <see cref="ExchangeCoreMix"/>; the defaults reproduce exchange-core's published mix.</summary>
public sealed class MixOptions
{
    /// <summary>Seed of the generator's <see cref="Random"/>; the same seed gives the same streams.</summary>
    public int Seed { get; init; } = 20_261_124;
    /// <summary>Accounts 1..Accounts trade.</summary>
    public int Accounts { get; init; } = 1_000;
    /// <summary>Resting orders the book is kept at (initial fill and feedback target).</summary>
    public int TargetOrders { get; init; } = 1_000;
    /// <summary>Mid price in ticks (500,000 ticks of 0.1 USD = 50,000 USD).</summary>
    public long CenterTicks { get; init; } = 500_000;
    /// <summary>Passive prices lie up to this many ticks away from the centre, denser near the touch.</summary>
    public int DepthTicks { get; init; } = 1_050;
    /// <summary>Exponent of the offset distribution: 1 uniform, larger is denser near the touch.</summary>
    public double DepthSkew { get; init; } = 1.5;
    /// <summary>Relative change of the share of moves through the touch per order of excess over the target.</summary>
    public double MoveAggressiveGain { get; init; } = 0.02;
    /// <summary>Chance that an IOC takes the first maker at the touch whole when the book is at its target.</summary>
    public double IocTakeOutBase { get; init; } = 0.0;
    /// <summary>Added to that chance per order of excess over the target (negative below it): the feedback gain.</summary>
    public double IocTakeOutGain { get; init; } = 0.005;
    /// <summary>Most lots a taker meant to fill the first maker only in part takes (see the remarks of the generator).</summary>
    public int PartialFillMaxLots { get; init; } = 4;
    /// <summary>Order sizes are 1..MaxLots lots.</summary>
    public int MaxLots { get; init; } = 100;
    /// <summary>Share of GTC orders priced at the opposite touch (1/9 of 9% = 1% of all commands).</summary>
    public double GtcAggressiveShare { get; init; } = 1.0 / 9;
    /// <summary>Share of moves priced at the opposite touch (1.9/82 of 82% = 1.9% of all commands).</summary>
    public double MoveAggressiveShare { get; init; } = 1.9 / 82;
}

/// <summary>What the generated measured stream looks like, measured while generating it.</summary>
public sealed class MixStats
{
    /// <summary>Measured commands.</summary>
    public int Commands { get; internal set; }
    /// <summary>Count per <see cref="MixCommandKind"/>.</summary>
    public int[] KindCounts { get; } = new int[6];
    /// <summary>Net change of the number of resting orders caused by each <see cref="MixCommandKind"/>.</summary>
    public long[] OrderFlow { get; } = new long[6];
    /// <summary>Commands that produced at least one fill.</summary>
    public int TradingCommands { get; internal set; }
    /// <summary>Trades (maker/taker pairs).</summary>
    public long Trades { get; internal set; }
    /// <summary>Orders resting after the setup.</summary>
    public int SetupOrders { get; internal set; }
    /// <summary>Price levels after the setup.</summary>
    public int SetupLevels { get; internal set; }
    /// <summary>Resting orders sampled every 1,000 commands: min, mean, max.</summary>
    public int MinOrders { get; internal set; } = int.MaxValue;
    /// <summary>See <see cref="MinOrders"/>.</summary>
    public double MeanOrders { get; internal set; }
    /// <summary>See <see cref="MinOrders"/>.</summary>
    public int MaxOrders { get; internal set; }
    /// <summary>Price levels (both sides) sampled every 1,000 commands: min, mean, max.</summary>
    public int MinLevels { get; internal set; } = int.MaxValue;
    /// <summary>See <see cref="MinLevels"/>.</summary>
    public double MeanLevels { get; internal set; }
    /// <summary>See <see cref="MinLevels"/>.</summary>
    public int MaxLevels { get; internal set; }
    /// <summary>Mean spread in ticks, sampled every 1,000 commands.</summary>
    public double MeanSpreadTicks { get; internal set; }

    /// <summary>GTC share of all commands, in percent.</summary>
    public double GtcPercent => Pct(KindCounts[(int)MixCommandKind.GtcPassive] + KindCounts[(int)MixCommandKind.GtcAggressive]);
    /// <summary>IOC share, in percent.</summary>
    public double IocPercent => Pct(KindCounts[(int)MixCommandKind.Ioc]);
    /// <summary>Cancel share, in percent.</summary>
    public double CancelPercent => Pct(KindCounts[(int)MixCommandKind.Cancel]);
    /// <summary>Move share, in percent.</summary>
    public double MovePercent => Pct(KindCounts[(int)MixCommandKind.MovePassive] + KindCounts[(int)MixCommandKind.MoveAggressive]);
    /// <summary>Share of commands that traded, in percent.</summary>
    public double TradingPercent => Pct(TradingCommands);

    private double Pct(long n) => Commands == 0 ? 0 : 100.0 * n / Commands;

    /// <summary>A few lines for a report.</summary>
    public string Describe() =>
        $"mix: GTC {GtcPercent:F2}% (through the touch {Pct(KindCounts[(int)MixCommandKind.GtcAggressive]):F2}%), " +
        $"IOC {IocPercent:F2}%, cancel {CancelPercent:F2}%, move {MovePercent:F2}% " +
        $"(through the touch {Pct(KindCounts[(int)MixCommandKind.MoveAggressive]):F2}%)\n" +
        $"trading commands: {TradingPercent:F2}% ({TradingCommands:N0} of {Commands:N0}; {Trades:N0} trades)\n" +
        $"book: after setup {SetupOrders:N0} orders / {SetupLevels:N0} levels; over the stream orders " +
        $"{MinOrders:N0}..{MaxOrders:N0} (mean {MeanOrders:F0}), levels {MinLevels:N0}..{MaxLevels:N0} (mean {MeanLevels:F0}), " +
        $"mean spread {MeanSpreadTicks:F1} ticks\n" +
        $"order flow per 100 commands: {string.Join(", ", Enum.GetValues<MixCommandKind>().Select(k => $"{k} {100.0 * OrderFlow[(int)k] / Math.Max(1, Commands):+0.000;-0.000}"))}";
}

/// <summary>
/// Deterministic generator of exchange-core's published benchmark mix for one instrument: 1,000 accounts,
/// ~1,000 resting orders over ~750 price levels, commands 9% GTC limit, 3% IOC limit, 6% cancel and
/// 82% move (ReplaceOrder changing the price only), about 6% of commands trading.
/// </summary>
/// <remarks>
/// Order ids are assigned by the engine, so the generator drives a private <see cref="ExchangeLogic"/> while
/// it generates, command by command, and learns the live orders (id, owner, side, price, open lots) from the
/// events. Because the engine is deterministic, the recorded <see cref="Setup"/> then <see cref="Measured"/>
/// replay on a fresh engine (built from <see cref="CreateConfig"/>) to exactly the same ids, events and state:
/// replay with sequence numbers 1.. for the setup and <see cref="FirstMeasuredSequence"/>.. for the measured
/// stream, and the result matches <see cref="ExpectedEventHash"/> and <see cref="ExpectedStateHash"/>.
/// <para>
/// Shape: the mix is exact per block of 100 commands (a shuffled deck of 9 GTC, 3 IOC, 6 cancels, 82 moves).
/// Passive prices are drawn around a fixed centre, <c>1 + DepthTicks·u^DepthSkew</c> ticks from it (denser
/// near the spread) and clamped so they never cross. Every IOC trades at the opposite touch; 1/9 of the GTCs
/// and ~1.8/82 of the moves (scheduled, not random) are priced at the opposite touch and trade too: 5.8% of
/// commands in all. Every trade fills at least one order whole, and with 9% of commands adding an order and
/// 6% cancelling one, at most 3% may remove one by trading for the book to keep its size, so 6.0% trading
/// is the ceiling of this mix. The takers are therefore sized to fill the first maker only in part, except
/// when the book is above <see cref="MixOptions.TargetOrders"/>: then IOCs take the first maker whole more
/// often and more moves go through the touch (feedback that holds the book within ~1% of the target).
/// Generation allocates freely; replaying the recorded commands allocates nothing.
/// </para>
/// </remarks>
public sealed class ExchangeCoreMix
{
    /// <summary>The instrument.</summary>
    public const int Instrument = 1;
    /// <summary>Tick: 0.1 USD.</summary>
    public const long TickSize = 10_000_000;
    /// <summary>Lot: 0.001 of the underlying.</summary>
    public const long LotSize = 100_000;
    /// <summary>Events are flushed every this many commands when replaying (a typical ring batch).</summary>
    public const int FlushBatch = 64;
    /// <summary>Receive time of the first command (2026-11-24T00:00:00Z, ns since the epoch); +100 ns per command.</summary>
    public const long StartTime = 1_795_478_400_000_000_000;

    private readonly MixOptions _options;
    private long _setupBestBid;
    private long _setupBestAsk;

    private ExchangeCoreMix(MixOptions options, Command[] setup, Command[] measured, MixCommandKind[] kinds, bool[] traded, MixStats stats)
    {
        _options = options;
        Setup = setup;
        Measured = measured;
        Kinds = kinds;
        Traded = traded;
        Stats = stats;
    }

    /// <summary>Instrument, accounts, mark price and the initial resting orders.</summary>
    public Command[] Setup { get; }
    /// <summary>The measured stream.</summary>
    public Command[] Measured { get; }
    /// <summary>What each measured command is.</summary>
    public MixCommandKind[] Kinds { get; }
    /// <summary>Whether each measured command traded.</summary>
    public bool[] Traded { get; }
    /// <summary>The shape of the measured stream.</summary>
    public MixStats Stats { get; }
    /// <summary>The options used.</summary>
    public MixOptions Options => _options;
    /// <summary>State hash after the setup.</summary>
    public ulong SetupStateHash { get; private set; }
    /// <summary>Event hash after the setup and the measured stream, with events flushed after every command.</summary>
    public ulong ExpectedEventHash { get; private set; }
    /// <summary>State hash after the setup and the measured stream.</summary>
    public ulong ExpectedStateHash { get; private set; }
    /// <summary>Sequence number of <c>Measured[0]</c>; <c>Setup[i]</c> has <c>i + 1</c>.</summary>
    public long FirstMeasuredSequence => Setup.Length + 1;

    /// <summary>Engine capacities sized so that neither the mix nor <paramref name="extraOrders"/> more resting orders grow a table.</summary>
    public static EngineConfig CreateConfig(int extraOrders = 0) => new()
    {
        MaxInstruments = 4,
        InitialAccounts = 2_048,
        InitialOrders = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(4_096 + extraOrders)),
        InitialPositions = 4_096,
        EventBufferSize = 512,
    };

    /// <summary>A fresh engine with the setup applied (events flushed), ready for <see cref="Measured"/>.</summary>
    public ExchangeLogic CreateLogicAfterSetup(IEventSink sink, int extraOrders = 0)
    {
        var logic = new ExchangeLogic(CreateConfig(extraOrders), sink);
        var setup = Setup;
        for (var i = 0; i < setup.Length; i++) logic.Process(ref setup[i], i + 1);
        logic.FlushEvents();
        return logic;
    }

    /// <summary>
    /// Applies <c>Measured[start .. start+count)</c> to <paramref name="logic"/>, flushing events every
    /// <see cref="FlushBatch"/> commands (aligned on the stream index) and at the end.
    /// </summary>
    public void Replay(ExchangeLogic logic, int start, int count)
    {
        var commands = Measured;
        var sequence = FirstMeasuredSequence + start;
        var end = start + count;
        for (var i = start; i < end; i++)
        {
            logic.Process(ref commands[i], sequence++);
            if ((i & (FlushBatch - 1)) == FlushBatch - 1) logic.FlushEvents();
        }
        logic.FlushEvents();
    }

    /// <summary>
    /// <paramref name="count"/> GTC limit orders that rest without trading on the book left by <see cref="Setup"/>
    /// (and on any book that only grew since), random sides, accounts and passive prices.
    /// </summary>
    public Command[] CreatePassiveOrders(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new Command[count];
        for (var i = 0; i < count; i++)
        {
            var side = rng.Next(2) == 0 ? Side.Buy : Side.Sell;
            var ticks = PassivePrice(rng, _options, side, _setupBestBid, _setupBestAsk);
            result[i] = Cmd.Limit(1 + rng.Next(_options.Accounts), Instrument, side, ticks * TickSize, (1 + rng.Next(_options.MaxLots)) * LotSize);
            result[i].ReceiveTime = StartTime + i * 100L;
        }
        return result;
    }

    /// <summary>
    /// Moves (price only) of the resting orders named by their <see cref="EventType.Accepted"/> events (id, owner,
    /// side, price) to a new passive price on the setup book, each different from the order's price.
    /// </summary>
    public Command[] CreatePassiveMoves(ReadOnlySpan<OutputEvent> accepted, int seed)
    {
        var rng = new Random(seed);
        var result = new Command[accepted.Length];
        for (var i = 0; i < accepted.Length; i++)
        {
            var e = accepted[i];
            var currentTicks = e.Price / TickSize;
            long ticks;
            do ticks = PassivePrice(rng, _options, e.Side, _setupBestBid, _setupBestAsk);
            while (ticks == currentTicks);
            result[i] = Cmd.Replace(e.AccountId, e.OrderId, ticks * TickSize, 0);
            result[i].ReceiveTime = StartTime + i * 100L;
        }
        return result;
    }

    /// <summary>Generates the setup and <paramref name="commands"/> measured commands.</summary>
    public static ExchangeCoreMix Generate(int commands, MixOptions? options = null)
    {
        options ??= new MixOptions();
        var generator = new Generator(options, commands);
        return generator.Run();
    }

    /// <summary>A passive price for <paramref name="side"/>: centre ± (1 + DepthTicks·u²), clamped inside the spread.</summary>
    private static long PassivePrice(Random rng, MixOptions options, Side side, long bestBid, long bestAsk)
    {
        var u = rng.NextDouble();
        var offset = 1 + (long)(options.DepthTicks * Math.Pow(u, options.DepthSkew));
        if (side == Side.Buy)
        {
            var p = options.CenterTicks - offset;
            return bestAsk > 0 && p >= bestAsk ? bestAsk - 1 : p;
        }
        else
        {
            var p = options.CenterTicks + offset;
            return bestBid > 0 && p <= bestBid ? bestBid + 1 : p;
        }
    }

    /// <summary>Records events of the private engine.</summary>
    private sealed class CollectingSink : IEventSink
    {
        public List<OutputEvent> Events { get; } = new();

        public void Publish(ReadOnlySpan<OutputEvent> events)
        {
            foreach (var e in events) Events.Add(e);
        }
    }

    private sealed class LiveOrder
    {
        public long Id;
        public int Account;
        public Side Side;
        public long Ticks;
        public long Lots;
        public LinkedListNode<LiveOrder>? Node;
    }

    /// <summary>One price level of the shadow book: its FIFO queue, as the engine keeps it.</summary>
    private sealed class ShadowLevel
    {
        public readonly LinkedList<LiveOrder> Queue = new();
        public long Lots;
    }

    /// <summary>The generator's picture of the book (price-time FIFO), kept in step with the engine through its events.</summary>
    private sealed class ShadowBook
    {
        private readonly Dictionary<long, LiveOrder> _byId = new();
        private readonly List<LiveOrder> _live = new();
        private readonly Dictionary<long, int> _index = new();
        private readonly SortedSet<long> _bidPrices = new();
        private readonly SortedSet<long> _askPrices = new();
        private readonly Dictionary<long, ShadowLevel> _bidLevels = new();
        private readonly Dictionary<long, ShadowLevel> _askLevels = new();

        public int Count => _live.Count;
        public int BidCount { get; private set; }
        public int AskCount => _live.Count - BidCount;
        public int LevelCount => _bidPrices.Count + _askPrices.Count;
        public long BestBid => _bidPrices.Count == 0 ? 0 : _bidPrices.Max;
        public long BestAsk => _askPrices.Count == 0 ? 0 : _askPrices.Min;

        /// <summary>The best price of <paramref name="side"/>, 0 when the side is empty.</summary>
        public long Touch(Side side) => side == Side.Buy ? BestBid : BestAsk;

        /// <summary>The first order in time priority at the best price of <paramref name="side"/>, or null.</summary>
        public LiveOrder? FirstAtTouch(Side side)
        {
            var touch = Touch(side);
            if (touch == 0) return null;
            var levels = side == Side.Buy ? _bidLevels : _askLevels;
            return levels[touch].Queue.First!.Value;
        }

        /// <summary>Orders queued at the best price of <paramref name="side"/>.</summary>
        public int TouchCount(Side side)
        {
            var touch = Touch(side);
            return touch == 0 ? 0 : (side == Side.Buy ? _bidLevels : _askLevels)[touch].Queue.Count;
        }

        public LiveOrder Random(Random rng) => _live[rng.Next(_live.Count)];

        public void Add(long id, int account, Side side, long ticks, long lots)
        {
            var o = new LiveOrder { Id = id, Account = account, Side = side, Ticks = ticks, Lots = lots };
            _byId.Add(id, o);
            _index.Add(id, _live.Count);
            _live.Add(o);
            if (side == Side.Buy) BidCount++;
            Enqueue(o);
        }

        /// <summary>A fill: the order keeps its place in the queue.</summary>
        public void SetLots(long id, long lots)
        {
            if (lots == 0)
            {
                Remove(id);
                return;
            }
            var o = _byId[id];
            LevelOf(o).Lots += lots - o.Lots;
            o.Lots = lots;
        }

        /// <summary>A price change: the order goes to the back of the queue at its new price.</summary>
        public void Move(long id, long ticks, long lots)
        {
            var o = _byId[id];
            Dequeue(o);
            o.Ticks = ticks;
            o.Lots = lots;
            Enqueue(o);
        }

        public void Remove(long id)
        {
            var o = _byId[id];
            Dequeue(o);
            _byId.Remove(id);
            var at = _index[id];
            var last = _live[^1];
            _live[at] = last;
            _index[last.Id] = at;
            _live.RemoveAt(_live.Count - 1);
            _index.Remove(id);
            if (o.Side == Side.Buy) BidCount--;
        }

        private ShadowLevel LevelOf(LiveOrder o) => (o.Side == Side.Buy ? _bidLevels : _askLevels)[o.Ticks];

        private void Enqueue(LiveOrder o)
        {
            var (prices, levels) = o.Side == Side.Buy ? (_bidPrices, _bidLevels) : (_askPrices, _askLevels);
            if (!levels.TryGetValue(o.Ticks, out var level))
            {
                level = new ShadowLevel();
                levels.Add(o.Ticks, level);
                prices.Add(o.Ticks);
            }
            o.Node = level.Queue.AddLast(o);
            level.Lots += o.Lots;
        }

        private void Dequeue(LiveOrder o)
        {
            var (prices, levels) = o.Side == Side.Buy ? (_bidPrices, _bidLevels) : (_askPrices, _askLevels);
            var level = levels[o.Ticks];
            level.Queue.Remove(o.Node!);
            level.Lots -= o.Lots;
            o.Node = null;
            if (level.Queue.Count == 0)
            {
                levels.Remove(o.Ticks);
                prices.Remove(o.Ticks);
            }
        }
    }

    private sealed class Generator
    {
        private readonly MixOptions _options;
        private readonly int _commands;
        private readonly Random _rng;
        private readonly CollectingSink _sink = new();
        private readonly ExchangeLogic _logic;
        private readonly ShadowBook _book = new();
        private long _sequence;
        private long _time = StartTime;
        private double _gtcAggressiveDue;
        private double _moveAggressiveDue;

        public Generator(MixOptions options, int commands)
        {
            if (commands < 0) throw new ArgumentOutOfRangeException(nameof(commands));
            _options = options;
            _commands = commands;
            _rng = new Random(options.Seed);
            _logic = new ExchangeLogic(CreateConfig(), _sink);
        }

        public ExchangeCoreMix Run()
        {
            var setup = new List<Command>();
            var options = _options;
            setup.Add(Cmd.AddInstrument(Instrument, TickSize, LotSize, maxOrderQuantity: 1_000_000 * LotSize,
                makerFeePpm: 200, takerFeePpm: 500, bandBps: 1_000, maxLeverage: 100, ladderLog2: 16));
            setup.Add(Cmd.MarkPrice(Instrument, options.CenterTicks * TickSize));
            for (var a = 1; a <= options.Accounts; a++)
            {
                setup.Add(Cmd.CreateAccount(a));
                // funded like exchange-core's benchmark users: margin is checked on every order but never binds
                setup.Add(Cmd.Deposit(a, 0, 1_000_000_000L * FixedPoint.MoneyScale));
            }
            for (var i = 0; i < setup.Count; i++)
            {
                var c = setup[i];
                Apply(ref c, out _);
                setup[i] = c;
            }
            // initial book: alternate sides, every account owns at least one order (so every position row exists)
            for (var k = 0; k < options.TargetOrders; k++)
            {
                var side = (k & 1) == 0 ? Side.Buy : Side.Sell;
                var ticks = PassivePrice(_rng, options, side, _book.BestBid, _book.BestAsk);
                var c = Cmd.Limit(1 + k % options.Accounts, Instrument, side, ticks * TickSize, RandomLots() * LotSize);
                Apply(ref c, out _);
                setup.Add(c);
            }

            var stats = new MixStats { SetupOrders = _book.Count, SetupLevels = _book.LevelCount };
            var mix = new ExchangeCoreMix(options, setup.ToArray(), new Command[_commands], new MixCommandKind[_commands], new bool[_commands], stats)
            {
                SetupStateHash = _logic.StateHash(),
                _setupBestBid = _book.BestBid,
                _setupBestAsk = _book.BestAsk,
            };

            var deck = new MixCommandKind[100];
            long sumOrders = 0, sumLevels = 0, sumSpread = 0;
            var samples = 0;
            for (var i = 0; i < _commands; i++)
            {
                if (i % 100 == 0) ShuffleDeck(deck);
                var c = Next(deck[i % 100], out var kind);
                var before = _book.Count;
                Apply(ref c, out var trades);
                stats.OrderFlow[(int)kind] += _book.Count - before;
                mix.Measured[i] = c;
                mix.Kinds[i] = kind;
                mix.Traded[i] = trades > 0;
                stats.KindCounts[(int)kind]++;
                if (trades > 0) stats.TradingCommands++;
                stats.Trades += trades;
                if (i % 1_000 == 999)
                {
                    samples++;
                    sumOrders += _book.Count;
                    sumLevels += _book.LevelCount;
                    sumSpread += _book.BestAsk - _book.BestBid;
                    stats.MinOrders = Math.Min(stats.MinOrders, _book.Count);
                    stats.MaxOrders = Math.Max(stats.MaxOrders, _book.Count);
                    stats.MinLevels = Math.Min(stats.MinLevels, _book.LevelCount);
                    stats.MaxLevels = Math.Max(stats.MaxLevels, _book.LevelCount);
                }
            }
            stats.Commands = _commands;
            if (samples > 0)
            {
                stats.MeanOrders = (double)sumOrders / samples;
                stats.MeanLevels = (double)sumLevels / samples;
                stats.MeanSpreadTicks = (double)sumSpread / samples;
            }
            if (_book.Count != _logic.OpenOrderCount || _book.LevelCount != _logic.Levels.LiveCount)
            {
                throw new InvalidOperationException(
                    $"generator lost track: {_book.Count} orders / {_book.LevelCount} levels, engine {_logic.OpenOrderCount} / {_logic.Levels.LiveCount}");
            }
            mix.ExpectedEventHash = _logic.EventHash;
            mix.ExpectedStateHash = _logic.StateHash();
            return mix;
        }

        private void ShuffleDeck(MixCommandKind[] deck)
        {
            var n = 0;
            for (var k = 0; k < 9; k++) deck[n++] = MixCommandKind.GtcPassive;
            for (var k = 0; k < 3; k++) deck[n++] = MixCommandKind.Ioc;
            for (var k = 0; k < 6; k++) deck[n++] = MixCommandKind.Cancel;
            while (n < 100) deck[n++] = MixCommandKind.MovePassive;
            for (var k = deck.Length - 1; k > 0; k--)
            {
                var j = _rng.Next(k + 1);
                (deck[k], deck[j]) = (deck[j], deck[k]);
            }
        }

        private long RandomLots() => 1 + _rng.Next(_options.MaxLots);

        private static Side Opposite(Side side) => side == Side.Buy ? Side.Sell : Side.Buy;

        /// <summary>An account other than <paramref name="not"/> (so that self-trade prevention never steps in).</summary>
        private int AccountOtherThan(int not)
        {
            var account = 1 + _rng.Next(_options.Accounts - 1);
            return account >= not ? account + 1 : account;
        }

        /// <summary>Side for a new order: the thinner side is more likely, which keeps the sides balanced.</summary>
        private Side NewOrderSide() => _rng.Next(_book.Count + 2) < _book.AskCount + 1 ? Side.Buy : Side.Sell;

        /// <summary>
        /// A few lots, below those of <paramref name="maker"/> so that it is not filled whole (1 at least). Small, so
        /// that the first maker at the touch erodes slowly and the book does not shed orders faster than the mix adds them.
        /// </summary>
        private long LotsBelow(LiveOrder maker) => maker.Lots > 1 ? 1 + _rng.Next((int)Math.Min(maker.Lots - 1, _options.PartialFillMaxLots)) : 1;

        private Command Next(MixCommandKind deckKind, out MixCommandKind kind)
        {
            var options = _options;
            if ((deckKind == MixCommandKind.Cancel || deckKind == MixCommandKind.MovePassive) && _book.Count == 0)
                deckKind = MixCommandKind.GtcPassive; // never happens with the default shape; keeps the stream valid
            switch (deckKind)
            {
                case MixCommandKind.GtcPassive:
                {
                    var side = NewOrderSide();
                    _gtcAggressiveDue += options.GtcAggressiveShare;
                    var maker = _book.FirstAtTouch(Opposite(side));
                    if (_gtcAggressiveDue >= 1 && maker != null && (maker.Lots > 1 || _book.TouchCount(maker.Side) == 1))
                    {
                        // Trades at the opposite touch and leaves the book size as it was: either the taker is
                        // smaller than the first maker (taker filled, maker partly), or the touch holds one order
                        // that the taker takes whole before resting its remainder at that price.
                        _gtcAggressiveDue -= 1;
                        kind = MixCommandKind.GtcAggressive;
                        var lots = _book.TouchCount(maker.Side) == 1 && _rng.Next(2) == 0
                            ? maker.Lots + 1 + _rng.Next(options.MaxLots)
                            : LotsBelow(maker);
                        return Cmd.Limit(AccountOtherThan(maker.Account), Instrument, side, maker.Ticks * TickSize, lots * LotSize);
                    }
                    kind = MixCommandKind.GtcPassive;
                    var ticks = PassivePrice(_rng, options, side, _book.BestBid, _book.BestAsk);
                    return Cmd.Limit(1 + _rng.Next(options.Accounts), Instrument, side, ticks * TickSize, RandomLots() * LotSize);
                }
                case MixCommandKind.Ioc:
                {
                    // The feedback loop: the more the book exceeds its target, the more often an IOC takes the
                    // first maker whole (and may sweep up to two ticks deeper); otherwise it fills it in part.
                    var excess = _book.Count - options.TargetOrders;
                    var takeOut = _rng.NextDouble() < Math.Clamp(options.IocTakeOutBase + options.IocTakeOutGain * excess, 0, 1);
                    var side = _rng.Next(2) == 0 ? Side.Buy : Side.Sell;
                    var first = _book.FirstAtTouch(Opposite(side));
                    var other = _book.FirstAtTouch(side);
                    // a partial fill cannot leave a one-lot maker: take the other side when it can
                    if (first == null || (!takeOut && first.Lots == 1 && other != null && other.Lots > 1)) side = Opposite(side);
                    var maker = _book.FirstAtTouch(Opposite(side)) ?? throw new InvalidOperationException("the book is empty");
                    kind = MixCommandKind.Ioc;
                    long ticks, lots;
                    if (takeOut)
                    {
                        var beyond = _rng.Next(3);
                        ticks = side == Side.Buy ? maker.Ticks + beyond : maker.Ticks - beyond;
                        lots = maker.Lots + _rng.Next(options.MaxLots);
                    }
                    else
                    {
                        ticks = maker.Ticks;
                        lots = LotsBelow(maker);
                    }
                    return Cmd.Limit(AccountOtherThan(maker.Account), Instrument, side, ticks * TickSize, lots * LotSize,
                        tif: TimeInForce.ImmediateOrCancel);
                }
                case MixCommandKind.Cancel:
                {
                    var o = _book.Random(_rng);
                    kind = MixCommandKind.Cancel;
                    return Cmd.Cancel(o.Account, o.Id);
                }
                default:
                {
                    // feedback: fewer moves through the touch while the book is below its target, more above
                    var excess = _book.Count - options.TargetOrders;
                    _moveAggressiveDue += options.MoveAggressiveShare * Math.Clamp(1 + options.MoveAggressiveGain * excess, 0, 2);
                    if (_moveAggressiveDue >= 1)
                    {
                        // An order smaller than the first maker opposite moves onto the opposite touch: it is
                        // filled whole, the maker in part, so exactly one order leaves the book.
                        var bestBidMaker = _book.FirstAtTouch(Side.Buy);
                        var bestAskMaker = _book.FirstAtTouch(Side.Sell);
                        for (var attempt = 0; attempt < 16; attempt++)
                        {
                            var mover = _book.Random(_rng);
                            var maker = mover.Side == Side.Buy ? bestAskMaker : bestBidMaker;
                            if (maker == null || mover.Lots >= maker.Lots || mover.Lots > options.PartialFillMaxLots * 6
                                || mover.Account == maker.Account) continue;
                            _moveAggressiveDue -= 1;
                            kind = MixCommandKind.MoveAggressive;
                            return Cmd.Replace(mover.Account, mover.Id, maker.Ticks * TickSize, 0);
                        }
                    }
                    var o = _book.Random(_rng);
                    kind = MixCommandKind.MovePassive;
                    long newTicks;
                    var tries = 0;
                    do newTicks = PassivePrice(_rng, options, o.Side, _book.BestBid, _book.BestAsk);
                    while (newTicks == o.Ticks && ++tries < 8);
                    if (newTicks == o.Ticks) newTicks += o.Side == Side.Buy ? -1 : 1; // away from the spread: still passive
                    return Cmd.Replace(o.Account, o.Id, newTicks * TickSize, 0);
                }
            }
        }

        /// <summary>Runs one command on the private engine and brings the shadow book in step with its events.</summary>
        private void Apply(ref Command cmd, out int trades)
        {
            cmd.ReceiveTime = _time;
            _time += 100;
            _sink.Events.Clear();
            _logic.Process(ref cmd, ++_sequence);
            _logic.FlushEvents();
            trades = 0;
            foreach (var e in _sink.Events)
            {
                switch (e.Type)
                {
                    case EventType.Rejected:
                        throw new InvalidOperationException($"generated command {_sequence} ({cmd.Type}) was rejected: {e.RejectCode} side {cmd.Side} px {cmd.Price} bids {_book.BidCount} asks {_book.AskCount} bb {_book.BestBid} ba {_book.BestAsk}");
                    case EventType.Accepted when e.CommandType == CommandType.PlaceOrder:
                        _book.Add(e.OrderId, e.AccountId, e.Side, e.Price / TickSize, e.LeavesQuantity / LotSize);
                        break;
                    case EventType.Fill:
                        if ((e.Flags & EventFlags.Maker) != 0) trades++;
                        _book.SetLots(e.OrderId, e.LeavesQuantity / LotSize);
                        break;
                    case EventType.Canceled:
                        _book.Remove(e.OrderId);
                        break;
                    case EventType.Replaced:
                        _book.Move(e.OrderId, e.Price / TickSize, e.LeavesQuantity / LotSize);
                        break;
                }
            }
        }
    }
}
