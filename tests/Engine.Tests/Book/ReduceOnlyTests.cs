using Engine.Commands;
using Engine.Tests.Support;
using static Engine.Tests.Support.LogicHarness;

namespace Engine.Tests.Book;

public class ReduceOnlyTests
{
    private LogicHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new LogicHarness().WithMarket();

    private long Position(int account)
    {
        var row = _h.Logic.Positions.Find(account, Instrument);
        return row == 0 ? 0 : _h.Logic.Positions.Lots[row];
    }

    [Test]
    public void ShouldNeverIncreasePositionWhenReduceOnlyOrderIsRepricedToCross()
    {
        _h.Place(2, Side.Sell, 1000, 5);
        _h.Place(1, Side.Buy, 1000, 5);                                   // account 1 is long 5
        var reduce = _h.Place(1, Side.Sell, 1010, 5, flags: OrderFlags.ReduceOnly);
        _h.Place(3, Side.Buy, 1000, 5);
        _h.Place(1, Side.Sell, 1000, 5);                                  // account 1 is flat; its reduce-only sell still rests
        Assert.That(Position(1), Is.EqualTo(0));
        _h.Place(3, Side.Buy, 1005, 5);

        _h.Send(Cmd.Replace(1, reduce, Px(1005), 0));                     // reprice the reduce-only sell through the bid

        // whether the replace is refused or the order is capped and canceled, it must not open a short position
        Assert.That(Position(1), Is.EqualTo(0), "a reduce-only order traded as a taker and opened a position");
    }
}
