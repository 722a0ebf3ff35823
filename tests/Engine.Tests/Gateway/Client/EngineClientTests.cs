using System.Net;
using System.Net.Sockets;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Client;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Client.Support;

namespace Engine.Tests.Gateway.Client;

public class EngineClientTests
{
    private static readonly TimeSpan _timeout = FakeGatewayServer.Timeout;

    private static async Task<(EngineClient Client, FakeSession Session)> ConnectAsync(FakeGatewayServer server, string key = "desk-key",
        EngineClientOptions? options = null)
    {
        var client = await EngineClient.ConnectAsync("127.0.0.1", server.Port, key, options);
        return (client, await server.NextSessionAsync());
    }

    private static PlaceOrderMessage Order(long clientOrderId = 0) => new()
    {
        AccountId = 1, InstrumentId = 1, ClientOrderId = clientOrderId, Side = Side.Buy, OrderType = OrderType.Limit,
        TimeInForce = TimeInForce.GoodTillCancel, Price = Units.ToRawPrice(99_000m), Quantity = Units.ToRawQuantity(0.01m),
    };

    [Test]
    public async Task ShouldExposeTheSessionWhenLoginIsAccepted()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;

        var login = await session.Login;
        Assert.That(login.Key, Is.EqualTo("desk-key"));
        Assert.That(session.LoginSequence, Is.EqualTo(1u));
        Assert.That(client.IsConnected, Is.True);
        Assert.That(client.SessionId, Is.EqualTo(session.SessionId));
        Assert.That(client.Roles, Is.EqualTo(SessionRoles.Trader));
        Assert.That(client.Accounts, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(client.HeartbeatMs, Is.EqualTo(5000));
    }

    [Test]
    public async Task ShouldThrowWithTheServerCodeWhenLoginIsRefused()
    {
        await using var server = new FakeGatewayServer();

        var ex = Assert.ThrowsAsync<EngineClientException>(() => EngineClient.ConnectAsync("127.0.0.1", server.Port, "wrong-key"));

        Assert.That(ex!.Code, Is.EqualTo(RejectCode.NotAuthorized));
    }

    [Test]
    public void ShouldThrowWhenNothingListens()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var ex = Assert.ThrowsAsync<EngineClientException>(() => EngineClient.ConnectAsync("127.0.0.1", port, "alice-key"));

