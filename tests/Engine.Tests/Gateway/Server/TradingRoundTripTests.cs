using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>A maker rests, a taker crosses: each side hears about its own trade, and only its own.</summary>
public class TradingRoundTripTests
{
    [Test]
    public async Task ShouldDeliverEachFillToTheSessionsOfItsAccountWhenATakerCrossesAMaker()
    {
        await using var server = ServerFixture.Start();
        var maker = await server.LoginAsync(MakerKey);
        var taker = await server.LoginAsync(AliceKey);
        var desk = await server.LoginAsync(DeskKey);  // also granted alice's account: sees her fill too
        var bob = await server.LoginAsync(BobKey);    // not involved: sees nothing

        await maker.SendAsync(Limit(Maker, Side.Sell, 100_000m, 0.01m, clientOrderId: 501));
        var rested = await maker.WaitForResponseAsync(501);
        Assert.That(rested.Type, Is.EqualTo(EventType.Accepted), ReceivedFrame.Describe(rested));
        Assert.That(rested.OrderId, Is.GreaterThan(0), "PlaceOrder's Accepted carries the engine order id");
        Assert.That(rested.SessionId, Is.EqualTo(maker.SessionId));

        await taker.SendAsync(Limit(Alice, Side.Buy, 100_000m, 0.01m, clientOrderId: 901));
        var accepted = await taker.WaitForResponseAsync(901);
        Assert.That(accepted.Type, Is.EqualTo(EventType.Accepted), ReceivedFrame.Describe(accepted));
        Assert.That(accepted.OrderId, Is.GreaterThan(0));
        Assert.That(accepted.OrderId, Is.Not.EqualTo(rested.OrderId));
        Assert.That(accepted.SessionId, Is.EqualTo(taker.SessionId));

        await taker.WaitUntilAsync(() => taker.Events().Any(e => e.Type == EventType.Fill), "the taker's fill");
        await maker.WaitUntilAsync(() => maker.Events().Any(e => e.Type == EventType.Fill), "the maker's fill");
        await desk.WaitUntilAsync(() => desk.Events().Any(e => e.Type == EventType.Fill), "alice's fill on the desk session");
        // fences: a query answered after the trade proves nothing more about it is on its way
        foreach (var (c, id) in new[] { (taker, 1L), (maker, 2L), (desk, 3L), (bob, 4L) })
        {
            await c.SendAsync(BookQuery(id));
            await c.WaitForQueryAsync(id);
        }

        var takerFill = taker.Events().Single(e => e.Type == EventType.Fill);
        var makerFill = maker.Events().Single(e => e.Type == EventType.Fill);
        Assert.Multiple(() =>
        {
            Assert.That(takerFill.AccountId, Is.EqualTo(Alice));
            Assert.That(takerFill.Flags & EventFlags.Maker, Is.EqualTo(EventFlags.None));
            Assert.That(takerFill.OrderId, Is.EqualTo(accepted.OrderId));
            Assert.That(takerFill.ClientOrderId, Is.EqualTo(901));
            Assert.That(takerFill.InputSequence, Is.EqualTo(accepted.InputSequence), "the fill is a consequence of the taker's command");
            Assert.That(takerFill.Price, Is.EqualTo(Px(100_000m)));
            Assert.That(takerFill.Quantity, Is.EqualTo(Qty(0.01m)));
            Assert.That(takerFill.LeavesQuantity, Is.Zero);

            Assert.That(makerFill.AccountId, Is.EqualTo(Maker));
            Assert.That(makerFill.Flags & EventFlags.Maker, Is.EqualTo(EventFlags.Maker));
            Assert.That(makerFill.OrderId, Is.EqualTo(rested.OrderId));
            Assert.That(makerFill.ClientOrderId, Is.EqualTo(501));
            Assert.That(makerFill.SessionId, Is.EqualTo(maker.SessionId), "the maker's fill names the session that placed the order");
            Assert.That(makerFill.InputSequence, Is.EqualTo(accepted.InputSequence));
            Assert.That(makerFill.MatchId, Is.EqualTo(takerFill.MatchId), "one trade, one match id");
            Assert.That(makerFill.MatchId, Is.GreaterThan(0));
            Assert.That(makerFill.Quantity, Is.EqualTo(takerFill.Quantity));
            Assert.That(makerFill.Price, Is.EqualTo(takerFill.Price));
        });

        // each session sees its own account's events and its own responses, nothing else
        Assert.That(taker.Events().Where(e => e.Type == EventType.Fill).Select(e => e.AccountId), Is.All.EqualTo(Alice));
        Assert.That(maker.Events().Where(e => e.Type == EventType.Fill).Select(e => e.AccountId), Is.All.EqualTo(Maker));
        Assert.That(desk.Events().Where(e => e.Type == EventType.Fill).ToList(), Has.Count.EqualTo(1));
        Assert.That(desk.Events().Single(e => e.Type == EventType.Fill).MatchId, Is.EqualTo(takerFill.MatchId));
        Assert.That(bob.Events().Where(e => e.Type is not (EventType.Accepted or EventType.BookLevel)), Is.Empty);
        Assert.That(maker.ResponsesTo(901), Is.Empty, "the taker's response goes to the taker only");
        Assert.That(desk.ResponsesTo(901), Is.Empty);
        Assert.That(taker.ResponsesTo(501), Is.Empty);

        foreach (var c in new[] { taker, maker, desk, bob })
        {
            var events = c.Events();
            Assert.That(events.Select(e => e.InputSequence), Is.Ordered, $"session {c.SessionId}: events in engine order");
            foreach (var e in events.Where(e => e.Type is EventType.Accepted or EventType.Rejected or EventType.BookLevel))
                Assert.That(e.SessionId, Is.EqualTo(c.SessionId), "responses and query rows go to the requester only");
            Assert.That(c.Violation, Is.Null);
        }
        var takerEvents = taker.Events();
        Assert.That(takerEvents.FindIndex(e => e.Type == EventType.Accepted && e.ClientOrderId == 901),
            Is.LessThan(takerEvents.FindIndex(e => e.Type == EventType.Fill)), "the response comes before its consequences");
        Assert.That(maker.Frames().Where(f => f.Type == MessageType.Error), Is.Empty);
    }
}
