using CsCheck;
using Engine.Commands;
using Engine.Events;
using Engine.Tests.Support;
using static Engine.Tests.Support.LogicHarness;

namespace Engine.Tests.Book;

/// <summary>
/// The price ladder covers 2^ladderLog2 ticks; a price outside the window moves it (a rebase) when every resting
/// order still fits, and is refused with PriceOutsideBand otherwise. Every command here also runs through the
/// reference model (<see cref="DifferentialRunner"/>), so matching after a move is checked event by event.
/// </summary>
public class LadderRebaseTests
{
    private DifferentialRunner _runner = null!;

    [SetUp]
    public void SetUp() => _runner = new DifferentialRunner(new MarketSetup(Accounts: 4, LadderLog2: 8, MaxOrderLots: 1_000)); // 256 ticks

    private List<OutputEvent> Run(Command cmd) => _runner.Run(cmd);

    /// <summary>Places a limit order, asserts it was accepted, and returns its model id.</summary>
    private long Place(int account, Side side, long priceTicks, long lots, TimeInForce tif = TimeInForce.GoodTillCancel)
    {
        var events = Run(Cmd.Limit(account, Instrument, side, Px(priceTicks), Qty(lots), tif: tif));
        Assert.That(events[0].Type, Is.EqualTo(EventType.Accepted), $"{side} {lots} @ {priceTicks}: {events[0].RejectCode}");
        return _runner.Model.OrdersAccepted; // the model id of the order just accepted
    }

    private void ExpectReject(Command cmd, RejectCode code)
    {
        var events = Run(cmd);
        Assert.That(events[0].Type, Is.EqualTo(EventType.Rejected));
        Assert.That(events[0].RejectCode, Is.EqualTo(code));
    }

    private long BasePrice => _runner.Harness.Logic.Instruments.Books[Instrument]!.BasePrice;

    private static List<OutputEvent> MakerFills(List<OutputEvent> events) =>
        events.FindAll(e => e.Type == EventType.Fill && e.Flags == EventFlags.Maker);

    [Test]
    public void ShouldMatchInPriceTimeOrderAfterTheWindowMovesUnderRestingOrders()
    {
        Place(1, Side.Buy, 1000, 2);
        var firstBase = BasePrice;
        Place(2, Side.Sell, 1200, 3); // outside the first window [872, 1127]: the window moves under the bid
        Assert.That(BasePrice, Is.Not.EqualTo(firstBase), "the window moved");
        Place(3, Side.Buy, 1100, 1);
        Place(2, Side.Buy, 1100, 1);
        Place(4, Side.Sell, 1150, 1);
        Place(1, Side.Buy, 960, 1); // the other way: below the moved window's low end, still fits
        Assert.That(_runner.Harness.Logic.ValidateInvariants(), Is.Null);

        var events = Run(Cmd.Limit(4, Instrument, Side.Sell, Px(1000), Qty(3), tif: TimeInForce.ImmediateOrCancel));
        var makers = MakerFills(events);
        Assert.That(makers.Select(e => (e.AccountId, e.Price)), Is.EqualTo(new[] { (3, Px(1100)), (2, Px(1100)), (1, Px(1000)) }),
            "best price first, then time, across the moved window");

        events = Run(Cmd.Limit(3, Instrument, Side.Buy, Px(1200), Qty(4), tif: TimeInForce.ImmediateOrCancel));
        makers = MakerFills(events);
        Assert.That(makers.Select(e => (e.AccountId, e.Price)), Is.EqualTo(new[] { (4, Px(1150)), (2, Px(1200)) }));
        Assert.That(makers[1].LeavesQuantity, Is.EqualTo(0));
    }

