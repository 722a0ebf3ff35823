using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>Heartbeats at the interval the client asked for (100 ms, the shortest), and silent connections closed.</summary>
public class HeartbeatTests
{
    private const int IntervalMs = 100;

    [Test]
    public async Task ShouldSendHeartbeatsAndKeepTheSessionWhenBothSidesAreIdleButAlive()
    {
        await using var server = ServerFixture.Start();
        var client = await server.LoginAsync(AliceKey, IntervalMs);
        Assert.That(client.Login!.Value.HeartbeatMs, Is.EqualTo(IntervalMs));

        // the client proves it is alive (every quarter interval) and sends nothing else; the server, with nothing to say,
        // heartbeats
        using var stop = new CancellationTokenSource();
        var alive = KeepAliveAsync(client, stop.Token);
        await client.WaitUntilAsync(() => client.Frames().Count(f => f.Type == MessageType.Heartbeat) >= 5, "five server heartbeats");
        await stop.CancelAsync();
        await alive;

        var id = 42L;
        await client.SendAsync(BookQuery(id));
        Assert.That((await client.WaitForResponseAsync(id)).Type, Is.EqualTo(EventType.Accepted), "the session is still open");
        var heartbeats = client.Frames().Where(f => f.Type == MessageType.Heartbeat).ToList();
        Assert.That(heartbeats.Select(h => h.Body.Length), Is.All.EqualTo(HeartbeatMessage.Size));
        foreach (var h in heartbeats)
        {
            Assert.That(HeartbeatMessage.TryRead(h.Body, out var message), Is.True);
            Assert.That(message.Timestamp, Is.GreaterThan(0), "the server's clock, ns since the epoch");
        }
        Assert.That(client.Violation, Is.Null, "heartbeats are numbered with the other frames");
        Assert.That(client.Errors(), Is.Empty);
    }

    [Test]
    public async Task ShouldCloseTheConnectionWhenTheClientSendsNothingForThreeIntervals()
    {
        await using var server = ServerFixture.Start();
        var silent = await server.LoginAsync(BobKey, IntervalMs);
        var alive = await server.LoginAsync(AliceKey, IntervalMs);
        using var stop = new CancellationTokenSource();
        var keepAlive = KeepAliveAsync(alive, stop.Token);

        await silent.WaitClosedAsync();
        Assert.That(silent.Frames()[0].Type, Is.EqualTo(MessageType.LoginAccepted));
        Assert.That(silent.Frames().Skip(1).Select(f => f.Type), Is.All.EqualTo(MessageType.Heartbeat), "closed without an error, after its heartbeats");

        // the live session, heartbeating all along, was not closed with it
        var id = 7L;
        await alive.SendAsync(BookQuery(id));
        Assert.That((await alive.WaitForResponseAsync(id)).Type, Is.EqualTo(EventType.Accepted));
        await stop.CancelAsync();
        await keepAlive;
        Assert.That(alive.RemoteClosed, Is.False);
    }

    [Test]
    public async Task ShouldCloseTheConnectionWhenTheClientNeverLogsIn()
    {
        // before login the server's default interval applies (shortened here to 200 ms)
        await using var server = ServerFixture.Start(defaultHeartbeatMs: 200);
        var client = await server.ConnectAsync();
        await client.WaitClosedAsync();
        Assert.That(client.Frames(), Is.Empty);
    }

    private static async Task KeepAliveAsync(RawClient client, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await client.SendHeartbeatAsync();
                await Task.Delay(IntervalMs / 4, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }
}
