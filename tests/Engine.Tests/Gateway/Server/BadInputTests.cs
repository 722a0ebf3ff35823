using System.Text;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Gateway.Server.Support;
using static Engine.Tests.Gateway.Server.Support.TestMarket;

namespace Engine.Tests.Gateway.Server;

/// <summary>
/// Every kind of bad input over a real socket, one table row each: what the server answers, whether it closes, and that
/// a fresh well-behaved client still trades afterwards. Byte arrays that ever broke something stay here as literals.
/// </summary>
public class BadInputTests
{
    private const long Id = 0x0102030405060708;

    private ServerFixture _server = null!;
    private long _nextId = 1_000_000;

    [OneTimeSetUp]
    public void StartServer() => _server = ServerFixture.Start();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private static IEnumerable<TestCaseData> Cases()
    {
        static BadInput Row(string name, byte[] bytes, BadInputOutcome outcome, RejectCode code, MessageType refType = 0, uint refSequence = 2,
            long requestId = 0, bool logIn = true, uint framesTaken = 1) =>
            new(name, logIn, bytes, outcome, code, refType, refSequence, requestId, framesTaken);

        // --- unknown types: refused, the session carries on ---
        // type 99 is no message; the 8 bytes at body offset 8 are echoed as the request id
        yield return Data(Row("UnknownType99", Frames.Raw((MessageType)99, Body16(Id), 2), BadInputOutcome.Refused, RejectCode.UnknownCommand, (MessageType)99, requestId: Id));
        // type 0 with an empty body: too short to carry an id
        yield return Data(Row("UnknownType0EmptyBody", Frames.Raw(0, [], 2), BadInputOutcome.Refused, RejectCode.UnknownCommand, 0));
        // type 255 in the largest frame allowed (256 bytes)
        yield return Data(Row("UnknownType255MaxLength", Frames.Raw((MessageType)255, new byte[248], 2), BadInputOutcome.Refused, RejectCode.UnknownCommand, (MessageType)255));
        // server-only types sent by a client, each with its real body size
        yield return Data(Row("ServerOnlyLoginAccepted", Frames.Raw(MessageType.LoginAccepted, new byte[LoginAcceptedMessage.Size], 2), BadInputOutcome.Refused, RejectCode.UnknownCommand, MessageType.LoginAccepted));
        yield return Data(Row("ServerOnlyError", Frames.Raw(MessageType.Error, Body16(Id), 2), BadInputOutcome.Refused, RejectCode.UnknownCommand, MessageType.Error, requestId: Id));
        yield return Data(Row("ServerOnlyEvent", Frames.Raw(MessageType.Event, new byte[EventMessage.Size], 2), BadInputOutcome.Refused, RejectCode.UnknownCommand, MessageType.Event));

        // --- length field out of range: malformed, closing ---
        // length 7: shorter than the header
        yield return Data(Row("Length7", Frames.Hex("07 00 0B 01 02 00 00 00"), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.PlaceOrder));
        // length 0
        yield return Data(Row("Length0", Frames.Hex("00 00 47 01 02 00 00 00"), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.QueryBook));
        // length 257: refused from the header alone, before the body arrives
        yield return Data(Row("Length257", Frames.Hex("01 01 47 01 02 00 00 00"), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.QueryBook));
        // length 65535
        yield return Data(Row("Length65535", Frames.Raw(MessageType.PlaceOrder, new byte[40], 2, length: 0xFFFF), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.PlaceOrder));

        // --- garbage: whatever the first 8 bytes say as a header ---
        // an HTTP request: length 'GE' = 0x4547, type 'T', version ' ', sequence "/ HT"
        yield return Data(Row("HttpRequest", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), BadInputOutcome.Closes, RejectCode.MalformedFrame,
            (MessageType)'T', refSequence: 0x5448202F));
        // eight zero bytes: length 0
        yield return Data(Row("Zeros", new byte[8], BadInputOutcome.Closes, RejectCode.MalformedFrame, 0, refSequence: 0));
        // all ones: length 65535
        yield return Data(Row("AllOnes", Enumerable.Repeat((byte)0xFF, 32).ToArray(), BadInputOutcome.Closes, RejectCode.MalformedFrame, (MessageType)0xFF, refSequence: 0xFFFFFFFF));
        // garbage before logging in: the framing check comes first
        yield return Data(Row("GarbageBeforeLogin", Frames.Hex("DE AD BE EF DE AD BE EF"), BadInputOutcome.Closes, RejectCode.MalformedFrame, (MessageType)0xBE,
            refSequence: 0xEFBEADDE, logIn: false));

