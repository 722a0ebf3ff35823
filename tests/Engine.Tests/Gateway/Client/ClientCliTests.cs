using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Client;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Client.Support;
using Gateway.Host;

namespace Engine.Tests.Gateway.Client;

public class ClientCliTests
{
    private static CliInvocation Parse(string commandLine) => ClientCli.Parse(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Test]
    public void ShouldParseALimitOrderWithFlagsAndId()
    {
        var invocation = Parse("--port 7500 place 1 BTC-PERP buy 0.01 100000.5 ioc reduce-only --id 42");

        Assert.That(invocation.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(invocation.Port, Is.EqualTo(7500));
        Assert.That(invocation.Verb, Is.EqualTo("place"));
        Assert.That(invocation.Request, Is.EqualTo(new PlaceOrderMessage
        {
            AccountId = 1, InstrumentId = 1, Side = Side.Buy, Quantity = 1_000_000, Price = 10_000_050_000_000,
            OrderType = OrderType.Limit, TimeInForce = TimeInForce.ImmediateOrCancel, Flags = OrderFlags.ReduceOnly, ClientOrderId = 42,
        }));
    }

    [Test]
    public void ShouldParseAMarketOrderByNames()
    {
        var order = (PlaceOrderMessage)Parse("place bob eth-perp SELL 2 market")!.Request!;

        Assert.That(order.AccountId, Is.EqualTo(2));
        Assert.That(order.InstrumentId, Is.EqualTo(2));
        Assert.That(order.Side, Is.EqualTo(Side.Sell));
        Assert.That(order.Quantity, Is.EqualTo(200_000_000));
        Assert.That(order.OrderType, Is.EqualTo(OrderType.Market));
        Assert.That(order.Price, Is.Zero);
        Assert.That(order.TimeInForce, Is.EqualTo(TimeInForce.GoodTillCancel));
        Assert.That(order.Flags, Is.EqualTo(OrderFlags.None));
        Assert.That(order.ClientOrderId, Is.Zero, "0: the client assigns one");
    }

    [Test]
    public void ShouldParseEveryVerbIntoItsMessage()
    {
        Assert.That(Parse("cancel 1 17").Request, Is.EqualTo(new CancelOrderMessage { AccountId = 1, OrderId = 17 }));
        Assert.That(Parse("replace 1 17 keep 0.5").Request, Is.EqualTo(new ReplaceOrderMessage { AccountId = 1, OrderId = 17, Quantity = 50_000_000 }));
        Assert.That(Parse("replace 1 17 99000.1 keep").Request, Is.EqualTo(new ReplaceOrderMessage { AccountId = 1, OrderId = 17, Price = 9_900_010_000_000 }));
        Assert.That(Parse("mass-cancel 1").Request, Is.EqualTo(new MassCancelMessage { AccountId = 1 }));
        Assert.That(Parse("mass-cancel 1 2").Request, Is.EqualTo(new MassCancelMessage { AccountId = 1, InstrumentId = 2, OneInstrument = 1 }));
        Assert.That(Parse("price BTC-PERP 95000").Request, Is.EqualTo(new MarkPriceMessage { InstrumentId = 1, Price = 9_500_000_000_000 }));
        Assert.That(Parse("asset-price USDC 0.999").Request, Is.EqualTo(new AssetPriceMessage { AssetId = 1, Price = 99_900_000 }));
        Assert.That(Parse("leverage 1 1 20").Request, Is.EqualTo(new SetLeverageMessage { AccountId = 1, InstrumentId = 1, Leverage = 20 }));
        Assert.That(Parse("margin-mode 1 1 isolated").Request,
            Is.EqualTo(new SetMarginModeMessage { AccountId = 1, InstrumentId = 1, Mode = MarginMode.Isolated }));
        Assert.That(Parse("adjust-margin 1 1 -2.5").Request,
            Is.EqualTo(new AdjustIsolatedMarginMessage { AccountId = 1, InstrumentId = 1, Amount = -2_500_000 }));
        Assert.That(Parse("deposit carol USD 1000.25").Request, Is.EqualTo(new DepositMessage { AccountId = 3, AssetId = 0, Amount = 1_000_250_000 }));
        Assert.That(Parse("withdraw 3 1 5").Request, Is.EqualTo(new WithdrawMessage { AccountId = 3, AssetId = 1, Amount = 5_000_000 }));
        Assert.That(Parse("create-account 11").Request, Is.EqualTo(new CreateAccountMessage { AccountId = 11 }));
        Assert.That(Parse("risk alice").Request, Is.EqualTo(new QueryAccountMessage { AccountId = 1 }));
        Assert.That(Parse("book 1 5").Request, Is.EqualTo(new QueryBookMessage { InstrumentId = 1, Depth = 5 }));
        Assert.That(Parse("snapshot --id 9").Request, Is.EqualTo(new SnapshotMessage { RequestId = 9 }));
        Assert.That(Parse("watch").Request, Is.Null);
        Assert.That(Parse("--help").Verb, Is.EqualTo("help"));
    }

    [TestCase("place 1 1 buy 0.01 100000", "alice-key")]
    [TestCase("cancel 2 5", "bob-key")]
    [TestCase("leverage maker 1 10", "maker-key")]
    [TestCase("place 7 1 buy 0.01 100000", "alice-key")]
    [TestCase("risk 3", "carol-key")]
    [TestCase("risk 0", "admin-key")]
    [TestCase("deposit 1 0 10", "admin-key")]
    [TestCase("snapshot", "admin-key")]
    [TestCase("price 1 100000", "feed-key")]
    [TestCase("asset-price 1 1", "feed-key")]
    [TestCase("book 1", "alice-key")]
    [TestCase("watch", "alice-key")]
    public void ShouldPickTheDefaultKeyOfTheVerbWhenNoKeyIsGiven(string commandLine, string key)
    {
        var invocation = Parse(commandLine);

        Assert.That(invocation.Key, Is.EqualTo(key));
        Assert.That(invocation.KeyDefaulted, Is.True);
    }

    [Test]
    public void ShouldUseTheGivenKeyAndHost()
    {
        var invocation = Parse("risk 1 --key desk-key --host example.org");

        Assert.That(invocation.Key, Is.EqualTo("desk-key"));
        Assert.That(invocation.KeyDefaulted, Is.False);
        Assert.That(invocation.Host, Is.EqualTo("example.org"));
        Assert.That(invocation.Port, Is.EqualTo(7400));
    }

    [TestCase("", TestName = "ShouldRefuseAMissingVerb")]
    [TestCase("fly 1", TestName = "ShouldRefuseAnUnknownVerb")]
    [TestCase("place 1 1 buy 0.01", TestName = "ShouldRefuseTooFewArguments")]
    [TestCase("cancel 1 2 3", TestName = "ShouldRefuseTooManyArguments")]
    [TestCase("place 1 1 hold 0.01 100000", TestName = "ShouldRefuseAnUnknownSide")]
    [TestCase("place 1 1 buy 0.01 100000 gtc ioc", TestName = "ShouldRefuseTwoTimesInForce")]
    [TestCase("place 1 1 buy 0.01 100000 post-only post-only", TestName = "ShouldRefuseARepeatedFlag")]
    [TestCase("place 1 1 buy 0.01 100000 soon", TestName = "ShouldRefuseAnUnknownOrderWord")]
    [TestCase("place 1 1 buy 0.000000001 100000", TestName = "ShouldRefuseAQuantityWithNineDecimals")]
    [TestCase("deposit 1 0 0.0000001", TestName = "ShouldRefuseAnAmountWithSevenDecimals")]
    [TestCase("place 1 DOGE-PERP buy 1 1", TestName = "ShouldRefuseAnUnknownInstrumentName")]
    [TestCase("price 1 1,5", TestName = "ShouldRefuseADecimalComma")]
    [TestCase("margin-mode 1 1 portfolio", TestName = "ShouldRefuseAnUnknownMarginMode")]
    [TestCase("leverage 1 1 0", TestName = "ShouldRefuseALeverageOfZero")]
    [TestCase("book 1 0", TestName = "ShouldRefuseADepthOfZero")]
    [TestCase("--port 70000 book 1", TestName = "ShouldRefuseABadPort")]
    [TestCase("book 1 --key", TestName = "ShouldRefuseAnOptionWithoutValue")]
    [TestCase("book 1 --verbose", TestName = "ShouldRefuseAnUnknownOption")]
    public void ShouldRefuseBadCommandLines(string commandLine)
    {
        Assert.Throws<CliUsageException>(() => Parse(commandLine));
    }

    [Test]
    public void ShouldExitWithTwoOnAUsageError()
    {
        Assert.That(ClientCli.Run(["fly"]), Is.EqualTo(2));
    }

    [Test]
    public async Task ShouldPrintTheOrderAndItsFillsAndExitWithZeroWhenAccepted()
    {
        await using var server = new FakeGatewayServer();
        var invocation = Parse($"--port {server.Port} place 1 1 buy 0.01 100000");
        var output = new StringWriter();
        var error = new StringWriter();

        var run = ClientCli.ExecuteAsync(invocation, output, error, CancellationToken.None);
        var session = await server.NextSessionAsync();
        var request = await session.NextRequestAsync();
        var sequence = await session.AcceptAsync(request, orderId: 31);
        await session.SendEventAsync(new OutputEvent
        {
            Type = EventType.Fill, CommandType = CommandType.PlaceOrder, InputSequence = sequence, SessionId = session.SessionId, AccountId = 1,
            OrderId = 31, Side = Side.Buy, Price = 10_000_000_000_000, Quantity = 1_000_000, Fee = 500_000, MatchId = 4,
        });
        await session.SendEventAsync(new OutputEvent { Type = EventType.Fill, InputSequence = sequence + 100, AccountId = 1 });

        Assert.That(await run.WaitAsync(FakeGatewayServer.Timeout), Is.Zero, error.ToString());
        var text = output.ToString();
        Assert.That(text, Does.Contain($"accepted: order 31 (client order id {request.RequestId})"));
        Assert.That(text, Does.Contain("FILL    account 1 order 31 Buy 0.01 @ 100000 taker fee 0.5"));
        Assert.That(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2), "an event of another command is not a consequence");
        Assert.That(request.As<PlaceOrderMessage>().Price, Is.EqualTo(10_000_000_000_000));
        await session.Closed.WaitAsync(FakeGatewayServer.Timeout);
        Assert.That(session.LogoutReceived, Is.True);
    }

