using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>
/// Roles and account grants: a request outside the session's rights is refused with NotAuthorized, the session
/// carries on, and the request never reaches the engine.
/// </summary>
/// <remarks>
/// "Never reaches the engine" is checked with fences: a book query before and after the refused requests; the engine
/// numbers every command it receives, so the second fence's input sequence is the first's plus one only when nothing
/// in between was submitted (each test has the server to itself).
/// </remarks>
public class PermissionTests
{
    private ServerFixture _server = null!;
    private long _nextId = 1000;

    [SetUp]
    public void StartServer() => _server = ServerFixture.Start();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task ShouldRefuseAndCarryOnWhenATraderActsForAnAccountItIsNotGranted()
    {
        var alice = await _server.LoginAsync(AliceKey);
        var desk = await _server.LoginAsync(DeskKey);
        var before = await FenceAsync(alice);
        await ExpectRefusedAsync(alice, Limit(Bob, Side.Buy, 99_000m, 0.001m, NextId()));
        await ExpectRefusedAsync(alice, Limit(Maker, Side.Sell, 101_000m, 0.001m, NextId()));
        await ExpectRefusedAsync(alice, new CancelOrderMessage { AccountId = Bob, OrderId = 1, RequestId = NextId() });
        await ExpectRefusedAsync(alice, new ReplaceOrderMessage { AccountId = Maker, OrderId = 1, Price = Px(99_000m), RequestId = NextId() });
        await ExpectRefusedAsync(alice, new MassCancelMessage { AccountId = Carol, RequestId = NextId() });
        await ExpectRefusedAsync(alice, new SetLeverageMessage { AccountId = Bob, InstrumentId = Btc, Leverage = 10, RequestId = NextId() });
        await ExpectRefusedAsync(alice, new SetMarginModeMessage { AccountId = Bob, InstrumentId = Btc, Mode = MarginMode.Isolated, RequestId = NextId() });
        await ExpectRefusedAsync(alice, new AdjustIsolatedMarginMessage { AccountId = Bob, InstrumentId = Btc, Amount = Money(10m), RequestId = NextId() });
        await ExpectRefusedAsync(alice, AccountQuery(Bob, NextId()));
        await ExpectRefusedAsync(alice, AccountQuery(InsuranceFund, NextId()));
        await ExpectRefusedAsync(desk, Limit(Carol, Side.Buy, 99_000m, 0.001m, NextId()));
        await ExpectRefusedAsync(desk, AccountQuery(Maker, NextId()));
        var after = await FenceAsync(alice);
        Assert.That(after, Is.EqualTo(before + 1), "no refused request reached the engine");

        // the granted accounts are served
        var own = NextId();
        await alice.SendAsync(Limit(Alice, Side.Buy, 99_000m, 0.001m, own));
        Assert.That((await alice.WaitForResponseAsync(own)).Type, Is.EqualTo(EventType.Accepted));
        foreach (var account in new[] { Alice, Bob })
        {
            var id = NextId();
            await desk.SendAsync(Limit(account, Side.Buy, 99_000m, 0.001m, id));
            Assert.That((await desk.WaitForResponseAsync(id)).Type, Is.EqualTo(EventType.Accepted), $"desk trades account {account}");
        }
        Assert.That(alice.RemoteClosed || desk.RemoteClosed, Is.False);
    }

    [Test]
    public async Task ShouldRefuseWhenATraderSendsPricesOrAdminCommands()
    {
        var alice = await _server.LoginAsync(AliceKey);
        var before = await FenceAsync(alice);
        await ExpectRefusedAsync(alice, new MarkPriceMessage { InstrumentId = Btc, Price = Px(90_000m), RequestId = NextId() });
        await ExpectRefusedAsync(alice, new AssetPriceMessage { AssetId = 1, Price = Px(2m), RequestId = NextId() });
        await ExpectRefusedAsync(alice, new DepositMessage { AccountId = Alice, AssetId = 0, Amount = Money(1_000_000m), RequestId = NextId() });
        await ExpectRefusedAsync(alice, new WithdrawMessage { AccountId = Alice, AssetId = 0, Amount = Money(1m), RequestId = NextId() });
        await ExpectRefusedAsync(alice, new CreateAccountMessage { AccountId = 77, RequestId = NextId() });
        await ExpectRefusedAsync(alice, new AddAssetMessage { AssetId = 2, Price = Px(1m), RequestId = NextId() });
        await ExpectRefusedAsync(alice, NewInstrument(3));
        await ExpectRefusedAsync(alice, new AddInstrumentTierMessage { InstrumentId = Btc, TierIndex = 3, NotionalCap = Money(2_000_000m), MmrPpm = 20_000, MaxLeverage = 20, RequestId = NextId() });
        await ExpectRefusedAsync(alice, new SnapshotMessage { RequestId = NextId() });
        var after = await FenceAsync(alice);
        Assert.That(after, Is.EqualTo(before + 1), "no refused request reached the engine");
    }