        // --- a known request type with a body of the wrong length: malformed, closing ---
        // PlaceOrder one byte short; the id at body offset 8 is still echoed
        yield return Data(Row("PlaceOrderBodyShort", Frames.Raw(MessageType.PlaceOrder, Body(Limit(Carol, Side.Buy, 99_000m, 0.001m, Id))[..39], 2),
            BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.PlaceOrder, requestId: Id));
        // PlaceOrder one byte long
        yield return Data(Row("PlaceOrderBodyLong", Frames.Raw(MessageType.PlaceOrder, [.. Body(Limit(Carol, Side.Buy, 99_000m, 0.001m, Id)), 0], 2),
            BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.PlaceOrder, requestId: Id));
        // QueryBook with 8 bytes: too short to hold an id
        yield return Data(Row("QueryBookBodyShort", Frames.Raw(MessageType.QueryBook, new byte[8], 2), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.QueryBook));
        // CancelOrder with no body
        yield return Data(Row("CancelOrderEmptyBody", Frames.Raw(MessageType.CancelOrder, [], 2), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.CancelOrder));
        // a heartbeat whose body is not 8 bytes
        yield return Data(Row("HeartbeatBodyShort", Frames.Raw(MessageType.Heartbeat, new byte[7], 2), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.Heartbeat));
        // a login of the wrong length before logging in
        yield return Data(Row("LoginBodyShort", Frames.Raw(MessageType.Login, new byte[39], 1), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.Login,
            refSequence: 1, logIn: false));

        // --- logins that cannot succeed: not authorized, closing ---
        // an empty key (all zero)
        yield return Data(Row("LoginEmptyKey", Frames.Raw(MessageType.Login, new byte[LoginMessage.Size], 1), BadInputOutcome.Closes, RejectCode.NotAuthorized, MessageType.Login,
            refSequence: 1, logIn: false));
        // a key with a control character inside
        yield return Data(Row("LoginKeyWithControlCharacter", Frames.Raw(MessageType.Login, KeyBody("alice\u0001key"), 1), BadInputOutcome.Closes, RejectCode.NotAuthorized,
            MessageType.Login, refSequence: 1, logIn: false));
        // a valid key followed by garbage in the zero padding
        yield return Data(Row("LoginKeyPaddingNotZero", Frames.Raw(MessageType.Login, KeyBody("alice-key\0x"), 1), BadInputOutcome.Closes, RejectCode.NotAuthorized,
            MessageType.Login, refSequence: 1, logIn: false));
        // a logout before logging in is "any other frame before login"
        // (regression: the server answered with a Logout frame)
        yield return Data(Row("LogoutBeforeLogin", Frames.Hex("08 00 03 01 01 00 00 00"), BadInputOutcome.Closes, RejectCode.NotLoggedIn, MessageType.Logout,
            refSequence: 1, logIn: false));

        // --- protocol version: unsupported, closing ---
        yield return Data(Row("Version0", Frames.Raw(MessageType.QueryBook, Body(BookQuery(Id)), 2, version: 0), BadInputOutcome.Closes, RejectCode.UnsupportedVersion, MessageType.QueryBook));
        yield return Data(Row("Version2", Frames.Raw(MessageType.QueryBook, Body(BookQuery(Id)), 2, version: 2), BadInputOutcome.Closes, RejectCode.UnsupportedVersion, MessageType.QueryBook));
        // a bad length is reported before a bad version
        yield return Data(Row("Version2Length300", Frames.Raw(MessageType.QueryBook, Body(BookQuery(Id)), 2, version: 2, length: 300), BadInputOutcome.Closes,
            RejectCode.MalformedFrame, MessageType.QueryBook));