        Assert.That(ex!.Code, Is.EqualTo(RejectCode.None));
        Assert.That(ex.InnerException, Is.InstanceOf<SocketException>());
    }

    [Test]
    public void ShouldRefuseAKeyThatCannotBeSent()
    {
        Assert.ThrowsAsync<ArgumentException>(() => EngineClient.ConnectAsync("127.0.0.1", 1, "a key with spaces"));
        Assert.ThrowsAsync<ArgumentException>(() => EngineClient.ConnectAsync("127.0.0.1", 1, new string('k', 33)));
    }

    [Test]
    public async Task ShouldCompleteEachRequestWithItsOwnResponseWhenAnsweredOutOfOrder()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;

        // six requests from six threads at once, one with its own client order id
        // (StartNew does not unwrap: each thread hands back its request's task, not yet completed)
        var tasks = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Factory.StartNew(() => i switch
        {
            0 => client.RequestAsync(Order(clientOrderId: 77)),
            1 or 2 => client.PlaceOrderAsync(1, 1, Side.Sell, Units.ToRawQuantity(0.5m), Units.ToRawPrice(101_000m)),
            3 => client.CancelOrderAsync(2, orderId: 5),
            4 => client.MarkPriceAsync(1, Units.ToRawPrice(100_000m)),
            _ => client.QueryBookAsync(1),
        }, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)));
        var requests = new List<FakeRequest>();
        for (var i = 0; i < tasks.Length; i++) requests.Add(await session.NextRequestAsync());

        // answered in reverse order; each answer names its frame in OrderId
        for (var i = requests.Count - 1; i >= 0; i--) await session.AcceptAsync(requests[i], orderId: 1000 + requests[i].Sequence);
        var responses = await Task.WhenAll(tasks).WaitAsync(_timeout);

        Assert.That(session.SequenceBroken, Is.False);
        Assert.That(requests.Select(r => r.Sequence), Is.EqualTo(Enumerable.Range(2, 6).Select(s => (uint)s)));
        Assert.That(requests.Select(r => r.RequestId), Is.Unique);
        foreach (var response in responses)
        {
            Assert.That(response.Accepted, Is.True);
            Assert.That(response.GatewayError, Is.False);
            Assert.That(response.Event.OrderId, Is.EqualTo(1000 + response.FrameSequence));
            Assert.That(response.Event.ClientOrderId, Is.EqualTo(response.RequestId));
            Assert.That(requests.Single(r => r.Sequence == response.FrameSequence).RequestId, Is.EqualTo(response.RequestId));
        }
        Assert.That(responses[0].RequestId, Is.EqualTo(77));
        Assert.That(responses.Skip(1).Select(r => r.RequestId), Is.All.GreaterThanOrEqualTo(new EngineClientOptions().FirstAutoRequestId));
        Assert.That(requests.Single(r => r.RequestId == 77).As<PlaceOrderMessage>(), Is.EqualTo(Order(clientOrderId: 77)));
    }

    [Test]
    public async Task ShouldReportTheEngineRejectCodeWhenRejected()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;

        var task = client.PlaceOrderAsync(1, 1, Side.Buy, Units.ToRawQuantity(1000m), Units.ToRawPrice(99_000m));
        await session.RejectAsync(await session.NextRequestAsync(), RejectCode.InsufficientMargin);
        var response = await task.WaitAsync(_timeout);

        Assert.That(response.Accepted, Is.False);
        Assert.That(response.GatewayError, Is.False);
        Assert.That(response.Code, Is.EqualTo(RejectCode.InsufficientMargin));
        Assert.That(response.Rows, Is.Empty);
    }

    [Test]
    public async Task ShouldCollectTheRowsOfAQuery()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;
        var seen = new List<EventType>();
        client.EventReceived += (in OutputEvent e) =>
        {
            lock (seen) seen.Add(e.Type);
        };

        var task = client.QueryAccountAsync(1);
        var request = await session.NextRequestAsync();
        Assert.That(request.As<QueryAccountMessage>().AccountId, Is.EqualTo(1));
        var sequence = await session.AcceptAsync(request, 0,
            new OutputEvent { Type = EventType.AccountRisk, Equity = 100_000_000_000 },
            new OutputEvent { Type = EventType.Balance, Collateral = 100_000_000_000 },
            new OutputEvent { Type = EventType.Position, Quantity = 1_000_000 },
            new OutputEvent { Type = EventType.PositionPrices, Price = 9_000_000_000_000 });
        var response = await task.WaitAsync(_timeout);

        Assert.That(response.Accepted, Is.True);
        Assert.That(response.Event.Count, Is.EqualTo(4));
        Assert.That(response.Rows.Select(r => r.Type),
            Is.EqualTo(new[] { EventType.AccountRisk, EventType.Balance, EventType.Position, EventType.PositionPrices }));
        Assert.That(response.Rows.Select(r => r.InputSequence), Is.All.EqualTo(sequence));
        Assert.That(response.Rows[3].Price, Is.EqualTo(9_000_000_000_000));
        lock (seen) Assert.That(seen, Has.Count.EqualTo(5), "every frame is raised as an event too");
    }

    [Test]
    public async Task ShouldCompleteTheRefusedRequestWhenTheGatewaySendsAnError()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;
        var errors = new List<ErrorMessage>();
        client.ErrorReceived += e =>
        {
            lock (errors) errors.Add(e);
        };

        var first = client.PlaceOrderAsync(1, 1, Side.Buy, Units.ToRawQuantity(0.01m), Units.ToRawPrice(99_000m));
        var second = client.PlaceOrderAsync(3, 1, Side.Buy, Units.ToRawQuantity(0.01m), Units.ToRawPrice(99_000m));
        var firstRequest = await session.NextRequestAsync();
        var secondRequest = await session.NextRequestAsync();
        await session.SendErrorAsync(RejectCode.NotAuthorized, secondRequest, closing: false);
        await session.AcceptAsync(firstRequest, orderId: 9);

        var refused = await second.WaitAsync(_timeout);
        var accepted = await first.WaitAsync(_timeout);
        Assert.That(refused.GatewayError, Is.True);
        Assert.That(refused.Accepted, Is.False);
        Assert.That(refused.Code, Is.EqualTo(RejectCode.NotAuthorized));
        Assert.That(refused.RequestId, Is.EqualTo(secondRequest.RequestId));
        Assert.That(accepted.Accepted, Is.True);
        Assert.That(accepted.Event.OrderId, Is.EqualTo(9));
        Assert.That(client.IsConnected, Is.True);
        lock (errors) Assert.That(errors.Single().RefSequence, Is.EqualTo(secondRequest.Sequence));
    }

    [Test]
    public async Task ShouldFailPendingRequestsWhenTheConnectionDrops()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;
        var disconnected = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += e => disconnected.TrySetResult(e);

        var pending = client.QueryBookAsync(1);
        await session.NextRequestAsync();
        session.Abort();

        Assert.ThrowsAsync<EngineClientException>(() => pending.WaitAsync(_timeout));
        Assert.That(await disconnected.Task.WaitAsync(_timeout), Is.InstanceOf<EngineClientException>());
        Assert.That(client.IsConnected, Is.False);
        Assert.That(client.TrySend(Order()), Is.False);
        Assert.ThrowsAsync<EngineClientException>(() => client.QueryBookAsync(1));
    }

    [Test]
    public async Task ShouldDisconnectCleanlyWhenTheServerLogsOut()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;
        var disconnected = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += e => disconnected.TrySetResult(e);

        var pending = client.SnapshotAsync();
        await session.NextRequestAsync();
        await session.SendLogoutAsync();

        Assert.That(await disconnected.Task.WaitAsync(_timeout), Is.Null);
        Assert.ThrowsAsync<EngineClientException>(() => pending.WaitAsync(_timeout));
        await client.Closed.WaitAsync(_timeout);
    }

    [Test]
    public async Task ShouldFailPendingRequestsWithTheCodeOfAClosingError()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;
        var disconnected = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += e => disconnected.TrySetResult(e);

        var pending = client.QueryAccountAsync(1);
        await session.NextRequestAsync();
        await session.SendErrorAsync(RejectCode.Unavailable, null, closing: true);

        var cause = await disconnected.Task.WaitAsync(_timeout);
        Assert.That(cause, Is.InstanceOf<EngineClientException>());
        Assert.That(((EngineClientException)cause!).Code, Is.EqualTo(RejectCode.Unavailable));
        var ex = Assert.ThrowsAsync<EngineClientException>(() => pending.WaitAsync(_timeout));
        Assert.That(ex!.Code, Is.EqualTo(RejectCode.Unavailable));
    }

    [Test]
    public async Task ShouldSendLogoutAndWaitForTheServerWhenLoggingOut()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;
        Exception? cause = new InvalidOperationException("not raised");
        client.Disconnected += e => cause = e;

        Assert.That(client.TrySend(Order(clientOrderId: 1)), Is.True);
        await client.LogoutAsync().WaitAsync(_timeout);

        Assert.That(session.RequestsReceived, Is.EqualTo(1), "what was written before the logout is sent first");
        Assert.That(session.LogoutReceived, Is.True);
        Assert.That(session.SequenceBroken, Is.False);
        Assert.That(client.IsConnected, Is.False);
        Assert.That(cause, Is.Null);
    }

    [Test]
    public async Task ShouldSendHeartbeatsWhenIdle()
    {
        await using var server = new FakeGatewayServer(sendHeartbeats: true);
        var (client, session) = await ConnectAsync(server, options: new EngineClientOptions { HeartbeatMs = 200 });
        await using var _ = client;
        Assert.That(client.HeartbeatMs, Is.EqualTo(200));

        // wait on the condition (a generous deadline only catches a hang), then bound the count by the time it took
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (session.HeartbeatsReceived < 3 && watch.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
        var elapsedMs = watch.ElapsedMilliseconds;

        Assert.That(session.HeartbeatsReceived, Is.GreaterThanOrEqualTo(3), "heartbeats are sent while idle");
        Assert.That(session.HeartbeatsReceived, Is.LessThanOrEqualTo(elapsedMs / 200 + 2), "at most one per 200 ms of silence");
        Assert.That(session.SequenceBroken, Is.False);
        Assert.That(client.IsConnected, Is.True, "the server's heartbeats keep the connection alive");
    }

    [Test]
    public async Task ShouldNotAnswerTheServersHeartbeats()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;

        for (var i = 0; i < 3; i++) await session.SendHeartbeatAsync();
        var query = client.QueryBookAsync(1); // sent after the client has read (or is reading) the heartbeats
        await session.AcceptAsync(await session.NextRequestAsync());
        await query.WaitAsync(_timeout);

        Assert.That(session.HeartbeatsReceived, Is.Zero);
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task ShouldDisconnectWhenTheServerIsSilentForThreeIntervals()
    {
        await using var server = new FakeGatewayServer(sendHeartbeats: false);
        var (client, _) = await ConnectAsync(server, options: new EngineClientOptions { HeartbeatMs = 100 });
        await using var __ = client;
        var disconnected = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += e => disconnected.TrySetResult(e);
        var started = Environment.TickCount64;

        var cause = await disconnected.Task.WaitAsync(_timeout);

        Assert.That(cause, Is.InstanceOf<EngineClientException>());
        Assert.That(cause!.Message, Does.Contain("3 heartbeat intervals"));
        Assert.That(Environment.TickCount64 - started, Is.GreaterThanOrEqualTo(250));
    }

    [Test]
    public async Task ShouldRefuseARequestIdThatIsAlreadyAwaited()
    {
        await using var server = new FakeGatewayServer();
        var (client, session) = await ConnectAsync(server);
        await using var _ = client;

        var first = client.CancelOrderAsync(1, orderId: 3, requestId: 42);
        var duplicate = client.CancelOrderAsync(1, orderId: 4, requestId: 42);

        Assert.ThrowsAsync<InvalidOperationException>(() => duplicate);
        await session.AcceptAsync(await session.NextRequestAsync());
        Assert.That((await first.WaitAsync(_timeout)).Accepted, Is.True);
    }
}