    [Test]
    public async Task ShouldPrintTheRejectCodeAndExitWithOneWhenRejected()
    {
        await using var server = new FakeGatewayServer();
        var output = new StringWriter();

        var run = ClientCli.ExecuteAsync(Parse($"--port {server.Port} withdraw 1 0 5000000"), output, new StringWriter(), CancellationToken.None);
        var session = await server.NextSessionAsync();
        await session.RejectAsync(await session.NextRequestAsync(), RejectCode.InsufficientBalance);

        Assert.That(await run.WaitAsync(FakeGatewayServer.Timeout), Is.EqualTo(1));
        Assert.That(output.ToString(), Does.Contain("rejected: InsufficientBalance (204)"));
    }

    [Test]
    public async Task ShouldPrintTheRiskRowsInHumanUnits()
    {
        await using var server = new FakeGatewayServer();
        var output = new StringWriter();

        var run = ClientCli.ExecuteAsync(Parse($"--port {server.Port} risk 1"), output, new StringWriter(), CancellationToken.None);
        var session = await server.NextSessionAsync();
        await session.AcceptAsync(await session.NextRequestAsync(), 0,
            new OutputEvent { Type = EventType.AccountRisk, AccountId = 1, Equity = 100_000_000_000, Available = 99_000_000_000, Count = 40 },
            new OutputEvent { Type = EventType.Balance, InstrumentId = 0, Collateral = 100_000_000_000, Price = 100_000_000 },
            new OutputEvent
            {
                Type = EventType.Position, InstrumentId = 1, Side = Side.Buy, Quantity = 1_000_000, Equity = 10_000_000_000_000,
                OrderMargin = 10_100_000_000_000, Available = 10_000_000, Count = 125,
            },
            new OutputEvent { Type = EventType.PositionPrices, InstrumentId = 1, Price = 9_000_000_000_000, Quantity = 8_950_000_000_000 },
            new OutputEvent { Type = EventType.OpenOrder, InstrumentId = 1, OrderId = 8, Side = Side.Sell, Price = 10_500_000_000_000, Quantity = 2_000_000, LeavesQuantity = 1_000_000 });

        Assert.That(await run.WaitAsync(FakeGatewayServer.Timeout), Is.Zero);
        var text = output.ToString();
        Assert.That(text, Does.Contain("equity 100000  collateral 0  available 99000"));
        Assert.That(text, Does.Contain("margin ratio 0.004%"));
        Assert.That(text, Does.Contain("balance USD (0) 100000  price 1"));
        Assert.That(text, Does.Contain("position BTC-PERP (1) long 0.01  entry 100000  mark 101000  uPnL 10"));
        Assert.That(text, Does.Contain("125x cross"));
        Assert.That(text, Does.Contain("liquidation 90000  bankruptcy 89500"));
        Assert.That(text, Does.Contain("order 8 BTC-PERP (1) sell 0.02 @ 105000  open 0.01"));
    }