        // --- frame numbering: malformed, closing ---
        // a gap: 3 after 1
        yield return Data(Row("SequenceGap", Frames.Request(BookQuery(Id), 3), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.QueryBook, refSequence: 3));
        // a repeat: 1 again
        yield return Data(Row("SequenceRepeat", Frames.Request(BookQuery(Id), 1), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.QueryBook, refSequence: 1));
        // zero
        yield return Data(Row("SequenceZero", Frames.Request(BookQuery(Id), 0), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.QueryBook, refSequence: 0));
        // the largest number
        yield return Data(Row("SequenceMax", Frames.Request(BookQuery(Id), uint.MaxValue), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.QueryBook, refSequence: uint.MaxValue));
        // a login that does not start at 1
        yield return Data(Row("LoginSequence2", Frames.Login(CarolKey, 0, 2), BadInputOutcome.Closes, RejectCode.MalformedFrame, MessageType.Login, logIn: false));

        // --- a good request, then a bad frame in the same write: the request is answered before the close ---
        // Regressions, kept as the literal bytes: the server used to close at once and drop the answers of requests it
        // had already handed to the engine (and, for a bad heartbeat, to drop the requests unpublished).
        // PlaceOrder #2 (carol, BTC, buy 0.001 at 99,000, client order id 0x0102030405060708), as the rows below use it:
        const string orderHex = "30 00 0B 01 02 00 00 00  03 00 00 00 01 00 00 00  08 07 06 05 04 03 02 01  00 B8 FB 05 01 09 00 00"
                             + "  A0 86 01 00 00 00 00 00  01 01 01 00 00 00 00 00";
        // QueryBook #2 (BTC, id 0x0102030405060708), then a header of length 0
        yield return Data(Row("QueryThenLength0", Frames.Hex("18 00 47 01 02 00 00 00  01 00 00 00 00 00 00 00  08 07 06 05 04 03 02 01  00 00 47 01 03 00 00 00"),
            BadInputOutcome.AnsweredThenCloses, RejectCode.MalformedFrame, MessageType.QueryBook, refSequence: 3, requestId: Id));
        // the order, then a QueryBook numbered 9 instead of 3
        yield return Data(Row("OrderThenSequenceGap", Frames.Hex(orderHex + "  18 00 47 01 09 00 00 00  01 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00"),
            BadInputOutcome.AnsweredThenCloses, RejectCode.MalformedFrame, MessageType.QueryBook, refSequence: 9, requestId: Id));
        // the order, then a QueryBook #3 of protocol version 7
        yield return Data(Row("OrderThenVersion7", Frames.Hex(orderHex + "  18 00 47 07 03 00 00 00  01 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00"),
            BadInputOutcome.AnsweredThenCloses, RejectCode.UnsupportedVersion, MessageType.QueryBook, refSequence: 3, requestId: Id));
        // the order, then a heartbeat #3 with a 7-byte body (the order used to vanish: never published, never answered)
        yield return Data(Row("OrderThenHeartbeatBodyShort", Frames.Hex(orderHex + "  0F 00 02 01 03 00 00 00  00 00 00 00 00 00 00"),
            BadInputOutcome.AnsweredThenCloses, RejectCode.MalformedFrame, MessageType.Heartbeat, refSequence: 3, requestId: Id));
        // the order, then the same order #3 one byte short (this error echoes the id, which is the first order's)
        yield return Data(Row("OrderThenOrderBodyShort", Frames.Hex(orderHex + "  2F 00 0B 01 03 00 00 00  03 00 00 00 01 00 00 00  08 07 06 05 04 03 02 01"
                                                                  + "  00 B8 FB 05 01 09 00 00  A0 86 01 00 00 00 00 00  01 01 01 00 00 00 00"),
            BadInputOutcome.AnsweredThenCloses, RejectCode.MalformedFrame, MessageType.PlaceOrder, refSequence: 3, requestId: Id));

