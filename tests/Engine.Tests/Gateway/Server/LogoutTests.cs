using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>Logout: every request sent before it is answered, then the Logout frame, then the close.</summary>
public class LogoutTests
{
    [Test]
    public async Task ShouldAnswerEveryRequestThenLogOutThenCloseWhenTheClientLogsOut()
    {
        await using var server = ServerFixture.Start();
        var maker = await server.LoginAsync(MakerKey);
        await maker.SendAsync(Limit(Maker, Side.Sell, 100_000m, 0.005m, clientOrderId: 1));
        await maker.WaitForResponseAsync(1);

        var client = await server.LoginAsync(AliceKey);
        var frames = new List<byte[]>();
        for (var i = 1; i <= 20; i++)
        {
            // the first few cross the maker's order (fills), the rest rest on the book
            var price = i <= 3 ? 100_000m : 99_000m + i;
            frames.Add(client.Encode(Limit(Alice, Side.Buy, price, 0.001m, clientOrderId: i)));
        }
        frames.Add(client.Encode(AccountQuery(Alice, requestId: 100)));
        frames.Add(Frames.Logout(client.TakeSequence()));
        await client.SendBytesAsync(Frames.Concat(frames));
        await client.WaitClosedAsync();

        var received = client.Frames();
        var logout = received.FindIndex(f => f.Type == MessageType.Logout);
        Assert.That(logout, Is.GreaterThan(0), client.Describe());
        Assert.That(logout, Is.EqualTo(received.Count - 1), "nothing after the Logout frame");
        Assert.That(received[logout].Body, Is.Empty);
        for (var i = 1; i <= 20; i++) Assert.That(client.ResponsesTo(i), Has.Count.EqualTo(1), $"order {i}");
        Assert.That(client.ResponsesTo(1)[0].Type, Is.EqualTo(EventType.Accepted));
        var fills = client.Events().Where(e => e.Type == EventType.Fill).ToList();
        Assert.That(fills, Has.Count.EqualTo(3), "the three crossing orders filled, and their fills came before the Logout");
        var query = client.ResponsesTo(100).Single();
        var rows = client.Events().Where(e => e.InputSequence == query.InputSequence && e.Type >= EventType.BookLevel).ToList();
        Assert.That(rows, Has.Count.EqualTo(query.Count), "every row of the last query came before the Logout");
        Assert.That(rows.Count(r => r.Type == EventType.OpenOrder), Is.EqualTo(17));
        Assert.That(client.Errors(), Is.Empty);
        Assert.That(client.Violation, Is.Null);
    }

    [Test]
    public async Task ShouldSendEveryRowOfALongQueryBeforeLoggingOutWhenItSpansSeveralEngineBatches()
    {
        // 600 levels: the query's 601 events exceed the engine's event buffer (512) and leave it in two flushes
        await using var server = ServerFixture.Start();
        var maker = await server.LoginAsync(MakerKey);
        var orders = new List<byte[]>();
        for (var i = 0; i < 300; i++)
        {
            orders.Add(maker.Encode(Limit(Maker, Side.Sell, 3_001m + i * 0.25m, 0.01m, 2 * i, Eth)));
            orders.Add(maker.Encode(Limit(Maker, Side.Buy, 2_999m - i * 0.25m, 0.01m, 2 * i + 1, Eth)));
        }
        await maker.SendBytesAsync(Frames.Concat(orders));
        await maker.WaitUntilAsync(() => maker.ResponseCount == 600, "the maker's orders");
        Assert.That(maker.Events().Where(e => e.Type == EventType.Rejected), Is.Empty);

        for (var round = 0; round < 10; round++)
        {
            var client = await server.LoginAsync(AliceKey);
            var bytes = Frames.Concat([client.Encode(BookQuery(requestId: 1, Eth, depth: 1000)), Frames.Logout(client.TakeSequence())]);
            await client.SendBytesAsync(bytes);
            await client.WaitClosedAsync();
            var query = client.ResponsesTo(1).Single();
            Assert.That(query.Count, Is.EqualTo(600));
            var frames = client.Frames();
            Assert.That(frames.Count(f => f.IsEvent && f.Event.Type == EventType.BookLevel), Is.EqualTo(600), $"round {round}: every row before the Logout");
            Assert.That(frames[^1].Type, Is.EqualTo(MessageType.Logout));
        }
    }
}