    [Test]
    public void ShouldTradeNormallyAfterTheBookMovesFarAway()
    {
        Place(1, Side.Sell, 1000, 1);
        Run(Cmd.Limit(2, Instrument, Side.Buy, Px(1000), Qty(1)));                 // trade: last price 1000
        Assert.That(Run(Cmd.MarkPrice(Instrument, Px(1_000_000)))[0].Type, Is.EqualTo(EventType.Accepted));
        Place(1, Side.Sell, 1_000_010, 2);                                          // empty book: the window jumps
        Assert.That(BasePrice, Is.GreaterThan(1_000_010L - 256).And.LessThanOrEqualTo(1_000_010L));
        Place(3, Side.Sell, 1_000_005, 2);
        Place(2, Side.Buy, 999_900, 1);
        Place(2, Side.Buy, 999_990, 1);

        var events = Run(Cmd.Market(4, Instrument, Side.Buy, Qty(3)));
        var makers = MakerFills(events);
        Assert.That(makers.Select(e => (e.AccountId, e.Price, e.Quantity)),
            Is.EqualTo(new[] { (3, Px(1_000_005), Qty(2)), (1, Px(1_000_010), Qty(1)) }));

        Run(Cmd.MarkPrice(Instrument, Px(500)));                                   // and all the way back down
        Run(Cmd.MassCancel(1));
        Run(Cmd.MassCancel(2));
        Place(3, Side.Buy, 505, 4);
        events = Run(Cmd.Limit(4, Instrument, Side.Sell, Px(500), Qty(4)));
        Assert.That(MakerFills(events).Single().Price, Is.EqualTo(Px(505)));
        Assert.That(_runner.Harness.Logic.OpenOrderCount, Is.EqualTo(0));
    }

    [Test]
    public void ShouldRejectAPriceThatCannotFitTheLadderWithTheRestingOrders()
    {
        _runner = new DifferentialRunner(new MarketSetup(Accounts: 4, LadderLog2: 6)); // 64 ticks
        Place(1, Side.Buy, 1000, 1);
        Place(2, Side.Sell, 1063, 1);                                                          // span 64: fits
        ExpectReject(Cmd.Limit(2, Instrument, Side.Sell, Px(1064), Qty(1)), RejectCode.PriceOutsideBand); // span 65
        ExpectReject(Cmd.Limit(3, Instrument, Side.Buy, Px(999), Qty(1)), RejectCode.PriceOutsideBand);
        Place(3, Side.Buy, 1001, 1);

        // orders that do not rest need no room on the ladder
        var events = Run(Cmd.Limit(3, Instrument, Side.Buy, Px(1070), Qty(2), tif: TimeInForce.ImmediateOrCancel));
        Assert.That(MakerFills(events), Has.Count.EqualTo(1));
        Assert.That(events[^1].CancelReason, Is.EqualTo(CancelReason.ImmediateOrCancel));

        // a replace to a price that does not fit is refused and leaves the order as it was
        var bid = Place(1, Side.Buy, 1002, 1);
        Place(2, Side.Sell, 1060, 1);
        ExpectReject(Cmd.Replace(1, bid, Px(990), 0), RejectCode.PriceOutsideBand);
        var book = Run(Cmd.QueryBook(Instrument, depth: 100));
        Assert.That(book[1].Price, Is.EqualTo(Px(1002)), "the bid kept its price");

        // once the far side is gone, the same price fits
        Run(Cmd.MassCancel(2));
        Assert.That(Run(Cmd.Replace(1, bid, Px(990), 0))[0].Type, Is.EqualTo(EventType.Accepted));
    }

    [Test]
    public void ShouldAgreeWithReferenceModelWhileTheWindowKeepsMoving()
    {
        // a 64-tick ladder, a center that jumps by up to 8 ticks × offset, frequent mass cancels: rebases under
        // resting orders in both directions, and prices that no longer fit
        var mix = new OpMix(Limit: 45, Market: 5, Cancel: 10, Replace: 12, MassCancel: 6, Mark: 4, QueryBook: 2, Drift: 12);
        var gen = Gen.Select(Gen.Int[3, 5], Gen.OneOfConst(4, 10, 20), Gen.Int[2, 8])
            .SelectMany((accounts, width, step) => CommandStreams.GenOp(accounts, width, mix).Array[20, 250]
                .Select(ops => new Scenario(new MarketSetup(accounts, LadderLog2: 6), width, step, ops)));
        gen.Sample(CommandStreams.RunScenario, iter: 800, print: CommandStreams.Minimize, writeLine: TestContext.Out.WriteLine);
    }
}