        // --- fields out of range: the gateway passes them, the engine rejects with the precise code ---
        var order = Limit(Carol, Side.Buy, 99_000m, 0.001m, Id);
        yield return Data(Row("SideSeven", Frames.Request(order with { Side = (Side)7 }, 2), BadInputOutcome.EngineRejects, RejectCode.InvalidSide, requestId: Id));
        yield return Data(Row("SideZero", Frames.Request(order with { Side = 0 }, 2), BadInputOutcome.EngineRejects, RejectCode.InvalidSide, requestId: Id));
        yield return Data(Row("OrderTypeNine", Frames.Request(order with { OrderType = (OrderType)9 }, 2), BadInputOutcome.EngineRejects, RejectCode.InvalidOrderType, requestId: Id));
        yield return Data(Row("TimeInForceZero", Frames.Request(order with { TimeInForce = 0 }, 2), BadInputOutcome.EngineRejects, RejectCode.InvalidTimeInForce, requestId: Id));
        yield return Data(Row("FlagsUnknownBit", Frames.Request(order with { Flags = (OrderFlags)0x80 }, 2), BadInputOutcome.EngineRejects, RejectCode.InvalidFlags, requestId: Id));
        yield return Data(Row("SelfTradeModeNine", Frames.Request(order with { SelfTrade = (SelfTradeMode)9 }, 2), BadInputOutcome.EngineRejects, RejectCode.InvalidSelfTradeMode, requestId: Id));
        yield return Data(Row("PriceOffTick", Frames.Request(order with { Price = Px(99_000.05m) }, 2), BadInputOutcome.EngineRejects, RejectCode.PriceOffTick, requestId: Id));
        yield return Data(Row("PriceZero", Frames.Request(order with { Price = 0 }, 2), BadInputOutcome.EngineRejects, RejectCode.PriceNotPositive, requestId: Id));
        yield return Data(Row("PriceNegative", Frames.Request(order with { Price = long.MinValue }, 2), BadInputOutcome.EngineRejects, RejectCode.PriceNotPositive, requestId: Id));
        yield return Data(Row("PriceOutsideBand", Frames.Request(order with { Price = Px(120_000m) }, 2), BadInputOutcome.EngineRejects, RejectCode.PriceOutsideBand, requestId: Id));
        yield return Data(Row("QuantityOffLot", Frames.Request(order with { Quantity = Qty(0.0015m) }, 2), BadInputOutcome.EngineRejects, RejectCode.QuantityOffLot, requestId: Id));
        yield return Data(Row("QuantityZero", Frames.Request(order with { Quantity = 0 }, 2), BadInputOutcome.EngineRejects, RejectCode.QuantityNotPositive, requestId: Id));
        yield return Data(Row("QuantityAboveMaximum", Frames.Request(order with { Quantity = Qty(101m) }, 2), BadInputOutcome.EngineRejects, RejectCode.QuantityTooLarge, requestId: Id));
        yield return Data(Row("UnknownInstrument", Frames.Request(order with { InstrumentId = 9 }, 2), BadInputOutcome.EngineRejects, RejectCode.UnknownInstrument, requestId: Id));
        yield return Data(Row("QueryUnknownBook", Frames.Request(BookQuery(Id, instrument: 9), 2), BadInputOutcome.EngineRejects, RejectCode.UnknownInstrument, requestId: Id));
        yield return Data(Row("QueryBookNegativeDepth", Frames.Request(BookQuery(Id, depth: -1), 2), BadInputOutcome.EngineRejects, RejectCode.InvalidField, requestId: Id));
        yield return Data(Row("CancelUnknownOrder", Frames.Request(Cancel(Carol, 987_654_321, Id), 2), BadInputOutcome.EngineRejects, RejectCode.UnknownOrder, requestId: Id));
        yield return Data(Row("LeverageZero", Frames.Request(new SetLeverageMessage { AccountId = Carol, InstrumentId = Eth, Leverage = 0, RequestId = Id }, 2),
            BadInputOutcome.EngineRejects, RejectCode.LeverageOutOfRange, requestId: Id));
        yield return Data(Row("MarginModeFive", Frames.Request(new SetMarginModeMessage { AccountId = Carol, InstrumentId = Eth, Mode = (MarginMode)5, RequestId = Id }, 2),
            BadInputOutcome.EngineRejects, RejectCode.InvalidField, requestId: Id));
        yield return Data(Row("IsolatedMarginWithoutPosition", Frames.Request(new AdjustIsolatedMarginMessage { AccountId = Carol, InstrumentId = Eth, Amount = Money(1m), RequestId = Id }, 2),
            BadInputOutcome.EngineRejects, RejectCode.NoIsolatedPosition, requestId: Id));
    }

    [TestCaseSource(nameof(Cases))]
    public async Task ShouldAnswerAsSpecifiedAndStayHealthyWhenTheInputIsBad(BadInput input)
    {
        await using (var client = await _server.ConnectAsync())
        {
            if (input.LogIn) await client.LoginAsync(CarolKey);
            await client.SendBytesAsync(input.Bytes);
            switch (input.Outcome)
            {
                case BadInputOutcome.Closes:
                    await ExpectErrorAsync(client, input, closing: true);
                    await client.WaitClosedAsync();
                    Assert.That(client.Events(), Is.Empty, "nothing reached the engine");
                    break;
                case BadInputOutcome.AnsweredThenCloses:
                    await client.WaitClosedAsync();
                    var frames = client.Frames();
                    var answer = frames.FindIndex(f => f.IsEvent && f.Event.Type is EventType.Accepted or EventType.Rejected && f.Event.ClientOrderId == input.RequestId);
                    var error = frames.FindIndex(f => f.IsError);
                    Assert.That(answer, Is.GreaterThanOrEqualTo(0), $"the request before the bad frame is answered; {client.Describe()}");
                    Assert.That(error, Is.GreaterThan(answer), "the answer comes before the closing error");
                    await ExpectErrorAsync(client, input with { RequestId = input.RefType == MessageType.PlaceOrder ? Id : 0 }, closing: true);
                    break;
                case BadInputOutcome.Refused:
                    await ExpectErrorAsync(client, input, closing: false);
                    await ExpectStillServedAsync(client, input.FramesTaken);
                    break;
                case BadInputOutcome.EngineRejects:
                    var response = await client.WaitForResponseAsync(input.RequestId);
                    Assert.That(response.Type, Is.EqualTo(EventType.Rejected), ReceivedFrame.Describe(response));
                    Assert.That(response.RejectCode, Is.EqualTo(input.Code));
                    Assert.That(response.SessionId, Is.EqualTo(client.SessionId));
                    Assert.That(client.Errors(), Is.Empty, "the gateway does not check fields");
                    await ExpectStillServedAsync(client, input.FramesTaken);
                    break;
            }
            Assert.That(client.Violation, Is.Null, client.Describe());
        }
        await ExpectAFreshClientTradesAsync();
    }

    [Test]
    public async Task ShouldStayHealthyWhenAClientClosesInTheMiddleOfAFrame()
    {
        await using (var client = await _server.LoginAsync(CarolKey))
        {
            var frame = client.Encode(Limit(Carol, Side.Buy, 99_000m, 0.001m, NextId()));
            await client.SendBytesAsync(frame.AsMemory(0, 20));
        }
        await using (var client = await _server.LoginAsync(CarolKey))
        {
            // the header alone
            await client.SendBytesAsync(client.Encode(Limit(Carol, Side.Buy, 99_000m, 0.001m, NextId())).AsMemory(0, 8));
            client.ShutdownSend();
            await client.WaitClosedAsync();
            Assert.That(client.Events(), Is.Empty);
        }
        await ExpectAFreshClientTradesAsync();
    }

    [Test]
    public async Task ShouldAnswerEveryRequestBeforeClosingWhenTheClientEndsItsStream()
    {
        await using var client = await _server.LoginAsync(CarolKey);
        var ids = Enumerable.Range(0, 5).Select(_ => NextId()).ToList();
        await client.SendBytesAsync(Frames.Concat(ids.Select(id => client.Encode(Limit(Carol, Side.Buy, 99_000m, 0.001m, id)))));
        client.ShutdownSend();
        await client.WaitClosedAsync();
        foreach (var id in ids) Assert.That(client.ResponsesTo(id), Has.Count.EqualTo(1), $"request {id}; {client.Describe()}");
        Assert.That(client.Errors(), Is.Empty);
    }

    [Test]
    public async Task ShouldReassembleFramesWhenTheyArriveOneByteAtATime()
    {
        await using var client = await _server.ConnectAsync();
        var id = NextId();
        var bytes = Frames.Concat([Frames.Login(CarolKey, 0, 1), Frames.Request(BookQuery(id), 2)]);
        foreach (var b in bytes) await client.SendBytesAsync(new[] { b });
        var response = await client.WaitForResponseAsync(id);
        Assert.That(response.Type, Is.EqualTo(EventType.Accepted));
        Assert.That(client.Errors(), Is.Empty);
    }

    private long NextId() => ++_nextId;

    private static TestCaseData Data(BadInput input) => new TestCaseData(input).SetName($"{{m}}({input.Name})");

    private static byte[] Body16(long id)
    {
        var body = new byte[16];
        BitConverter.TryWriteBytes(body.AsSpan(8), id);
        return body;
    }

    private static byte[] Body<T>(in T message) where T : struct, IRequestMessage<T> => Frames.Request(in message, 0)[FrameHeader.Size..];

    private static byte[] KeyBody(string key)
    {
        var body = new byte[LoginMessage.Size];
        Encoding.ASCII.GetBytes(key, body);
        return body;
    }

    private static async Task ExpectErrorAsync(RawClient client, BadInput input, bool closing)
    {
        await client.WaitUntilAsync(() => client.ErrorCount > 0 || client.RemoteClosed, "an error");
        Assert.That(client.ErrorCount, Is.GreaterThan(0), $"an error frame; {client.Describe()}");
        var error = client.Errors()[0];
        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(input.Code), client.Describe());
            Assert.That(error.Closing, Is.EqualTo(closing));
            Assert.That(error.RefType, Is.EqualTo(input.RefType));
            Assert.That(error.RefSequence, Is.EqualTo(input.RefSequence));
            Assert.That(error.RequestId, Is.EqualTo(input.RequestId));
        });
    }

    /// <summary>The session carries on: its next request, numbered after the bad frames, is answered.</summary>
    private async Task ExpectStillServedAsync(RawClient client, uint framesTaken)
    {
        for (var i = 0; i < framesTaken; i++) client.TakeSequence();
        var id = NextId();
        await client.SendAsync(BookQuery(id));
        Assert.That((await client.WaitForResponseAsync(id)).Type, Is.EqualTo(EventType.Accepted));
        Assert.That(client.RemoteClosed, Is.False);
    }

    /// <summary>A new client logs in, rests an order and cancels it.</summary>
    private async Task ExpectAFreshClientTradesAsync()
    {
        await using var client = await _server.LoginAsync(AliceKey);
        var place = NextId();
        await client.SendAsync(Limit(Alice, Side.Buy, 99_500m, 0.001m, place));
        var placed = await client.WaitForResponseAsync(place);
        Assert.That(placed.Type, Is.EqualTo(EventType.Accepted), ReceivedFrame.Describe(placed));
        var cancel = NextId();
        await client.SendAsync(Cancel(Alice, placed.OrderId, cancel));
        Assert.That((await client.WaitForResponseAsync(cancel)).Type, Is.EqualTo(EventType.Accepted));
        await client.WaitUntilAsync(() => client.Events().Any(e => e.Type == EventType.Canceled && e.OrderId == placed.OrderId), "the cancel event");
    }
}
