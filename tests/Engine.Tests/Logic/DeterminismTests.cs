using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using static Engine.Tests.Support.LogicHarness;

namespace Engine.Tests.Logic;

/// <summary>
/// The same command stream gives the same state hash and the same event hash on fresh instances; and the check
/// has teeth: changing one command of the stream changes the hashes.
/// </summary>
/// <remarks>
/// The stream is random from a seed that every test prints (set the environment variable
/// <c>DETERMINISM_SEED</c> to replay one). It is recorded once, against a first instance that tells which order ids
/// exist (cancels and replaces name real ids), then replayed as a fixed array.
/// </remarks>
public class DeterminismTests
{
    private const int StreamLength = 120_000;

    private const int Accounts = 40;

    private static readonly int[] _instruments = [1, 2, 3];

    private int _seed;

    [SetUp]
    public void SetUp()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DETERMINISM_SEED");
        _seed = fromEnvironment != null ? int.Parse(fromEnvironment) : Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {_seed} (set DETERMINISM_SEED={_seed} to replay)");
    }

    [Test]
    public void ShouldProduceEqualHashesWhenTheSameStreamRunsTwice()
    {
        var stream = RecordStream(_seed, StreamLength, out var recorded);
        var first = Replay(stream);
        var second = Replay(stream);
        TestContext.Out.WriteLine($"{stream.Length} commands, {first.Events} events, state {first.State:X16}, events {first.EventHash:X16}");
        Assert.That(first.Events, Is.GreaterThan(stream.Length), $"seed {_seed}");
        Assert.That(second, Is.EqualTo(first), $"seed {_seed}: replaying the stream twice");
        Assert.That(recorded, Is.EqualTo(first), $"seed {_seed}: the recording run and a replay");
    }

    [Test]
    public void ShouldChangeBothHashesWhenOneCommandOfTheStreamChanges()
    {
        var stream = RecordStream(_seed, StreamLength, out _);
        var original = Replay(stream);

        // one more money unit in a deposit half way: balances persist (odd accounts never withdraw), and the
        // deposit's response reports the new balance
        var k = Array.FindIndex(stream, StreamLength / 2, c => c.Type == CommandType.Deposit && c.AccountId % 2 == 1);
        Assert.That(k, Is.GreaterThan(0), $"seed {_seed}: the stream has a deposit to alter");
        var altered = (Command[])stream.Clone();
        altered[k].Amount += 1;
        var changed = Replay(altered);
        Assert.That(changed.State, Is.Not.EqualTo(original.State), $"seed {_seed}: state hash after altering command {k}");
        Assert.That(changed.EventHash, Is.Not.EqualTo(original.EventHash), $"seed {_seed}: event hash after altering command {k}");

        // one lot more on an order half way that was accepted: at least its Accepted event differs (a rejection
        // does not echo the quantity, so a rejected order would prove nothing)
        var accepted = AcceptedCommands(stream);
        k = Array.FindIndex(stream, StreamLength / 2, c => c.Type == CommandType.PlaceOrder && c.OrderType == OrderType.Limit);
        while (!accepted[k]) k = Array.FindIndex(stream, k + 1, c => c.Type == CommandType.PlaceOrder && c.OrderType == OrderType.Limit);
        altered = (Command[])stream.Clone();
        altered[k].Quantity += Lot;
        Assert.That(Replay(altered).EventHash, Is.Not.EqualTo(original.EventHash), $"seed {_seed}: event hash after altering order {k}");
    }

    private readonly record struct Outcome(ulong State, ulong EventHash, long Events);

    private sealed class LastCommandSink : IEventSink
    {
        public List<OutputEvent> Events { get; } = new();

        public void Publish(ReadOnlySpan<OutputEvent> events)
        {
            foreach (var e in events) Events.Add(e);
        }
    }

    private static ExchangeLogic NewLogic(IEventSink sink) =>
        new(new EngineConfig { InitialOrders = 1024, InitialAccounts = 64, EventBufferSize = 64 }, sink);

    /// <summary>Which commands of the stream were accepted.</summary>
    private static bool[] AcceptedCommands(Command[] stream)
    {
        var sink = new LastCommandSink();
        var logic = NewLogic(sink);
        var accepted = new bool[stream.Length];
        for (var i = 0; i < stream.Length; i++)
        {
            logic.Process(ref stream[i], i + 1);
            logic.FlushEvents();
            accepted[i] = sink.Events.Count > 0 && sink.Events[0].Type == EventType.Accepted;
            sink.Events.Clear();
        }
        return accepted;
    }

    private static Outcome Replay(Command[] stream)
    {
        var sink = new LastCommandSink();
        var logic = NewLogic(sink);
        for (var i = 0; i < stream.Length; i++)
        {
            logic.Process(ref stream[i], i + 1);
            logic.FlushEvents();
            sink.Events.Clear();
        }
        Assert.That(logic.ValidateInvariants(), Is.Null);
        return new Outcome(logic.StateHash(), logic.EventHash, logic.EventsEmitted);
    }

    /// <summary>Builds the stream against a first instance, which tells the order ids a cancel or replace may name.</summary>
    private static Command[] RecordStream(int seed, int length, out Outcome recorded)
    {
        var random = new Random(seed);
        var sink = new LastCommandSink();
        var logic = NewLogic(sink);
        var stream = new List<Command>(length + 64);
        var open = new List<(long Id, int Account, int Instrument)>(); // orders that may still be open
        var closed = new HashSet<long>();                                  // orders seen canceled or filled

        void Send(Command cmd)
        {
            cmd.ReceiveTime = 1_700_000_000_000_000_000 + stream.Count * 1_000L;
            stream.Add(cmd);
            logic.Process(ref cmd, stream.Count);
            logic.FlushEvents();
            foreach (var e in sink.Events)
            {
                if (e.Type == EventType.Accepted && e.CommandType == CommandType.PlaceOrder) open.Add((e.OrderId, e.AccountId, e.InstrumentId));
                if (e.Type == EventType.Canceled || (e.Type == EventType.Fill && e.LeavesQuantity == 0)) closed.Add(e.OrderId);
            }
            sink.Events.Clear();
        }

        Send(Cmd.AddInstrument(1, Tick, Lot, Qty(1_000), makerFeePpm: 200, takerFeePpm: 500, bandBps: 1_000, maxLeverage: 100, ladderLog2: 12));
        Send(Cmd.AddInstrument(2, Tick, Lot, Qty(1_000), makerFeePpm: -100, takerFeePpm: 300, bandBps: 10_000, maxLeverage: 50, ladderLog2: 6));
        Send(Cmd.AddInstrument(3, 1_000_000, 10_000_000, 1_000_000_000, makerFeePpm: 0, takerFeePpm: 1, bandBps: 300, maxLeverage: 20, ladderLog2: 8));
        Send(Cmd.AddTier(1, 0, 1_000_000_000_000, 5_000, 100));
        Send(Cmd.AddAsset(1, 3_000 * FixedPoint.PriceScale, 50_000));
        for (var a = 1; a <= Accounts; a++)
        {
            Send(Cmd.CreateAccount(a));
            Send(Cmd.Deposit(a, 0, 100_000L * FixedPoint.MoneyScale)); // 100k USD: margin binds now and then
        }
        var center = new Dictionary<int, long> { [1] = 1_000, [2] = 5_000, [3] = 20_000 };

        while (stream.Count < length)
        {
            var account = random.Next(1, Accounts + 1);
            var instrument = _instruments[random.Next(_instruments.Length)];
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            var roll = random.Next(100);
            Command cmd;
            if (roll < 50)
            {
                var tick = instrument == 3 ? 1_000_000 : Tick;
                var lot = instrument == 3 ? 10_000_000 : Lot;
                var ticks = center[instrument] + random.Next(-12, 13);
                var flags = random.Next(10) switch { 0 => OrderFlags.PostOnly, 1 => OrderFlags.ReduceOnly, _ => OrderFlags.None };
                var tif = random.Next(10) switch { 0 or 1 => TimeInForce.ImmediateOrCancel, 2 => TimeInForce.FillOrKill, _ => TimeInForce.GoodTillCancel };
                var stp = (SelfTradeMode)random.Next(3);
                cmd = random.Next(12) == 0
                    ? Cmd.Market(account, instrument, side, lot * random.Next(1, 10), random.NextInt64(), tif, flags & ~OrderFlags.PostOnly, stp)
                    : Cmd.Limit(account, instrument, side, ticks * tick, lot * random.Next(1, 10), random.NextInt64(), tif, flags, stp);
            }
            else if (roll < 74 && PickOpen(open, closed, random) is var (id, owner, ins) && id != 0)
            {
                // mostly the owner; now and then a stale id (closed orders are kept in the list) or another account
                if (roll < 62) cmd = Cmd.Cancel(random.Next(20) == 0 ? account : owner, id, random.Next());
                else
                {
                    var tick = ins == 3 ? 1_000_000 : Tick;
                    var lot = ins == 3 ? 10_000_000 : Lot;
                    var price = random.Next(3) == 0 ? 0 : (center[ins] + random.Next(-12, 13)) * tick;
                    cmd = Cmd.Replace(owner, id, price, random.Next(3) == 0 ? 0 : lot * random.Next(1, 10), random.Next());
                }
            }
            else if (roll < 76) cmd = Cmd.MassCancel(account, random.Next(2) == 0 ? instrument : null);
            else if (roll < 80)
            {
                center[instrument] = Math.Max(100, center[instrument] + random.Next(-40, 41)); // also walks the small ladder
                cmd = Cmd.MarkPrice(instrument, center[instrument] * (instrument == 3 ? 1_000_000 : Tick));
            }
            else if (roll < 84) cmd = Cmd.Deposit(account, random.Next(2), random.Next(1, 1_000_000));
            else if (roll < 86) cmd = account % 2 == 0 ? Cmd.Withdraw(account, 0, random.Next(1, 2_000_000)) : Cmd.QueryAccount(account);
            else if (roll < 89) cmd = Cmd.QueryBook(instrument, random.Next(0, 6));
            else if (roll < 91) cmd = Cmd.SetLeverage(account, instrument, (ushort)random.Next(0, 120));
            else if (roll < 92) cmd = Cmd.SetMarginMode(account, instrument, (MarginMode)random.Next(3));
            else if (roll < 93) cmd = Cmd.AdjustIsolatedMargin(account, instrument, random.Next(-5, 5));
            else if (roll < 94) cmd = Cmd.AssetPrice(random.Next(3), random.Next(0, 5_000) * FixedPoint.PriceScale);
            else if (roll < 95) cmd = Cmd.Snapshot(random.Next());
            else if (roll < 96) cmd = new Command { Type = (CommandType)random.Next(200, 256), AccountId = account };
            else
            {
                // a burst: one account sweeps a whole side (many fills in one command)
                var tick = instrument == 3 ? 1_000_000 : Tick;
                var lot = instrument == 3 ? 10_000_000 : Lot;
                cmd = Cmd.Limit(account, instrument, side, (center[instrument] + (side == Side.Buy ? 12 : -12)) * tick,
                    lot * (instrument == 3 ? 90 : 200), tif: TimeInForce.ImmediateOrCancel);
            }
            cmd.SessionId = account * 7;
            Send(cmd);
            if (stream.Count % 10_000 == 0) Assert.That(logic.ValidateInvariants(), Is.Null, $"seed {seed}, command {stream.Count}");
        }
        recorded = new Outcome(logic.StateHash(), logic.EventHash, logic.EventsEmitted);
        return stream.ToArray();
    }

    /// <summary>A random order from the list, dropping (most) closed ones first; (0, 0, 0) when none is left.</summary>
    private static (long Id, int Account, int Instrument) PickOpen(List<(long Id, int Account, int Instrument)> open, HashSet<long> closed,
        Random random)
    {
        while (open.Count > 0)
        {
            var i = random.Next(open.Count);
            var item = open[i];
            if (!closed.Contains(item.Id) || random.Next(10) == 0) return item;
            open[i] = open[^1];
            open.RemoveAt(open.Count - 1);
        }
        return default;
    }
}
