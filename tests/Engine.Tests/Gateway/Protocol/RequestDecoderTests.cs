using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Engine.Commands;
using Engine.Gateway.Protocol;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Protocol;

/// <summary>The server's one dispatch on message type: every request decodes to its command, anything else is refused.</summary>
public class RequestDecoderTests
{
    /// <summary>Golden: the engine command each request type becomes.</summary>
    private static readonly (MessageType Message, CommandType Command)[] _commands =
    [
        (MessageType.PlaceOrder, CommandType.PlaceOrder), (MessageType.CancelOrder, CommandType.CancelOrder),
        (MessageType.ReplaceOrder, CommandType.ReplaceOrder), (MessageType.MassCancel, CommandType.MassCancel),
        (MessageType.MarkPrice, CommandType.MarkPrice), (MessageType.AssetPrice, CommandType.AssetPrice),
        (MessageType.AddInstrument, CommandType.AddInstrument), (MessageType.AddInstrumentTier, CommandType.AddInstrumentTier),
        (MessageType.AddAsset, CommandType.AddAsset), (MessageType.CreateAccount, CommandType.CreateAccount),
        (MessageType.Deposit, CommandType.Deposit), (MessageType.Withdraw, CommandType.Withdraw),
        (MessageType.SetLeverage, CommandType.SetLeverage), (MessageType.SetMarginMode, CommandType.SetMarginMode),
        (MessageType.AdjustIsolatedMargin, CommandType.AdjustIsolatedMargin), (MessageType.QueryAccount, CommandType.QueryAccount),
        (MessageType.QueryBook, CommandType.QueryBook), (MessageType.Snapshot, CommandType.Snapshot),
    ];

    private static readonly MessageType[] _notRequests =
        [MessageType.Login, MessageType.Heartbeat, MessageType.Logout, MessageType.LoginAccepted, MessageType.Error, MessageType.Event];

    public static IEnumerable<TestCaseData> Samples() =>
        Enumerable.Range(0, ProtocolSamples.RequestCount).Select(i => new TestCaseData(i).SetArgDisplayNames(ProtocolSamples.RequestTypes[i].ToString()));

    private static byte[] Body(int sample) => ProtocolSamples.RequestFrame(sample)[FrameHeader.Size..];

    private static byte[] Bytes(ref Command command) => MemoryMarshal.AsBytes(new Span<Command>(ref command)).ToArray();

    [Test]
    public void ShouldCoverEveryRequestMessageType()
    {
        Assert.That(_commands.Select(c => c.Message).Concat(_notRequests), Is.EquivalentTo(Enum.GetValues<MessageType>()));
        Assert.That(ProtocolSamples.RequestTypes, Is.EquivalentTo(_commands.Select(c => c.Message)));
    }

    [TestCaseSource(nameof(Samples))]
    public void ShouldDecodeEveryRequestToItsCommandType(int sample)
    {
        var type = ProtocolSamples.RequestTypes[sample];
        var command = new Command { SessionId = 17, ReceiveTime = 1_767_225_600_000_000_000 };

        var status = RequestDecoder.TryDecode(type, Body(sample), ref command);

        Assert.That(status, Is.EqualTo(DecodeStatus.Ok));
        Assert.That(command.Type, Is.EqualTo(_commands.Single(c => c.Message == type).Command));
        Assert.That((command.SessionId, command.ReceiveTime), Is.EqualTo((17, 1_767_225_600_000_000_000)), "the gateway stamps are left alone");
        Assert.That(command.RequestId, Is.EqualTo(RequestDecoder.RequestIdOf(Body(sample))), "the correlation id lands in the command");
    }

    [TestCaseSource(nameof(Samples))]
    public void ShouldDecodeTheSameCommandAsToCommand(int sample)
    {
        var decoded = default(Command);
        var direct = default(Command);
        Assert.That(RequestDecoder.TryDecode(ProtocolSamples.RequestTypes[sample], Body(sample), ref decoded), Is.EqualTo(DecodeStatus.Ok));
        ToCommand(sample, ref direct);
        Assert.That(Bytes(ref decoded), Is.EqualTo(Bytes(ref direct)));
    }

