using Engine.Commands;
using Engine.Gateway.Client;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Client.Support;

namespace Engine.Tests.Gateway.Client;

[Category("Allocation")]
public class EngineClientAllocationTests
{
    private const int Orders = 10_000;

    private static readonly PlaceOrderMessage _order = new()
    {
        AccountId = 1, InstrumentId = 1, ClientOrderId = 7, Side = Side.Buy, OrderType = OrderType.Limit,
        TimeInForce = TimeInForce.GoodTillCancel, Price = 9_900_000_000_000, Quantity = 1_000_000,
    };

    /// <summary>Sends <paramref name="count"/> orders, flushing every <paramref name="batch"/>; the bytes this thread allocated.</summary>
    private static long SendOrders(EngineClient client, int count, int batch)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            if (!client.TrySend(in _order)) Assert.Fail("disconnected");
            if ((i + 1) % batch != 0) continue;
            var flush = client.FlushAsync();
            // the send buffer limit is far above what is in flight, so a flush never has to wait (and never leaves this thread)
            if (!flush.IsCompletedSuccessfully) Assert.Fail("the flush had to wait");
            flush.GetAwaiter().GetResult();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + (long)FakeGatewayServer.Timeout.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) Assert.Fail("timed out");
            await Task.Delay(10);
        }
    }

    [Test]
    public async Task ShouldNotAllocateOnTheCallingThreadWhenSendingTenThousandOrders()
    {
        await using var server = new FakeGatewayServer();
        await using var client = await EngineClient.ConnectAsync("127.0.0.1", server.Port, "alice-key",
            new EngineClientOptions { SendBufferLimit = 64 * 1024 * 1024 });
        var session = await server.NextSessionAsync();

        // warm up: one unflushed burst of twice the measured volume grows the send blocks to more than the measured run can
        // hold at once; then a run like the measured one (code tiered up, pipe segments pooled)
        SendOrders(client, 2 * Orders, 2 * Orders);
        SendOrders(client, Orders, 100);
        await WaitForAsync(() => session.RequestsReceived == 3 * Orders);

        var allocated = SendOrders(client, Orders, 100);

        Assert.That(allocated, Is.Zero, $"{allocated} bytes for {Orders} frames");
        await WaitForAsync(() => session.RequestsReceived == 4 * Orders);
        Assert.That(session.SequenceBroken, Is.False);
    }

    [Test]
    public async Task ShouldReportTheAllocationOfTheAwaitablePath()
    {
        // negative control: the same measurement sees the awaitable path's task and bookkeeping
        await using var server = new FakeGatewayServer();
        await using var client = await EngineClient.ConnectAsync("127.0.0.1", server.Port, "alice-key");

        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var response = client.RequestAsync(_order);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.GreaterThan(0));
        Assert.That(response.IsCompleted, Is.False);
    }
}
