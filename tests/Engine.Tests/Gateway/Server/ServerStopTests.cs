using Engine.Commands;
using Engine.Events;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>Stopping: what was received is processed, journaled and answered, then every session gets Unavailable and closes.</summary>
public class ServerStopTests
{
    private const int MaxOrders = 1_000_000;

    [Test]
    public async Task ShouldAnswerEverythingItReceivedThenSayUnavailableWhenTheServerStops()
    {
        await using var server = ServerFixture.Start();
        var clients = new[] { await server.LoginAsync(AliceKey), await server.LoginAsync(BobKey) };
        var accounts = new[] { Alice, Bob };

        // both sessions stream orders (IOC on an empty side: accepted, then canceled, nothing rests) until the server
        // closes them: it stops in the middle of the stream
        var senders = clients.Select((c, k) => Task.Run(async () =>
        {
            for (var id = 1; id <= MaxOrders;)
            {
                var batch = new List<byte[]>();
                for (var n = 0; n < 10; n++, id++)
                    batch.Add(c.Encode(Limit(accounts[k], Side.Buy, 99_000m + id % 100, 0.001m, id, tif: TimeInForce.ImmediateOrCancel)));
                if (!await c.TrySendBytesAsync(Frames.Concat(batch))) return;
                // at most 1,000 unanswered: a client that reads slower than it sends would be cut off as a slow consumer
                var answered = id - 1_000;
                await c.WaitUntilAsync(() => c.ResponseCount >= answered || c.RemoteClosed, "answers to catch up");
            }
        })).ToArray();
        await clients[0].WaitUntilAsync(() => clients[0].ResponseCount >= 1_000, "the first answers");
        await server.StopAsync();
        await Task.WhenAll(senders);

        var answered = 0;
        foreach (var c in clients)
        {
            await c.WaitClosedAsync();
            var frames = c.Frames();
            var last = frames[^1];
            Assert.That(last.IsError && last.Error.Code == RejectCode.Unavailable && last.Error.Closing, Is.True, $"the last frame is Unavailable: {c.Describe()}");
            // the session's requests reach the engine in order, so the answered ones are the first n
            var ids = c.Events().Where(e => e.Type is EventType.Accepted or EventType.Rejected).Select(e => e.ClientOrderId).ToList();
            Assert.That(ids, Is.EqualTo(Enumerable.Range(1, ids.Count).Select(i => (long)i)), "answers in order, none missing");
            answered += ids.Count;
            TestContext.Out.WriteLine($"session {c.SessionId}: {ids.Count} orders answered before the stop");
        }
        Assert.That(server.Server.Logic.CommandsProcessed, Is.EqualTo(server.Setup.Count + answered), "every command the engine processed was answered");
        Assert.That(server.Server.DurableSequence, Is.EqualTo(server.Setup.Count + answered - 1), "and journaled");
    }
}