    private static void ToCommand(int sample, ref Command command)
    {
        switch (sample)
        {
            case 0: ProtocolSamples.PlaceOrder.ToCommand(ref command); break;
            case 1: ProtocolSamples.CancelOrder.ToCommand(ref command); break;
            case 2: ProtocolSamples.ReplaceOrder.ToCommand(ref command); break;
            case 3: ProtocolSamples.MassCancel.ToCommand(ref command); break;
            case 4: ProtocolSamples.MarkPrice.ToCommand(ref command); break;
            case 5: ProtocolSamples.AssetPrice.ToCommand(ref command); break;
            case 6: ProtocolSamples.AddInstrument.ToCommand(ref command); break;
            case 7: ProtocolSamples.AddInstrumentTier.ToCommand(ref command); break;
            case 8: ProtocolSamples.AddAsset.ToCommand(ref command); break;
            case 9: ProtocolSamples.CreateAccount.ToCommand(ref command); break;
            case 10: ProtocolSamples.Deposit.ToCommand(ref command); break;
            case 11: ProtocolSamples.Withdraw.ToCommand(ref command); break;
            case 12: ProtocolSamples.SetLeverage.ToCommand(ref command); break;
            case 13: ProtocolSamples.SetMarginMode.ToCommand(ref command); break;
            case 14: ProtocolSamples.AdjustIsolatedMargin.ToCommand(ref command); break;
            case 15: ProtocolSamples.QueryAccount.ToCommand(ref command); break;
            case 16: ProtocolSamples.QueryBook.ToCommand(ref command); break;
            case 17: ProtocolSamples.Snapshot.ToCommand(ref command); break;
            default: throw new ArgumentOutOfRangeException(nameof(sample));
        }
    }

    [TestCase((byte)0)] // no type
    [TestCase((byte)MessageType.Login)] // session frames are the session's, not the decoder's
    [TestCase((byte)MessageType.Heartbeat)]
    [TestCase((byte)MessageType.Logout)]
    [TestCase((byte)MessageType.LoginAccepted)] // server-only types sent by a client
    [TestCase((byte)MessageType.Error)]
    [TestCase((byte)MessageType.Event)]
    [TestCase((byte)1 + (byte)CommandType.PlaceOrder)] // the engine's own code (1 = PlaceOrder) is not a message type
    [TestCase((byte)15)] // gaps in the numbering
    [TestCase((byte)59)]
    [TestCase((byte)255)]
    public void ShouldRefuseUnknownTypesWithoutTouchingTheCommand(byte type)
    {
        var command = default(Command);
        var body = Body(0); // a well-formed 40-byte body, as if a PlaceOrder had been sent under another type

        Assert.That(RequestDecoder.TryDecode((MessageType)type, body, ref command), Is.EqualTo(DecodeStatus.UnknownType));
        Assert.That(Bytes(ref command), Is.EqualTo(new byte[Command.Size]));
    }

    [TestCaseSource(nameof(Samples))]
    public void ShouldRefuseABodyOfTheWrongLengthWithoutTouchingTheCommand(int sample)
    {
        var type = ProtocolSamples.RequestTypes[sample];
        var body = Body(sample);
        var longer = new byte[body.Length + 1];
        body.CopyTo(longer, 0);
        foreach (var wrong in new[] { body[..^1], longer, [] })
        {
            var command = default(Command);
            Assert.That(RequestDecoder.TryDecode(type, wrong, ref command), Is.EqualTo(DecodeStatus.BadLength), $"{type}: {wrong.Length} bytes");
            Assert.That(Bytes(ref command), Is.EqualTo(new byte[Command.Size]), $"{type}: {wrong.Length} bytes");
        }
    }

    [Test]
    public void ShouldReadTheRequestIdAtOffsetEightWhenTheBodyHoldsIt()
    {
        var body = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), -0x0102_0304_0506_0708);
        Assert.That(RequestDecoder.RequestIdOf(body), Is.EqualTo(-0x0102_0304_0506_0708));
        Assert.That(RequestDecoder.RequestIdOf(body.AsSpan(0, 15)), Is.Zero, "too short to hold it");
        Assert.That(RequestDecoder.RequestIdOf([]), Is.Zero, "empty body (Logout)");
        Assert.That(RequestDecoder.RequestIdOf(Body(0)), Is.EqualTo(ProtocolSamples.PlaceOrder.ClientOrderId), "PlaceOrder: the client order id");
        Assert.That(RequestDecoder.RequestIdOf(Body(17)), Is.EqualTo(ProtocolSamples.Snapshot.RequestId));
    }
}
