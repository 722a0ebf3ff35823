using Engine.Commands;
using Engine.Events;
using Engine.Logic;

namespace Engine.Tests.Support;

/// <summary>Records every event the logic emits.</summary>
public sealed class RecordingSink : IEventSink
{
    public List<OutputEvent> Events { get; } = new();

    public void Publish(ReadOnlySpan<OutputEvent> events)
    {
        foreach (var e in events) Events.Add(e);
    }
}

/// <summary>
/// Drives <see cref="ExchangeLogic"/> one command at a time, as the ring would, and returns the events of
/// each command. Optionally checks every invariant after every command.
/// </summary>
public sealed class LogicHarness
{
    // BTC-like instrument: tick 0.1 USD, lot 0.001, so one tick·lot is 100 money units (1e-4 USD).
    public const long Tick = 10_000_000;
    public const long Lot = 100_000;
    public const int Instrument = 1;

    /// <summary>A deposit (1e9 USD) large enough that margin never limits a matching scenario.</summary>
    public const long AmpleCollateral = 1_000_000_000L * FixedPoint.MoneyScale;

    private readonly RecordingSink _sink = new();
    private long _sequence;

    public LogicHarness(EngineConfig? config = null, bool checkInvariants = true)
    {
        Logic = new ExchangeLogic(config ?? new EngineConfig { InitialOrders = 1024, InitialAccounts = 64 }, _sink);
        CheckInvariants = checkInvariants;
    }

    public ExchangeLogic Logic { get; }

    public bool CheckInvariants { get; set; }

    public long LastSequence => _sequence;

    /// <summary>Raw price for a price in ticks.</summary>
    public static long Px(long ticks) => ticks * Tick;

    /// <summary>Raw quantity for a quantity in lots.</summary>
    public static long Qty(long lots) => lots * Lot;

    /// <summary>Creates the standard instrument and accounts 1..accounts.</summary>
    public LogicHarness WithMarket(int accounts = 4, ushort bandBps = 10_000, byte ladderLog2 = 12)
    {
        Expect(Cmd.AddInstrument(Instrument, Tick, Lot, Qty(1_000_000), makerFeePpm: 200, takerFeePpm: 500,
            bandBps: bandBps, maxLeverage: 100, ladderLog2: ladderLog2), EventType.Accepted);
        for (var a = 1; a <= accounts; a++)
        {
            Expect(Cmd.CreateAccount(a), EventType.Accepted);
            Expect(Cmd.Deposit(a, 0, AmpleCollateral), EventType.Accepted);
        }
        return this;
    }

    public List<OutputEvent> Send(Command cmd)
    {
        var from = _sink.Events.Count;
        Logic.Process(ref cmd, ++_sequence);
        Logic.FlushEvents();
        if (CheckInvariants)
        {
            var problem = Logic.ValidateInvariants();
            if (problem != null) Assert.Fail($"invariant broken after command {_sequence} ({cmd.Type}): {problem}");
        }
        return _sink.Events.GetRange(from, _sink.Events.Count - from);
    }

    /// <summary>Sends and asserts the response type; returns all events of the command.</summary>
    public List<OutputEvent> Expect(Command cmd, EventType response)
    {
        var events = Send(cmd);
        Assert.That(events, Is.Not.Empty, "every command gets a response");
        var first = events[0];
        Assert.That(first.Type, Is.EqualTo(response),
            $"{cmd.Type}: expected {response}, got {first.Type} {(first.Type == EventType.Rejected ? first.RejectCode : default)}");
        return events;
    }

    /// <summary>Sends and asserts a rejection with <paramref name="code"/>.</summary>
    public void ExpectReject(Command cmd, RejectCode code)
    {
        var events = Send(cmd);
        Assert.That(events, Has.Count.EqualTo(1), "a rejection has no consequences");
        Assert.That(events[0].Type, Is.EqualTo(EventType.Rejected));
        Assert.That(events[0].RejectCode, Is.EqualTo(code));
    }

    /// <summary>Places a limit order, asserts it was accepted, and returns its order id.</summary>
    public long Place(int account, Side side, long priceTicks, long lots, TimeInForce tif = TimeInForce.GoodTillCancel,
        OrderFlags flags = OrderFlags.None, SelfTradeMode stp = SelfTradeMode.CancelResting, long clientOrderId = 0) =>
        Expect(Cmd.Limit(account, Instrument, side, Px(priceTicks), Qty(lots), clientOrderId, tif, flags, stp), EventType.Accepted)[0].OrderId;

    public IReadOnlyList<OutputEvent> AllEvents => _sink.Events;
}