    [Test]
    public async Task ShouldAcceptPricesButRefuseOrdersAndAdminCommandsWhenThePriceFeedSends()
    {
        var feed = await _server.LoginAsync(FeedKey);
        var before = await FenceAsync(feed);
        await ExpectRefusedAsync(feed, Limit(Alice, Side.Buy, 99_000m, 0.001m, NextId()));
        await ExpectRefusedAsync(feed, Limit(InsuranceFund, Side.Buy, 99_000m, 0.001m, NextId()));
        await ExpectRefusedAsync(feed, new MassCancelMessage { AccountId = Alice, RequestId = NextId() });
        await ExpectRefusedAsync(feed, AccountQuery(Alice, NextId()));
        await ExpectRefusedAsync(feed, new DepositMessage { AccountId = Alice, AssetId = 0, Amount = Money(1m), RequestId = NextId() });
        await ExpectRefusedAsync(feed, new SnapshotMessage { RequestId = NextId() });
        var after = await FenceAsync(feed);
        Assert.That(after, Is.EqualTo(before + 1), "no refused request reached the engine");

        var mark = NextId();
        await feed.SendAsync(new MarkPriceMessage { InstrumentId = Btc, Price = Px(100_050m), RequestId = mark });
        var markResponse = await feed.WaitForResponseAsync(mark);
        Assert.That(markResponse.Type, Is.EqualTo(EventType.Accepted));
        Assert.That(markResponse.InputSequence, Is.EqualTo(after + 1));
        var asset = NextId();
        await feed.SendAsync(new AssetPriceMessage { AssetId = 1, Price = Px(0.999m), RequestId = asset });
        Assert.That((await feed.WaitForResponseAsync(asset)).Type, Is.EqualTo(EventType.Accepted));
    }

    [Test]
    public async Task ShouldServeAdminCommandsAndQueriesOfAnyAccountWhenTheAdminSends()
    {
        var admin = await _server.LoginAsync(AdminKey);
        await ExpectAcceptedAsync(admin, new CreateAccountMessage { AccountId = 50, RequestId = NextId() });
        await ExpectAcceptedAsync(admin, new DepositMessage { AccountId = 50, AssetId = 0, Amount = Money(1_000m), RequestId = NextId() });
        await ExpectAcceptedAsync(admin, new WithdrawMessage { AccountId = 50, AssetId = 0, Amount = Money(400m), RequestId = NextId() });
        await ExpectAcceptedAsync(admin, NewInstrument(3));
        await ExpectAcceptedAsync(admin, new AddInstrumentTierMessage { InstrumentId = 3, TierIndex = 0, NotionalCap = Money(1_000_000m), MmrPpm = 10_000, MaxLeverage = 50, RequestId = NextId() });
        await ExpectAcceptedAsync(admin, new AddAssetMessage { AssetId = 2, Price = Px(1m), HaircutPpm = 50_000, RequestId = NextId() });
        await ExpectAcceptedAsync(admin, new MarkPriceMessage { InstrumentId = 3, Price = Px(50m), RequestId = NextId() });

        var query = NextId();
        await admin.SendAsync(AccountQuery(50, query));
        var rows = await admin.WaitForQueryAsync(query);
        var balance = rows.Single(r => r.Type == EventType.Balance);
        Assert.That(balance.Collateral, Is.EqualTo(Money(600m)), "deposit 1,000, withdraw 400");

        foreach (var account in new[] { InsuranceFund, Alice, Maker })
        {
            var id = NextId();
            await admin.SendAsync(AccountQuery(account, id));
            var accountRows = await admin.WaitForQueryAsync(id);
            Assert.That(accountRows.Select(r => r.AccountId), Is.All.EqualTo(account), "the admin queries any account");
        }

        var snapshot = NextId();
        await admin.SendAsync(new SnapshotMessage { RequestId = snapshot });
        var taken = await admin.WaitForResponseAsync(snapshot);
        Assert.That(taken.Type, Is.EqualTo(EventType.Accepted));
        Assert.That(taken.OrderId, Is.Not.Zero, "the snapshot's response carries the state hash");

        // the admin is no trader
        var before = await FenceAsync(admin);
        await ExpectRefusedAsync(admin, Limit(50, Side.Buy, 99_000m, 0.001m, NextId()));
        await ExpectRefusedAsync(admin, new CancelOrderMessage { AccountId = Alice, OrderId = 1, RequestId = NextId() });
        Assert.That(await FenceAsync(admin), Is.EqualTo(before + 1));

        await _server.StopAsync();
        Assert.That((long)_server.Server.Logic.StateHash(), Is.EqualTo(taken.OrderId), "nothing changed the state after the snapshot but queries");
    }

    [Test]
    public async Task ShouldAnswerBookQueriesWhenAnyRoleAsks()
    {
        foreach (var key in new[] { AdminKey, FeedKey, AliceKey, MakerKey, DeskKey })
        {
            var client = await _server.LoginAsync(key);
            var id = NextId();
            await client.SendAsync(BookQuery(id, Eth, depth: 3));
            var response = await client.WaitForResponseAsync(id);
            Assert.That(response.Type, Is.EqualTo(EventType.Accepted), key);
            Assert.That(response.SessionId, Is.EqualTo(client.SessionId));
        }
    }

