using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>A session that does not read is cut off once its unsent bytes pass the limit; nobody else waits for it.</summary>
public class SlowConsumerTests
{
    private const int OutboundLimit = 64 * 1024;
    private const int Levels = 100;
    private const int OtherRequests = 2_000;

    [Test]
    public async Task ShouldDisconnectASessionThatDoesNotReadWhileOthersAreStillServed()
    {
        await using var server = ServerFixture.Start(outboundLimitBytes: OutboundLimit);

        // a deep book, so that every full-depth query answers with about 20 KB of rows
        var maker = await server.LoginAsync(MakerKey);
        var orders = new List<byte[]>();
        for (var i = 0; i < Levels; i++)
        {
            orders.Add(maker.Encode(Limit(Maker, Side.Sell, 100_010m + i, 0.001m, clientOrderId: 2 * i)));
            orders.Add(maker.Encode(Limit(Maker, Side.Buy, 99_990m - i, 0.001m, clientOrderId: 2 * i + 1)));
        }
        await maker.SendBytesAsync(Frames.Concat(orders));
        await maker.WaitUntilAsync(() => maker.ResponseCount == 2 * Levels, "the maker's orders");
        Assert.That(maker.Events().Where(e => e.Type == EventType.Rejected), Is.Empty);

        var other = await server.LoginAsync(BobKey);
        var slow = await server.ConnectAsync(receiveBufferSize: 4096, startReading: false);
        await slow.SendLoginAsync(AliceKey);
        var sessions = server.Server.SessionCount;
        Assert.That(sessions, Is.EqualTo(3));

        var flood = FloodAsync(server, slow, sessions);
        var served = ServeAsync(other);
        await Task.WhenAll(flood, served);
        var floodRequests = await flood;

        // the other session got every answer, exactly once, and was never cut off
        for (var id = 1; id <= OtherRequests; id++) Assert.That(other.ResponsesTo(id), Has.Count.EqualTo(1), $"request {id}");
        Assert.That(other.RemoteClosed, Is.False);
        Assert.That(other.Errors(), Is.Empty);
        Assert.That(server.Log.Any(l => l.Contains("slow consumer", StringComparison.Ordinal)), Is.True, string.Join("\n", server.Log));

        // the slow client finds a closed connection holding a prefix of its answers (often nothing at all: the server
        // closes with unread requests in its buffer, so the connection is reset and the client's kernel drops what it held)
        slow.StartReading();
        await slow.WaitClosedAsync();
        var frames = slow.Frames();
        if (frames.Count > 0) Assert.That(frames[0].Type, Is.EqualTo(MessageType.LoginAccepted));
        Assert.That(slow.ResponseCount, Is.LessThan(floodRequests), "cut off before it was sent every answer");
        TestContext.Out.WriteLine($"the slow session sent {floodRequests} queries and received {slow.ResponseCount} answers, {frames.Count} frames");

        await server.StopAsync();
        Assert.That(server.Server.Logic.ValidateInvariants(), Is.Null);
        Assert.That(server.Server.Logic.CommandsProcessed, Is.GreaterThanOrEqualTo(server.Setup.Count + 2 * Levels + OtherRequests));
    }

    /// <summary>Full-depth book queries, 50 per write, never reading, until the server drops the session.</summary>
    private static async Task<int> FloodAsync(ServerFixture server, RawClient slow, int sessions)
    {
        var sent = 0;
        while (server.Server.SessionCount == sessions && sent < 50_000)
        {
            var batch = new List<byte[]>();
            for (var i = 0; i < 50; i++) batch.Add(slow.Encode(BookQuery(++sent, depth: Levels)));
            if (!await slow.TrySendBytesAsync(Frames.Concat(batch))) break;
        }
        await Eventually.UntilAsync(() => server.Server.SessionCount == sessions - 1, "the slow session to be dropped");
        return sent;
    }

    /// <summary>Small requests in writes of 20, each write's answers awaited before the next.</summary>
    private static async Task ServeAsync(RawClient other)
    {
        for (var id = 1; id <= OtherRequests;)
        {
            var batch = new List<byte[]>();
            for (var i = 0; i < 20; i++, id++)
                batch.Add(id % 2 == 0 ? other.Encode(BookQuery(id, depth: 1)) : other.Encode(AccountQuery(Bob, id)));
            await other.SendBytesAsync(Frames.Concat(batch));
            var expected = id - 1;
            await other.WaitUntilAsync(() => other.ResponseCount >= expected, $"{expected} answers");
        }
    }
}