    [Test]
    public async Task ShouldPrintAsksAboveBids()
    {
        await using var server = new FakeGatewayServer();
        var output = new StringWriter();

        var run = ClientCli.ExecuteAsync(Parse($"--port {server.Port} book BTC-PERP"), output, new StringWriter(), CancellationToken.None);
        var session = await server.NextSessionAsync();
        await session.AcceptAsync(await session.NextRequestAsync(), 0,
            new OutputEvent { Type = EventType.BookLevel, Side = Side.Buy, Price = 9_990_000_000_000, Quantity = 100_000_000, Count = 2 },
            new OutputEvent { Type = EventType.BookLevel, Side = Side.Buy, Price = 9_980_000_000_000, Quantity = 50_000_000, Count = 1 },
            new OutputEvent { Type = EventType.BookLevel, Side = Side.Sell, Price = 10_010_000_000_000, Quantity = 30_000_000, Count = 1 },
            new OutputEvent { Type = EventType.BookLevel, Side = Side.Sell, Price = 10_020_000_000_000, Quantity = 70_000_000, Count = 3 });

        Assert.That(await run.WaitAsync(FakeGatewayServer.Timeout), Is.Zero);
        var prices = output.ToString().Split('\n').Where(l => l.TrimStart().StartsWith("ask") || l.TrimStart().StartsWith("bid"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.That(prices, Is.EqualTo(new[] { "100200", "100100", "99900", "99800" }));
    }

    [Test]
    public async Task ShouldExitWithTwoWhenTheLoginIsRefused()
    {
        await using var server = new FakeGatewayServer();
        var error = new StringWriter();

        var code = await ClientCli.ExecuteAsync(Parse($"--port {server.Port} --key nobody-key book 1"), new StringWriter(), error, CancellationToken.None);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("refused: NotAuthorized"));
    }

    [Test]
    public async Task ShouldPrintEveryEventWhileWatchingUntilCanceled()
    {
        await using var server = new FakeGatewayServer();
        // watch writes from the receive loop while the test reads: the synchronized writer locks on itself, so does Text()
        var text = new StringWriter();
        var output = TextWriter.Synchronized(text);
        string Text()
        {
            lock (output) return text.ToString();
        }
        using var cancel = new CancellationTokenSource();

        var run = ClientCli.ExecuteAsync(Parse($"--port {server.Port} watch"), output, new StringWriter(), cancel.Token);
        var session = await server.NextSessionAsync();
        await WaitForAsync(() => Text().Contains("watching")); // logged in and subscribed
        await session.SendEventAsync(new OutputEvent
        {
            Type = EventType.Canceled, CommandType = CommandType.CancelOrder, InputSequence = 5, AccountId = 1, OrderId = 12, Side = Side.Sell,
            Quantity = 3_000_000, Code = (ushort)CancelReason.UserRequest,
        });
        await session.SendErrorAsync(RejectCode.UnknownCommand, null, closing: false);
        await WaitForAsync(() => Text().Contains("gateway error"));
        cancel.Cancel();

        Assert.That(await run.WaitAsync(FakeGatewayServer.Timeout), Is.Zero);
        Assert.That(Text(), Does.Contain("(key alice-key, accounts 1): watching"));
        Assert.That(Text(), Does.Contain("CANCEL  account 1 order 12 Sell 0.03 (UserRequest)"));
        Assert.That(Text(), Does.Contain("gateway error UnknownCommand"));
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
}