    [Test]
    public async Task ShouldNeverCancelAnotherAccountsOrderWhenATraderGuessesItsId()
    {
        var maker = await _server.LoginAsync(MakerKey);
        var alice = await _server.LoginAsync(AliceKey);
        var placed = NextId();
        await maker.SendAsync(Limit(Maker, Side.Sell, 100_100m, 0.002m, placed));
        var order = (await maker.WaitForResponseAsync(placed)).OrderId;
        Assert.That(order, Is.GreaterThan(0));

        // naming the owner's account: the gateway refuses, the engine never sees it
        await ExpectRefusedAsync(alice, new CancelOrderMessage { AccountId = Maker, OrderId = order, RequestId = NextId() });
        await ExpectRefusedAsync(alice, new ReplaceOrderMessage { AccountId = Maker, OrderId = order, Quantity = Qty(0.001m), RequestId = NextId() });
        await ExpectRefusedAsync(alice, new MassCancelMessage { AccountId = Maker, RequestId = NextId() });

        // naming its own account: the gateway lets it through and the engine refuses, because the order is not alice's
        var cancel = NextId();
        await alice.SendAsync(new CancelOrderMessage { AccountId = Alice, OrderId = order, RequestId = cancel });
        var canceled = await alice.WaitForResponseAsync(cancel);
        Assert.That(canceled.Type, Is.EqualTo(EventType.Rejected));
        Assert.That(canceled.RejectCode, Is.EqualTo(RejectCode.NotOrderOwner));
        var replace = NextId();
        await alice.SendAsync(new ReplaceOrderMessage { AccountId = Alice, OrderId = order, Price = Px(100_200m), RequestId = replace });
        var replaced = await alice.WaitForResponseAsync(replace);
        Assert.That(replaced.Type, Is.EqualTo(EventType.Rejected));
        Assert.That(replaced.RejectCode, Is.EqualTo(RejectCode.NotOrderOwner));
        var mass = NextId();
        await alice.SendAsync(new MassCancelMessage { AccountId = Alice, RequestId = mass });
        Assert.That((await alice.WaitForResponseAsync(mass)).Type, Is.EqualTo(EventType.Accepted));

        // the maker's order is still there, untouched, and the maker heard of nothing
        var query = NextId();
        await maker.SendAsync(AccountQuery(Maker, query));
        var open = (await maker.WaitForQueryAsync(query)).Where(r => r.Type == EventType.OpenOrder).ToList();
        Assert.That(open.Select(r => r.OrderId), Is.EqualTo(new[] { order }));
        Assert.That(open[0].Quantity, Is.EqualTo(Qty(0.002m)));
        Assert.That(open[0].Price, Is.EqualTo(Px(100_100m)));
        Assert.That(maker.Events().Where(e => e.Type is EventType.Canceled or EventType.Replaced), Is.Empty);
    }

    private long NextId() => ++_nextId;

    private AddInstrumentMessage NewInstrument(int id) => new()
    {
        InstrumentId = id, TickSize = Px(0.01m), LotSize = Qty(0.001m), MaxOrderQuantity = Qty(1000m), MakerFeePpm = 200, TakerFeePpm = 500,
        BandBps = 500, MaxLeverage = 50, LadderLog2 = 10, RequestId = NextId(),
    };

    /// <summary>A book query's input sequence: the engine's count of commands so far.</summary>
    private async Task<long> FenceAsync(RawClient client)
    {
        var id = NextId();
        await client.SendAsync(BookQuery(id));
        return (await client.WaitForResponseAsync(id)).InputSequence;
    }

    private static async Task ExpectRefusedAsync<T>(RawClient client, T message) where T : struct, IRequestMessage<T>
    {
        var index = client.ErrorCount;
        var sequence = client.NextSequence;
        var frame = Frames.Request(in message, client.TakeSequence());
        var id = RequestDecoder.RequestIdOf(frame.AsSpan(FrameHeader.Size));
        await client.SendBytesAsync(frame);
        var error = await client.WaitForErrorAsync(index);
        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(RejectCode.NotAuthorized), $"{T.Type}");
            Assert.That(error.Closing, Is.False, "the session carries on");
            Assert.That(error.RefType, Is.EqualTo(T.Type));
            Assert.That(error.RefSequence, Is.EqualTo(sequence));
            Assert.That(error.RequestId, Is.EqualTo(id));
            Assert.That(client.ResponsesTo(id), Is.Empty, "no engine answer");
        });
    }

    private static async Task ExpectAcceptedAsync<T>(RawClient client, T message) where T : struct, IRequestMessage<T>
    {
        var frame = client.Encode(in message);
        var id = RequestDecoder.RequestIdOf(frame.AsSpan(FrameHeader.Size));
        await client.SendBytesAsync(frame);
        var response = await client.WaitForResponseAsync(id);
        Assert.That(response.Type, Is.EqualTo(EventType.Accepted), $"{T.Type}: {ReceivedFrame.Describe(response)}");
    }
}
