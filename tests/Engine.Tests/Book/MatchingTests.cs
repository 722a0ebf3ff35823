using Engine.Commands;
using Engine.Events;
using Engine.Tests.Support;
using static Engine.Tests.Support.LogicHarness;

namespace Engine.Tests.Book;

public class MatchingTests
{
    private LogicHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new LogicHarness().WithMarket();

    private static List<OutputEvent> Fills(List<OutputEvent> events) => events.FindAll(e => e.Type == EventType.Fill);

    [Test]
    public void ShouldFillAcrossLevelsInPriceThenTimeOrder()
    {
        var a1 = _h.Place(1, Side.Sell, 1001, 2);
        var a2 = _h.Place(2, Side.Sell, 1000, 3);
        var a3 = _h.Place(3, Side.Sell, 1000, 1);
        var events = _h.Expect(Cmd.Limit(4, Instrument, Side.Buy, Px(1001), Qty(5)), EventType.Accepted);
        var fills = Fills(events);
        Assert.That(fills, Has.Count.EqualTo(6));
        // taker/maker pairs: 3 @1000 from a2, 1 @1000 from a3, 1 @1001 from a1
        Assert.That(fills[1].OrderId, Is.EqualTo(a2));
        Assert.That(fills[1].Quantity, Is.EqualTo(Qty(3)));
        Assert.That(fills[1].Price, Is.EqualTo(Px(1000)));
        Assert.That(fills[3].OrderId, Is.EqualTo(a3));
        Assert.That(fills[5].OrderId, Is.EqualTo(a1));
        Assert.That(fills[5].Price, Is.EqualTo(Px(1001)));
        Assert.That(fills[5].LeavesQuantity, Is.EqualTo(Qty(1)));
        Assert.That(fills[4].LeavesQuantity, Is.EqualTo(0), "taker fully filled");
        Assert.That(fills[0].Flags, Is.EqualTo(EventFlags.None));
        Assert.That(fills[1].Flags, Is.EqualTo(EventFlags.Maker));
        Assert.That(fills[0].MatchId, Is.EqualTo(fills[1].MatchId));
        Assert.That(_h.Logic.OpenOrderCount, Is.EqualTo(1), "only the rest of a1 remains");
    }

    [Test]
    public void ShouldChargeTakerAndMakerFeesRoundedInTheVenuesFavour()
    {
        _h.Place(1, Side.Sell, 1000, 3);
        var fills = Fills(_h.Expect(Cmd.Limit(2, Instrument, Side.Buy, Px(1000), Qty(3)), EventType.Accepted));
        // notional = 1000 ticks · 3 lots · 100 money units = 300,000 (0.30 USD); taker 500 ppm, maker 200 ppm
        Assert.That(fills[0].Fee, Is.EqualTo(150));
        Assert.That(fills[1].Fee, Is.EqualTo(60));
        Assert.That(ExchangeLogicFee(1, 1), Is.EqualTo(1), "a charge rounds up");
        Assert.That(ExchangeLogicFee(1, -1), Is.EqualTo(0), "a rebate rounds toward zero");
    }

    private static long ExchangeLogicFee(long notional, int ppm) => Engine.Logic.ExchangeLogic.Fee(notional, ppm);

    [Test]
    public void ShouldRestGoodTillCancelRemainder()
    {
        _h.Place(1, Side.Sell, 1000, 2);
        var events = _h.Expect(Cmd.Limit(2, Instrument, Side.Buy, Px(1000), Qty(5)), EventType.Accepted);
        Assert.That(events.Exists(e => e.Type == EventType.Canceled), Is.False);
        var book = _h.Expect(Cmd.QueryBook(Instrument), EventType.Accepted);
        Assert.That(book[0].Count, Is.EqualTo(1));
        Assert.That(book[1].Side, Is.EqualTo(Side.Buy));
        Assert.That(book[1].Quantity, Is.EqualTo(Qty(3)));
    }

