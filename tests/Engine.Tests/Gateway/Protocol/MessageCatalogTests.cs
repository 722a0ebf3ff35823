using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CsCheck;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Protocol;

/// <summary>
/// Every message of the wire catalog round-trips (TryWrite then TryRead, and ToCommand for requests) with random
/// values in every field, refuses bodies of the wrong length, and keeps its frozen type code and size (style C3, C4).
/// </summary>
public class MessageCatalogTests
{
    private const int Iterations = 400;

    // ---- property-based round trips of every request ----

    private static readonly Gen<Side> _genSide = Gen.Byte.Select(b => (Side)b);
    private static readonly Gen<OrderType> _genOrderType = Gen.Byte.Select(b => (OrderType)b);
    private static readonly Gen<TimeInForce> _genTimeInForce = Gen.Byte.Select(b => (TimeInForce)b);
    private static readonly Gen<OrderFlags> _genFlags = Gen.Byte.Select(b => (OrderFlags)b);
    private static readonly Gen<SelfTradeMode> _genSelfTrade = Gen.Byte.Select(b => (SelfTradeMode)b);

    private static readonly Gen<PlaceOrderMessage> _genPlaceOrder =
        Gen.Select(Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Long, Gen.Long), Gen.Select(_genSide, _genOrderType, _genTimeInForce, _genFlags, _genSelfTrade),
            (a, b) => new PlaceOrderMessage
            {
                AccountId = a.Item1, InstrumentId = a.Item2, ClientOrderId = a.Item3, Price = a.Item4, Quantity = a.Item5,
                Side = b.Item1, OrderType = b.Item2, TimeInForce = b.Item3, Flags = b.Item4, SelfTrade = b.Item5,
            });

    private static readonly Gen<CancelOrderMessage> _genCancelOrder =
        Gen.Select(Gen.Int, Gen.Long, Gen.Long, (account, request, order) => new CancelOrderMessage { AccountId = account, RequestId = request, OrderId = order });

    private static readonly Gen<ReplaceOrderMessage> _genReplaceOrder =
        Gen.Select(Gen.Int, Gen.Long, Gen.Long, Gen.Long, Gen.Long, (account, request, order, price, quantity) =>
            new ReplaceOrderMessage { AccountId = account, RequestId = request, OrderId = order, Price = price, Quantity = quantity });

    private static readonly Gen<MassCancelMessage> _genMassCancel =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Int, (account, instrument, request, one) =>
            new MassCancelMessage { AccountId = account, InstrumentId = instrument, RequestId = request, OneInstrument = one });

    private static readonly Gen<MarkPriceMessage> _genMarkPrice =
        Gen.Select(Gen.Int, Gen.Long, Gen.Long, (instrument, request, price) => new MarkPriceMessage { InstrumentId = instrument, RequestId = request, Price = price });

    private static readonly Gen<AssetPriceMessage> _genAssetPrice =
        Gen.Select(Gen.Int, Gen.Long, Gen.Long, (asset, request, price) => new AssetPriceMessage { AssetId = asset, RequestId = request, Price = price });

    private static readonly Gen<AddInstrumentMessage> _genAddInstrument =
        Gen.Select(Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Long, Gen.Long), Gen.Select(Gen.Long, Gen.Int, Gen.UShort, Gen.UShort, Gen.Byte),
            (a, b) => new AddInstrumentMessage
            {
                InstrumentId = a.Item1, MakerFeePpm = a.Item2, RequestId = a.Item3, TickSize = a.Item4, LotSize = a.Item5,
                MaxOrderQuantity = b.Item1, TakerFeePpm = b.Item2, BandBps = b.Item3, MaxLeverage = b.Item4, LadderLog2 = b.Item5,
            });

    private static readonly Gen<AddInstrumentTierMessage> _genAddInstrumentTier =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Long, Gen.UShort, Gen.Byte, (instrument, mmr, request, cap, leverage, index) =>
            new AddInstrumentTierMessage { InstrumentId = instrument, MmrPpm = mmr, RequestId = request, NotionalCap = cap, MaxLeverage = leverage, TierIndex = index });

    private static readonly Gen<AddAssetMessage> _genAddAsset =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Long, (asset, haircut, request, price) =>
            new AddAssetMessage { AssetId = asset, HaircutPpm = haircut, RequestId = request, Price = price });

    private static readonly Gen<CreateAccountMessage> _genCreateAccount =
        Gen.Select(Gen.Int, Gen.Long, (account, request) => new CreateAccountMessage { AccountId = account, RequestId = request });

    private static readonly Gen<DepositMessage> _genDeposit =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Long, (account, asset, request, amount) =>
            new DepositMessage { AccountId = account, AssetId = asset, RequestId = request, Amount = amount });

    private static readonly Gen<WithdrawMessage> _genWithdraw =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Long, (account, asset, request, amount) =>
            new WithdrawMessage { AccountId = account, AssetId = asset, RequestId = request, Amount = amount });

    private static readonly Gen<SetLeverageMessage> _genSetLeverage =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.UShort, (account, instrument, request, leverage) =>
            new SetLeverageMessage { AccountId = account, InstrumentId = instrument, RequestId = request, Leverage = leverage });

    private static readonly Gen<SetMarginModeMessage> _genSetMarginMode =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Byte, (account, instrument, request, mode) =>
            new SetMarginModeMessage { AccountId = account, InstrumentId = instrument, RequestId = request, Mode = (MarginMode)mode });

    private static readonly Gen<AdjustIsolatedMarginMessage> _genAdjustIsolatedMargin =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, Gen.Long, (account, instrument, request, amount) =>
            new AdjustIsolatedMarginMessage { AccountId = account, InstrumentId = instrument, RequestId = request, Amount = amount });

    private static readonly Gen<QueryAccountMessage> _genQueryAccount =
        Gen.Select(Gen.Int, Gen.Long, (account, request) => new QueryAccountMessage { AccountId = account, RequestId = request });

    private static readonly Gen<QueryBookMessage> _genQueryBook =
        Gen.Select(Gen.Int, Gen.Int, Gen.Long, (instrument, depth, request) => new QueryBookMessage { InstrumentId = instrument, Depth = depth, RequestId = request });

    private static readonly Gen<SnapshotMessage> _genSnapshot = Gen.Long.Select(request => new SnapshotMessage { RequestId = request });

    /// <summary>One property per request type; <see cref="ShouldHaveARoundTripPropertyForEveryRequestType"/> keeps the list complete.</summary>
    private static readonly Dictionary<Type, Action> _roundTrips = new()
    {
        [typeof(PlaceOrderMessage)] = () => RoundTripProperty(_genPlaceOrder),
        [typeof(CancelOrderMessage)] = () => RoundTripProperty(_genCancelOrder),
        [typeof(ReplaceOrderMessage)] = () => RoundTripProperty(_genReplaceOrder),
        [typeof(MassCancelMessage)] = () => RoundTripProperty(_genMassCancel),
        [typeof(MarkPriceMessage)] = () => RoundTripProperty(_genMarkPrice),
        [typeof(AssetPriceMessage)] = () => RoundTripProperty(_genAssetPrice),
        [typeof(AddInstrumentMessage)] = () => RoundTripProperty(_genAddInstrument),
        [typeof(AddInstrumentTierMessage)] = () => RoundTripProperty(_genAddInstrumentTier),
        [typeof(AddAssetMessage)] = () => RoundTripProperty(_genAddAsset),
        [typeof(CreateAccountMessage)] = () => RoundTripProperty(_genCreateAccount),
        [typeof(DepositMessage)] = () => RoundTripProperty(_genDeposit),
        [typeof(WithdrawMessage)] = () => RoundTripProperty(_genWithdraw),
        [typeof(SetLeverageMessage)] = () => RoundTripProperty(_genSetLeverage),
        [typeof(SetMarginModeMessage)] = () => RoundTripProperty(_genSetMarginMode),
        [typeof(AdjustIsolatedMarginMessage)] = () => RoundTripProperty(_genAdjustIsolatedMargin),
        [typeof(QueryAccountMessage)] = () => RoundTripProperty(_genQueryAccount),
        [typeof(QueryBookMessage)] = () => RoundTripProperty(_genQueryBook),
        [typeof(SnapshotMessage)] = () => RoundTripProperty(_genSnapshot),
    };

    /// <summary>Message fields whose command field has another name.</summary>
    private static readonly Dictionary<(Type, string), string> _commandFieldNames = new()
    {
        [(typeof(MassCancelMessage), nameof(MassCancelMessage.OneInstrument))] = nameof(Command.InstrumentFilter),
        [(typeof(SetMarginModeMessage), nameof(SetMarginModeMessage.Mode))] = nameof(Command.MarginMode),
    };

    public static IEnumerable<TestCaseData> RoundTripCases() =>
        _roundTrips.Select(p => new TestCaseData(p.Value).SetArgDisplayNames(p.Key.Name));

    public static IEnumerable<TestCaseData> RequestTypes() => ProtocolDocumentationTests.RequestTypes();

    [Test]
    public void ShouldHaveARoundTripPropertyForEveryRequestType()
    {
        Assert.That(_roundTrips.Keys, Is.EquivalentTo(ProtocolDocumentationTests.RequestMessageTypes()));
        Assert.That(_roundTrips, Has.Count.EqualTo(ProtocolSamples.RequestCount));
    }

    [TestCaseSource(nameof(RoundTripCases))]
    public void ShouldRoundTripRandomValuesThroughTheBodyAndTheCommand(Action property) => property();

    [TestCaseSource(nameof(RequestTypes))]
    public void ShouldRoundTripRandomBodyBytesAndZeroTheReservedOnes(Type request) =>
        typeof(MessageCatalogTests).GetMethod(nameof(BodyBytesProperty), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(request).Invoke(null, null);

    [TestCaseSource(nameof(RequestTypes))]
    public void ShouldPlaceTheCorrelationIdAtBodyOffsetEight(Type request)
    {
        var offset = request.GetField("RequestIdOffset") ?? request.GetField("ClientOrderIdOffset");
        Assert.That(offset, Is.Not.Null, $"{request.Name} has a RequestId or ClientOrderId");
        Assert.That(offset!.GetRawConstantValue(), Is.EqualTo(RequestDecoder.RequestIdOffset));
    }

    private static void RoundTripProperty<T>(Gen<T> gen) where T : struct, IRequestMessage<T> =>
        gen.Sample(message =>
        {
            var failure = RoundTripFailure(message);
            if (failure != null) throw new InvalidDataException(failure);
        }, iter: Iterations, threads: 1);

    /// <summary>What is wrong with the round trip of <paramref name="message"/>, or null.</summary>
    private static string? RoundTripFailure<T>(T message) where T : struct, IRequestMessage<T>
    {
        Span<byte> buffer = stackalloc byte[T.BodySize + 8];
        buffer.Fill(0xAA);
        if (!message.TryWrite(buffer)) return "TryWrite refused a large enough span";
        if (buffer[T.BodySize..].IndexOfAnyExcept((byte)0xAA) >= 0) return "TryWrite wrote past the body";
        if (!T.TryRead(buffer[..T.BodySize], out var read)) return "TryRead refused the written body";
        if (!read.Equals(message)) return $"read back {Describe(read)}";
        if (message.TryWrite(buffer[..(T.BodySize - 1)])) return "TryWrite accepted a span one byte short";

        var command = new Command { SessionId = 0x5A5A5A5A, ReceiveTime = 0x0102030405060708 };
        message.ToCommand(ref command);
        if (command.Type != (CommandType)((byte)T.Type - 10)) return $"ToCommand set type {command.Type}";
        if (command.SessionId != 0x5A5A5A5A || command.ReceiveTime != 0x0102030405060708) return "ToCommand touched the gateway stamps";
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = _commandFieldNames.GetValueOrDefault((typeof(T), property.Name), property.Name);
            var field = typeof(Command).GetField(name);
            if (field == null) return $"Command has no field {name} for {typeof(T).Name}.{property.Name}";
            var expected = property.GetValue(message);
            var actual = field.GetValue(command);
            if (!Equals(expected, actual)) return $"ToCommand: Command.{name} = {actual}, expected {expected}";
        }
        return null;
    }

    /// <summary>Random body bytes survive TryRead then TryWrite, except the reserved bytes, which come out zero.</summary>
    private static void BodyBytesProperty<T>() where T : struct, IRequestMessage<T>
    {
        var used = UsedBytes(typeof(T), T.BodySize);
        Gen.Byte.Array[T.BodySize].Sample(body =>
        {
            if (!T.TryRead(body, out var message)) throw new InvalidDataException("TryRead refused a body of the right length");
            var written = new byte[T.BodySize];
            written.AsSpan().Fill(0xFF); // a reused buffer: TryWrite must clear what it does not write
            if (!message.TryWrite(written)) throw new InvalidDataException("TryWrite refused");
            for (var i = 0; i < body.Length; i++)
            {
                var expected = used[i] ? body[i] : (byte)0;
                if (written[i] != expected) throw new InvalidDataException($"byte {i}: wrote {written[i]:x2}, expected {expected:x2}");
            }
        }, iter: Iterations, threads: 1);
    }

    /// <summary>Which body bytes belong to a field: from each <c>XxxOffset</c> constant over the size of property <c>Xxx</c>.</summary>
    private static bool[] UsedBytes(Type message, int size)
    {
        var used = new bool[size];
        foreach (var constant in message.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name.EndsWith("Offset", StringComparison.Ordinal)))
        {
            var property = message.GetProperty(constant.Name[..^"Offset".Length])!;
            var type = property.PropertyType.IsEnum ? Enum.GetUnderlyingType(property.PropertyType) : property.PropertyType;
            var offset = (int)constant.GetRawConstantValue()!;
            for (var i = 0; i < Marshal.SizeOf(type); i++)
            {
                Assert.That(used[offset + i], Is.False, $"{message.Name}.{property.Name} overlaps another field");
                used[offset + i] = true;
            }
        }
        return used;
    }

    private static string Describe<T>(T message) =>
        string.Join(", ", typeof(T).GetProperties().Select(p => $"{p.Name}={p.GetValue(message)}"));

    // ---- wrong lengths ----

    [TestCaseSource(nameof(RequestTypes))]
    public void ShouldRefuseARequestBodyOfTheWrongLength(Type request) =>
        typeof(MessageCatalogTests).GetMethod(nameof(AssertRefusesWrongLengths), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(request).Invoke(null, null);

    private static void AssertRefusesWrongLengths<T>() where T : struct, IRequestMessage<T>
    {
        var buffer = new byte[T.BodySize + 1];
        Assert.That(T.TryRead(buffer.AsSpan(0, T.BodySize), out _), Is.True, "right length");
        foreach (var length in new[] { 0, 8, T.BodySize - 1, T.BodySize + 1 })
        {
            Assert.That(T.TryRead(buffer.AsSpan(0, length), out var message), Is.False, $"{typeof(T).Name}: {length} bytes");
            Assert.That(message, Is.EqualTo(default(T)), "a refused body yields the default message");
        }
    }

    [Test]
    public void ShouldRefuseSessionBodiesOfTheWrongLength()
    {
        var buffer = new byte[128];
        Assert.That(LoginMessage.TryRead(buffer.AsSpan(0, LoginMessage.Size - 1), out _), Is.False, "Login");
        Assert.That(HeartbeatMessage.TryRead(buffer.AsSpan(0, HeartbeatMessage.Size + 1), out _), Is.False, "Heartbeat");
        Assert.That(LoginAcceptedMessage.TryRead(buffer.AsSpan(0, LoginAcceptedMessage.Size - 4), out _), Is.False, "LoginAccepted");
        Assert.That(ErrorMessage.TryRead(buffer.AsSpan(0, ErrorMessage.Size + 8), out _), Is.False, "Error");
        Assert.That(EventMessage.TryRead(buffer.AsSpan(0, EventMessage.Size - 1), out _), Is.False, "Event");
    }

    // ---- Login ----

    [TestCase("alice-key", 0)]
    [TestCase("k", 1000)]
    [TestCase("!~0123456789abcdefghijABCDEFGHIJ", -1)] // 32 characters, the two ends of the printable range
    public void ShouldRoundTripLogin(string key, int heartbeatMs)
    {
        var body = new byte[LoginMessage.Size];
        Assert.That(new LoginMessage(key, heartbeatMs).TryWrite(body), Is.True);
        Assert.That(LoginMessage.TryRead(body, out var read), Is.True);
        Assert.That(read.Key, Is.EqualTo(key));
        Assert.That(read.HeartbeatMs, Is.EqualTo(heartbeatMs));
        Assert.That(body.AsSpan(key.Length, LoginMessage.KeyLength - key.Length).IndexOfAnyExcept((byte)0), Is.LessThan(0), "zero-padded");
    }

    [TestCase("")] // empty
    [TestCase("0123456789abcdef0123456789abcdefX")] // 33 characters
    [TestCase("alice key")] // a space (0x20) is not printable here
    [TestCase("alice\tkey")] // a control character
    [TestCase("alice\u007f")] // DEL
    [TestCase("clé")] // not ASCII
    public void ShouldRefuseToWriteLoginWhenKeyIsInvalid(string key)
    {
        var body = new byte[LoginMessage.Size];
        Assert.That(new LoginMessage(key).TryWrite(body), Is.False);
        Assert.That(default(LoginMessage).TryWrite(body), Is.False, "no key at all");
    }

    [TestCase(new byte[] { 0 })] // empty key: all 32 bytes zero
    [TestCase(new byte[] { 0x61, 0x20, 0x62 })] // a space inside the key
    [TestCase(new byte[] { 0x61, 0x7F })] // DEL
    [TestCase(new byte[] { 0x61, 0xE9 })] // a byte above ASCII (Latin-1 e-acute)
    [TestCase(new byte[] { 0x61, 0x0A })] // a newline
    [TestCase(new byte[] { 0x61, 0x00, 0x62 })] // a non-zero byte after the terminating zero
    public void ShouldRefuseToReadLoginWhenKeyIsInvalid(byte[] key)
    {
        var body = new byte[LoginMessage.Size];
        key.CopyTo(body, 0);
        Assert.That(LoginMessage.TryRead(body, out _), Is.False);
    }

    [Test]
    public void ShouldReadA32CharacterKeyWithNoTerminator()
    {
        var body = new byte[LoginMessage.Size];
        body.AsSpan(0, LoginMessage.KeyLength).Fill((byte)'k');
        body[LoginMessage.HeartbeatMsOffset] = 0x10;
        Assert.That(LoginMessage.TryRead(body, out var read), Is.True);
        Assert.That(read.Key, Is.EqualTo(new string('k', 32)));
        Assert.That(read.HeartbeatMs, Is.EqualTo(16));
    }

    // ---- server messages and heartbeat ----

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(LoginAcceptedMessage.MaxAccounts)]
    public void ShouldRoundTripLoginAccepted(int accounts)
    {
        var ids = Enumerable.Range(0, accounts).Select(i => (1 << 22) - 1 - i * 1000).ToArray();
        var message = new LoginAcceptedMessage(-123_456, SessionRoles.Trader | SessionRoles.Admin, 60_000, ids);
        var body = new byte[LoginAcceptedMessage.Size];
        body.AsSpan().Fill(0xEE);
        Assert.That(message.TryWrite(body), Is.True);
        Assert.That(body[LoginAcceptedMessage.AccountCountOffset], Is.EqualTo(accounts));
        Assert.That(body.AsSpan(LoginAcceptedMessage.AccountsOffset + 4 * accounts).IndexOfAnyExcept((byte)0), Is.LessThan(0), "unused slots are zero");
        Assert.That(LoginAcceptedMessage.TryRead(body, out var read), Is.True);
        Assert.That(read.SessionId, Is.EqualTo(-123_456));
        Assert.That(read.Roles, Is.EqualTo(SessionRoles.Trader | SessionRoles.Admin));
        Assert.That(read.HeartbeatMs, Is.EqualTo(60_000));
        Assert.That(read.Accounts, Is.EqualTo(ids));
        Assert.That(message.TryWrite(new byte[LoginAcceptedMessage.Size - 1]), Is.False, "short span");
    }

    [Test]
    public void ShouldRefuseLoginAcceptedWithMoreThanEightAccounts()
    {
        Assert.That(() => new LoginAcceptedMessage(1, SessionRoles.Trader, 5000, new int[9]), Throws.ArgumentException);
        var body = new byte[LoginAcceptedMessage.Size];
        body[LoginAcceptedMessage.AccountCountOffset] = LoginAcceptedMessage.MaxAccounts + 1;
        Assert.That(LoginAcceptedMessage.TryRead(body, out _), Is.False);
    }

    [TestCase(RejectCode.MalformedFrame, MessageType.PlaceOrder, true, uint.MaxValue, long.MinValue)]
    [TestCase(RejectCode.NotAuthorized, (MessageType)0xEE, false, 0x01020304u, 0x0102030405060708L)]
    [TestCase(RejectCode.Unavailable, (MessageType)0, true, 0u, 0L)]
    public void ShouldRoundTripError(RejectCode code, MessageType refType, bool closing, uint refSequence, long requestId)
    {
        var body = new byte[ErrorMessage.Size];
        body.AsSpan().Fill(0xEE);
        Assert.That(new ErrorMessage(code, refType, closing, refSequence, requestId).TryWrite(body), Is.True);
        Assert.That(body[ErrorMessage.ClosingOffset], Is.EqualTo(closing ? 1 : 0));
        Assert.That(ErrorMessage.TryRead(body, out var read), Is.True);
        Assert.That((read.Code, read.RefType, read.Closing, read.RefSequence, read.RequestId), Is.EqualTo((code, refType, closing, refSequence, requestId)));
        Assert.That(new ErrorMessage(code, refType, closing, refSequence, requestId).TryWrite(new byte[ErrorMessage.Size - 1]), Is.False);
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(1_767_225_600_123_456_789L)]
    public void ShouldRoundTripHeartbeat(long timestamp)
    {
        var body = new byte[HeartbeatMessage.Size];
        Assert.That(new HeartbeatMessage(timestamp).TryWrite(body), Is.True);
        Assert.That(HeartbeatMessage.TryRead(body, out var read), Is.True);
        Assert.That(read.Timestamp, Is.EqualTo(timestamp));
        Assert.That(new HeartbeatMessage(timestamp).TryWrite(new byte[HeartbeatMessage.Size - 1]), Is.False);
    }

    [Test]
    public void ShouldRoundTripEveryByteOfAnEvent()
    {
        Gen.Byte.Array[EventMessage.Size].Sample(bytes =>
        {
            if (!EventMessage.TryRead(bytes, out var e)) throw new InvalidDataException("TryRead refused 96 bytes");
            var written = new byte[EventMessage.Size];
            if (!EventMessage.TryWrite(in e, written)) throw new InvalidDataException("TryWrite refused");
            if (!written.AsSpan().SequenceEqual(bytes)) throw new InvalidDataException("the bytes changed");
        }, iter: Iterations, threads: 1);

        var fill = new OutputEvent
        {
            Type = EventType.Fill, Side = Side.Sell, Code = 0x0102, Flags = EventFlags.Maker | EventFlags.Liquidation, CommandType = CommandType.MarkPrice,
            SessionId = 3, AccountId = 4, InputSequence = 5, InstrumentId = 6, Count = 7, ClientOrderId = 8, Price = 9, Quantity = 10, OrderId = 11,
            LeavesQuantity = 12, Fee = -13, MatchId = 14, Time = 15,
        };
        var body = new byte[EventMessage.Size];
        Assert.That(EventMessage.TryWrite(in fill, body), Is.True);
        Assert.That(body[0], Is.EqualTo((byte)EventType.Fill), "Type at offset 0");
        Assert.That(BitConverter.ToInt64(body, 72), Is.EqualTo(-13), "Fee at offset 72");
        Assert.That(EventMessage.TryRead(body, out var read), Is.True);
        Assert.That(MemoryMarshal.AsBytes(new ReadOnlySpan<OutputEvent>(in read)).ToArray(), Is.EqualTo(body));
        Assert.That(EventMessage.TryWrite(in fill, new byte[EventMessage.Size - 1]), Is.False);
    }

    // ---- frozen wire values (style C4) ----

    [Test]
    public void ShouldKeepEveryMessageTypeValue()
    {
        AssertValues((MessageType.Login, 1), (MessageType.Heartbeat, 2), (MessageType.Logout, 3), (MessageType.PlaceOrder, 11),
            (MessageType.CancelOrder, 12), (MessageType.ReplaceOrder, 13), (MessageType.MassCancel, 14), (MessageType.MarkPrice, 30),
            (MessageType.AssetPrice, 31), (MessageType.AddInstrument, 50), (MessageType.AddInstrumentTier, 51), (MessageType.AddAsset, 52),
            (MessageType.CreateAccount, 53), (MessageType.Deposit, 54), (MessageType.Withdraw, 55), (MessageType.SetLeverage, 56),
            (MessageType.SetMarginMode, 57), (MessageType.AdjustIsolatedMargin, 58), (MessageType.QueryAccount, 70), (MessageType.QueryBook, 71),
            (MessageType.Snapshot, 90), (MessageType.LoginAccepted, 100), (MessageType.Error, 101), (MessageType.Event, 110));
        Assert.That(Unsafe.SizeOf<MessageType>(), Is.EqualTo(1));
    }

    [Test]
    public void ShouldKeepEverySessionRolesValue()
    {
        AssertValues((SessionRoles.None, 0), (SessionRoles.Trader, 1), (SessionRoles.PriceFeed, 2), (SessionRoles.Admin, 4));
        Assert.That(Unsafe.SizeOf<SessionRoles>(), Is.EqualTo(1));
    }

    [Test]
    public void ShouldKeepEveryBodySize()
    {
        var expected = new (Type Message, int Size)[]
        {
            (typeof(LoginMessage), 40), (typeof(HeartbeatMessage), 8), (typeof(LoginAcceptedMessage), 48), (typeof(ErrorMessage), 16),
            (typeof(EventMessage), 96), (typeof(PlaceOrderMessage), 40), (typeof(CancelOrderMessage), 24), (typeof(ReplaceOrderMessage), 40),
            (typeof(MassCancelMessage), 24), (typeof(MarkPriceMessage), 24), (typeof(AssetPriceMessage), 24), (typeof(AddInstrumentMessage), 56),
            (typeof(AddInstrumentTierMessage), 32), (typeof(AddAssetMessage), 24), (typeof(CreateAccountMessage), 16), (typeof(DepositMessage), 24),
            (typeof(WithdrawMessage), 24), (typeof(SetLeverageMessage), 24), (typeof(SetMarginModeMessage), 24),
            (typeof(AdjustIsolatedMarginMessage), 24), (typeof(QueryAccountMessage), 16), (typeof(QueryBookMessage), 16), (typeof(SnapshotMessage), 16),
        };
        foreach (var (message, size) in expected)
            Assert.That(message.GetField("Size")!.GetRawConstantValue(), Is.EqualTo(size), message.Name);
        var withSize = typeof(MessageType).Assembly.GetTypes().Where(t => t.Name.EndsWith("Message", StringComparison.Ordinal) && t.GetField("Size") != null);
        Assert.That(withSize, Is.EquivalentTo(expected.Select(e => e.Message)), "every message is pinned");
        foreach (var request in ProtocolDocumentationTests.RequestMessageTypes())
            Assert.That(request.GetProperty("BodySize")!.GetValue(null), Is.EqualTo(request.GetField("Size")!.GetRawConstantValue()), $"{request.Name}.BodySize");
    }

    [Test]
    public void ShouldKeepTheFrameHeaderLayout()
    {
        Assert.That(FrameHeader.Size, Is.EqualTo(8));
        Assert.That((FrameHeader.LengthOffset, FrameHeader.TypeOffset, FrameHeader.VersionOffset, FrameHeader.SequenceOffset), Is.EqualTo((0, 2, 3, 4)));
        Assert.That(FrameHeader.CurrentVersion, Is.EqualTo(1));
        Assert.That(FrameHeader.MaxFrameLength, Is.EqualTo(256));
        Assert.That(RequestDecoder.RequestIdOffset, Is.EqualTo(8));
        Assert.That(LoginAcceptedMessage.MaxAccounts, Is.EqualTo(8));
        Assert.That(LoginMessage.KeyLength, Is.EqualTo(32));

        Span<byte> bytes = stackalloc byte[FrameHeader.Size];
        Assert.That(new FrameHeader(0x1234, MessageType.Event, 0xA1B2C3D4).TryWrite(bytes), Is.True);
        Assert.That(bytes.ToArray(), Is.EqualTo(new byte[] { 0x34, 0x12, 110, 1, 0xD4, 0xC3, 0xB2, 0xA1 }));
        Assert.That(FrameHeader.TryRead(bytes, out var header), Is.True);
        Assert.That((header.Length, header.Type, header.Version, header.Sequence), Is.EqualTo((0x1234, MessageType.Event, (byte)1, 0xA1B2C3D4)));
        Assert.That(new FrameHeader(8, MessageType.Logout, 1).TryWrite(bytes[..7]), Is.False);
        Assert.That(FrameHeader.TryRead(bytes[..7], out _), Is.False);
    }

    private static void AssertValues<TEnum>(params (TEnum Value, int Number)[] golden) where TEnum : struct, Enum
    {
        foreach (var (value, number) in golden)
            Assert.That(Convert.ToInt32(value), Is.EqualTo(number), $"{typeof(TEnum).Name}.{value}");
        Assert.That(Enum.GetValues<TEnum>(), Has.Length.EqualTo(golden.Length), $"every {typeof(TEnum).Name} value is pinned");
    }
}