    [Test]
    public void ShouldCancelImmediateOrCancelRemainder()
    {
        _h.Place(1, Side.Sell, 1000, 2);
        var events = _h.Expect(Cmd.Limit(2, Instrument, Side.Buy, Px(1000), Qty(5), tif: TimeInForce.ImmediateOrCancel), EventType.Accepted);
        Assert.That(Fills(events), Has.Count.EqualTo(2));
        Assert.That(events[^1].Type, Is.EqualTo(EventType.Canceled));
        Assert.That(events[^1].CancelReason, Is.EqualTo(CancelReason.ImmediateOrCancel));
        Assert.That(_h.Logic.OpenOrderCount, Is.EqualTo(0));
    }

    [Test]
    public void ShouldKillFillOrKillThatCannotFillWhole()
    {
        _h.Place(1, Side.Sell, 1000, 2);
        _h.Place(1, Side.Sell, 1002, 5);
        var events = _h.Expect(Cmd.Limit(2, Instrument, Side.Buy, Px(1001), Qty(3), tif: TimeInForce.FillOrKill), EventType.Accepted);
        Assert.That(events, Has.Count.EqualTo(2));
        Assert.That(events[1].CancelReason, Is.EqualTo(CancelReason.FillOrKill));
        Assert.That(_h.Logic.OpenOrderCount, Is.EqualTo(2), "nothing on the book changed");
        events = _h.Expect(Cmd.Limit(2, Instrument, Side.Buy, Px(1002), Qty(3), tif: TimeInForce.FillOrKill), EventType.Accepted);
        Assert.That(Fills(events), Has.Count.EqualTo(4));
        Assert.That(events.Exists(e => e.Type == EventType.Canceled), Is.False);
    }

    [Test]
    public void ShouldRejectPostOnlyThatWouldTake()
    {
        _h.Place(1, Side.Sell, 1000, 2);
        _h.ExpectReject(Cmd.Limit(2, Instrument, Side.Buy, Px(1000), Qty(1), flags: OrderFlags.PostOnly), RejectCode.PostOnlyWouldTake);
        _h.Place(2, Side.Buy, 999, 1, flags: OrderFlags.PostOnly);
        Assert.That(_h.Logic.OpenOrderCount, Is.EqualTo(2));
    }

    [Test]
    public void ShouldBoundMarketOrdersByThePriceBand()
    {
        _h = new LogicHarness().WithMarket(bandBps: 100); // 1%
        _h.ExpectReject(Cmd.Market(2, Instrument, Side.Buy, Qty(1)), RejectCode.NoReferencePrice);
        _h.Expect(Cmd.MarkPrice(Instrument, Px(1000)), EventType.Accepted);
        _h.Place(1, Side.Sell, 1005, 1);
        _h.Place(1, Side.Sell, 1010, 1);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Sell, Px(1011), Qty(1)), RejectCode.PriceOutsideBand);
        var events = _h.Expect(Cmd.Market(2, Instrument, Side.Buy, Qty(3)), EventType.Accepted);
        Assert.That(Fills(events), Has.Count.EqualTo(4), "takes both levels within +1% (1010)");
        Assert.That(events[^1].CancelReason, Is.EqualTo(CancelReason.ImmediateOrCancel));
        Assert.That(events[^1].Quantity, Is.EqualTo(Qty(1)), "the cancel reports the unfilled rest");
    }

    [Test]
    public void ShouldKeepPriorityOnlyWhenReducingQuantityAtSamePrice()
    {
        var first = _h.Place(1, Side.Sell, 1000, 5);
        var second = _h.Place(2, Side.Sell, 1000, 5);
        var replaced = _h.Expect(Cmd.Replace(1, first, 0, Qty(3)), EventType.Accepted);
        Assert.That(replaced[1].Type, Is.EqualTo(EventType.Replaced));
        Assert.That(replaced[1].Flags, Is.EqualTo(EventFlags.PriorityKept));
        var fills = Fills(_h.Expect(Cmd.Limit(3, Instrument, Side.Buy, Px(1000), Qty(1)), EventType.Accepted));
        Assert.That(fills[1].OrderId, Is.EqualTo(first), "still first in the queue");

        replaced = _h.Expect(Cmd.Replace(1, first, 0, Qty(4)), EventType.Accepted);
        Assert.That(replaced[1].Flags, Is.EqualTo(EventFlags.None), "increasing quantity loses priority");
        fills = Fills(_h.Expect(Cmd.Limit(3, Instrument, Side.Buy, Px(1000), Qty(1)), EventType.Accepted));
        Assert.That(fills[1].OrderId, Is.EqualTo(second));

        replaced = _h.Expect(Cmd.Replace(2, second, Px(1001), 0), EventType.Accepted);
        Assert.That(replaced[1].Flags, Is.EqualTo(EventFlags.None), "a price change loses priority");
        fills = Fills(_h.Expect(Cmd.Limit(3, Instrument, Side.Buy, Px(1001), Qty(1)), EventType.Accepted));
        Assert.That(fills[1].OrderId, Is.EqualTo(first), "the better price goes first");
    }

    [Test]
    public void ShouldMatchWhenReplacedPriceCrosses()
    {
        _h.Place(1, Side.Sell, 1005, 2);
        var bid = _h.Place(2, Side.Buy, 1000, 3);
        var events = _h.Expect(Cmd.Replace(2, bid, Px(1005), 0), EventType.Accepted);
        Assert.That(Fills(events), Has.Count.EqualTo(2));
        var book = _h.Expect(Cmd.QueryBook(Instrument), EventType.Accepted);
        Assert.That(book[1].Side, Is.EqualTo(Side.Buy));
        Assert.That(book[1].Price, Is.EqualTo(Px(1005)));
        Assert.That(book[1].Quantity, Is.EqualTo(Qty(1)));
    }

    [Test]
    public void ShouldCancelRestingOrderOnSelfTradeByDefault()
    {
        var own = _h.Place(1, Side.Sell, 1000, 2);
        var other = _h.Place(2, Side.Sell, 1000, 2);
        var events = _h.Expect(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), Qty(2)), EventType.Accepted);
        Assert.That(events[1].Type, Is.EqualTo(EventType.Canceled));
        Assert.That(events[1].OrderId, Is.EqualTo(own));
        Assert.That(events[1].CancelReason, Is.EqualTo(CancelReason.SelfTradeResting));
        Assert.That(Fills(events)[1].OrderId, Is.EqualTo(other));
    }

    [Test]
    public void ShouldCancelTakerOnSelfTradeWhenAsked()
    {
        _h.Place(2, Side.Sell, 1000, 1);
        var own = _h.Place(1, Side.Sell, 1000, 2);
        var events = _h.Expect(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), Qty(3), stp: SelfTradeMode.CancelTaker), EventType.Accepted);
        Assert.That(Fills(events), Has.Count.EqualTo(2), "trades with the other account first");
        Assert.That(events[^1].CancelReason, Is.EqualTo(CancelReason.SelfTradeTaker));
        Assert.That(_h.Logic.OpenOrderCount, Is.EqualTo(1), "own resting order survives");
        events = _h.Expect(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), Qty(3), stp: SelfTradeMode.CancelBoth), EventType.Accepted);
        Assert.That(events[1].OrderId, Is.EqualTo(own));
        Assert.That(events[1].CancelReason, Is.EqualTo(CancelReason.SelfTradeResting));
        Assert.That(events[2].CancelReason, Is.EqualTo(CancelReason.SelfTradeTaker));
        Assert.That(_h.Logic.OpenOrderCount, Is.EqualTo(0));
    }

    [Test]
    public void ShouldMassCancelAnAccountOptionallyByInstrument()
    {
        _h.Expect(Cmd.AddInstrument(2, Tick, Lot, Qty(100), 0, 0, 1000, 50, 10), EventType.Accepted);
        _h.Place(1, Side.Sell, 1000, 1);
        _h.Place(1, Side.Buy, 900, 1);
        _h.Expect(Cmd.Limit(1, 2, Side.Buy, Px(50), Qty(1)), EventType.Accepted);
        var other = _h.Place(2, Side.Buy, 901, 1);
        var events = _h.Expect(Cmd.MassCancel(1, Instrument), EventType.Accepted);
        Assert.That(events[0].Count, Is.EqualTo(2));
        Assert.That(events.FindAll(e => e.CancelReason == CancelReason.MassCancel), Has.Count.EqualTo(2));
        events = _h.Expect(Cmd.MassCancel(1), EventType.Accepted);
        Assert.That(events[0].Count, Is.EqualTo(1));
        Assert.That(_h.Logic.OpenOrderCount, Is.EqualTo(1));
        _h.Expect(Cmd.Cancel(2, other), EventType.Accepted);
    }

    [Test]
    public void ShouldNeverLetReduceOnlyIncreaseAPosition()
    {
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Sell, Px(1000), Qty(1), flags: OrderFlags.ReduceOnly), RejectCode.ReduceOnlyWouldIncrease);
        _h.Place(2, Side.Sell, 1000, 5);
        _h.Place(1, Side.Buy, 1000, 5); // account 1 is now long 5
        var reduce = _h.Place(1, Side.Sell, 1010, 5, flags: OrderFlags.ReduceOnly);
        _h.ExpectReject(Cmd.Replace(1, reduce, 0, Qty(6)), RejectCode.ReduceOnlyWouldIncrease);
        _h.Place(1, Side.Sell, 1005, 5); // a plain sell that will close the position first
        var events = _h.Expect(Cmd.Limit(3, Instrument, Side.Buy, Px(1010), Qty(10)), EventType.Accepted);
        Assert.That(Fills(events), Has.Count.EqualTo(2), "only the plain sell trades");
        var cancel = events.Find(e => e.Type == EventType.Canceled && e.OrderId == reduce);
        Assert.That(cancel.CancelReason, Is.EqualTo(CancelReason.ReduceOnly));
    }

    [Test]
    public void ShouldRejectInvalidFieldsWithPreciseReasons()
    {
        _h.ExpectReject(Cmd.Limit(1, 99, Side.Buy, Px(1000), Qty(1)), RejectCode.UnknownInstrument);
        _h.ExpectReject(Cmd.Limit(77, Instrument, Side.Buy, Px(1000), Qty(1)), RejectCode.UnknownAccount);
        _h.ExpectReject(Cmd.Limit(1, Instrument, (Side)9, Px(1000), Qty(1)), RejectCode.InvalidSide);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Buy, Px(1000) + 1, Qty(1)), RejectCode.PriceOffTick);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Buy, 0, Qty(1)), RejectCode.PriceNotPositive);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), 0), RejectCode.QuantityNotPositive);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), -Lot), RejectCode.QuantityNotPositive);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), Lot + 1), RejectCode.QuantityOffLot);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), Qty(1_000_001)), RejectCode.QuantityTooLarge);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), Qty(1), tif: (TimeInForce)7), RejectCode.InvalidTimeInForce);
        _h.ExpectReject(Cmd.Limit(1, Instrument, Side.Buy, Px(1000), Qty(1), tif: TimeInForce.ImmediateOrCancel, flags: OrderFlags.PostOnly), RejectCode.InvalidFlags);
        var id = _h.Place(1, Side.Buy, 1000, 1);
        _h.ExpectReject(Cmd.Cancel(2, id), RejectCode.NotOrderOwner);
        _h.ExpectReject(Cmd.Cancel(1, id + 1), RejectCode.UnknownOrder);
        _h.Expect(Cmd.Cancel(1, id), EventType.Accepted);
        _h.ExpectReject(Cmd.Cancel(1, id), RejectCode.UnknownOrder);
        _h.ExpectReject(new Command { Type = (CommandType)250 }, RejectCode.UnknownCommand);
    }
}
