using System.Buffers;
using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Protocol;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Protocol;

/// <summary>
/// Framing: valid and invalid frames as literal bytes (one comment per invalid case, style C11), frames split
/// across segments, several frames in one buffer, and every <see cref="FrameWriter"/> output read back.
/// </summary>
public class FrameReaderTests
{
    private static TestCaseData Case(string name, FrameStatus expected, params byte[] input) =>
        new TestCaseData(input, expected).SetArgDisplayNames(name);

    private static byte[] Concat(byte[] head, int bodyLength) => [.. head, .. new byte[bodyLength]];

    public static IEnumerable<TestCaseData> Frames()
    {
        // valid
        yield return Case("heartbeat", FrameStatus.Complete, 0x10, 0x00, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8);
        yield return Case("logout, empty body", FrameStatus.Complete, 0x08, 0x00, 0x03, 0x01, 0x07, 0x00, 0x00, 0x00);
        yield return Case("heartbeat then the start of the next frame", FrameStatus.Complete,
            0x10, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 8, 7, 6, 5, 4, 3, 2, 1, 0x10, 0x00);
        yield return Case("largest frame, 256 bytes", FrameStatus.Complete, Concat([0x00, 0x01, 0x6E, 0x01, 0x03, 0x00, 0x00, 0x00], 248));
        // the reader cuts frames; the type and the sequence are the session's to check
        yield return Case("unknown type", FrameStatus.Complete, 0x0C, 0x00, 0xFF, 0x01, 0x01, 0x00, 0x00, 0x00, 0xAA, 0xBB, 0xCC, 0xDD);
        yield return Case("sequence 0", FrameStatus.Complete, 0x08, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00);

        // not enough bytes yet: nothing is consumed
        // empty buffer
        yield return Case("empty", FrameStatus.Incomplete);
        // one byte of the length field
        yield return Case("one byte", FrameStatus.Incomplete, 0x10);
        // seven of the eight header bytes
        yield return Case("incomplete header", FrameStatus.Incomplete, 0x10, 0x00, 0x02, 0x01, 0x01, 0x00, 0x00);
        // whole header, three of the eight body bytes
        yield return Case("incomplete body", FrameStatus.Incomplete, 0x10, 0x00, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 1, 2, 3);
        // a 256-byte frame one byte short
        yield return Case("largest frame one byte short", FrameStatus.Incomplete, Concat([0x00, 0x01, 0x6E, 0x01, 0x03, 0x00, 0x00, 0x00], 247));

        // length field outside 8..256: a framing error, reported as soon as the header is in
        // length 0
        yield return Case("length 0", FrameStatus.BadLength, 0x00, 0x00, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00);
        // length 7: shorter than the header itself
        yield return Case("length 7", FrameStatus.BadLength, 0x07, 0x00, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00);
        // length 257: one above the maximum
        yield return Case("length 257", FrameStatus.BadLength, 0x01, 0x01, 0x6E, 0x01, 0x01, 0x00, 0x00, 0x00);
        // length 65535
        yield return Case("length 65535", FrameStatus.BadLength, 0xFF, 0xFF, 0x0B, 0x01, 0x01, 0x00, 0x00, 0x00);
        // length 300 with only the header received: refused without waiting for the body
        yield return Case("length 300, header only", FrameStatus.BadLength, 0x2C, 0x01, 0x0B, 0x01, 0x01, 0x00, 0x00, 0x00);
        // both the length and the version are wrong: the length is checked first
        yield return Case("bad length and version", FrameStatus.BadLength, 0x04, 0x00, 0x0B, 0x09, 0x01, 0x00, 0x00, 0x00);

        // version byte other than 1
        // version 0
        yield return Case("version 0", FrameStatus.BadVersion, 0x08, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00);
        // version 2
        yield return Case("version 2", FrameStatus.BadVersion, 0x10, 0x00, 0x02, 0x02, 0x01, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8);
        // version 2 with the body not yet in: refused without waiting for it
        yield return Case("version 2, body incomplete", FrameStatus.BadVersion, 0x30, 0x00, 0x0B, 0x02, 0x01, 0x00, 0x00, 0x00, 1);
    }

    [TestCaseSource(nameof(Frames))]
    public void ShouldReadOrRefuseTheFrameAtTheStartOfTheBuffer(byte[] input, FrameStatus expected)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        var scratch = new byte[FrameHeader.MaxFrameLength];

        var status = FrameReader.TryRead(ref buffer, scratch, out var header, out var body);

        Assert.That(status, Is.EqualTo(expected));
        if (status == FrameStatus.Complete)
        {
            Assert.That(header.Length, Is.EqualTo(input[0] | (input[1] << 8)));
            Assert.That(header.Type, Is.EqualTo((MessageType)input[2]));
            Assert.That(header.Version, Is.EqualTo(FrameHeader.CurrentVersion));
            Assert.That(header.Sequence, Is.EqualTo(BitConverter.ToUInt32(input, 4)));
            Assert.That(body.ToArray(), Is.EqualTo(input[8..header.Length]));
            Assert.That(buffer.Length, Is.EqualTo(input.Length - header.Length), "consumed exactly the frame");
        }
        else
        {
            Assert.That(buffer.Length, Is.EqualTo(input.Length), "nothing consumed");
            Assert.That(body.IsEmpty, Is.True);
        }
    }

    [Test]
    public void ShouldReadAFrameSplitAcrossTwoSegmentsAtEveryByte()
    {
        var frame = ProtocolSamples.RequestFrame(0, sequence: 9);
        var scratch = new byte[FrameHeader.MaxFrameLength];
        for (var cut = 1; cut < frame.Length; cut++)
        {
            var buffer = BufferSegment.Split(frame, cut);
            Assert.That(buffer.IsSingleSegment, Is.False);

            var status = FrameReader.TryRead(ref buffer, scratch, out var header, out var body);

            Assert.That(status, Is.EqualTo(FrameStatus.Complete), $"cut at {cut}");
            Assert.That((header.Length, header.Type, header.Sequence), Is.EqualTo((frame.Length, MessageType.PlaceOrder, 9u)), $"cut at {cut}");
            Assert.That(body.ToArray(), Is.EqualTo(frame[FrameHeader.Size..]), $"cut at {cut}");
            Assert.That(buffer.Length, Is.Zero, $"cut at {cut}");
        }
    }

    [Test]
    public void ShouldReadAFrameSplitAcrossThreeSegments()
    {
        var frame = ProtocolSamples.RequestFrame(6); // AddInstrument, the largest request
        var buffer = BufferSegment.Split(frame, 3, 20);

        Assert.That(FrameReader.TryRead(ref buffer, new byte[FrameHeader.MaxFrameLength], out var header, out var body), Is.EqualTo(FrameStatus.Complete));
        Assert.That(header.Type, Is.EqualTo(MessageType.AddInstrument));
        Assert.That(AddInstrumentMessage.TryRead(body, out var message), Is.True);
        Assert.That(message, Is.EqualTo(ProtocolSamples.AddInstrument));
    }

    [Test]
    public void ShouldConsumeNothingWhenASplitFrameIsIncomplete()
    {
        var frame = ProtocolSamples.RequestFrame(0);
        var buffer = BufferSegment.Split(frame[..^1], 5);

        Assert.That(FrameReader.TryRead(ref buffer, new byte[FrameHeader.MaxFrameLength], out _, out _), Is.EqualTo(FrameStatus.Incomplete));
        Assert.That(buffer.Length, Is.EqualTo(frame.Length - 1));
    }

    [TestCase(0, TestName = "ShouldReadSeveralFramesFromOneSegment")]
    [TestCase(7, TestName = "ShouldReadSeveralFramesFromSevenByteSegments")]
    public void ShouldReadSeveralFramesFromOneBuffer(int segmentSize)
    {
        var stream = new List<byte>();
        uint sequence = 0;
        var expectedTypes = new List<MessageType>();
        var frame = new byte[FrameHeader.MaxFrameLength];
        Assert.That(FrameWriter.TryWriteLogin(frame, new LoginMessage("desk-key"), ++sequence, out var n), Is.True);
        stream.AddRange(frame[..n]);
        expectedTypes.Add(MessageType.Login);
        for (var i = 0; i < ProtocolSamples.RequestCount; i++)
        {
            stream.AddRange(ProtocolSamples.RequestFrame(i, ++sequence));
            expectedTypes.Add(ProtocolSamples.RequestTypes[i]);
        }
        Assert.That(FrameWriter.TryWriteHeartbeat(frame, 1, ++sequence, out n), Is.True);
        stream.AddRange(frame[..n]);
        expectedTypes.Add(MessageType.Heartbeat);
        Assert.That(FrameWriter.TryWriteLogout(frame, ++sequence, out n), Is.True);
        stream.AddRange(frame[..n]);
        expectedTypes.Add(MessageType.Logout);
        var bytes = stream.ToArray();
        var buffer = segmentSize == 0
            ? new ReadOnlySequence<byte>(bytes)
            : BufferSegment.Split(bytes, Enumerable.Range(1, (bytes.Length - 1) / segmentSize).Select(k => k * segmentSize).ToArray());
        var scratch = new byte[FrameHeader.MaxFrameLength];

        var types = new List<MessageType>();
        uint expectedSequence = 0;
        while (FrameReader.TryRead(ref buffer, scratch, out var header, out _) == FrameStatus.Complete)
        {
            Assert.That(header.Sequence, Is.EqualTo(++expectedSequence));
            types.Add(header.Type);
        }

        Assert.That(types, Is.EqualTo(expectedTypes));
        Assert.That(buffer.Length, Is.Zero, "every byte consumed");
    }

    [Test]
    public void ShouldReadBackEveryRequestFrameTheWriterProduces()
    {
        var scratch = new byte[FrameHeader.MaxFrameLength];
        for (var i = 0; i < ProtocolSamples.RequestCount; i++)
        {
            var destination = new byte[FrameHeader.MaxFrameLength];
            Assert.That(ProtocolSamples.TryWriteRequest(i, destination, 0xFFFF_FFFE, out var written), Is.True);
            Assert.That(ProtocolSamples.TryWriteRequest(i, destination.AsSpan(0, written - 1), 1, out _), Is.False, $"sample {i}: one byte short");
            var buffer = new ReadOnlySequence<byte>(destination, 0, written);

            Assert.That(FrameReader.TryRead(ref buffer, scratch, out var header, out var body), Is.EqualTo(FrameStatus.Complete));
            Assert.That(header.Length, Is.EqualTo(written));
            Assert.That(header.Version, Is.EqualTo(1));
            Assert.That(header.Sequence, Is.EqualTo(0xFFFF_FFFE));
            var decoded = default(Command);
            Assert.That(RequestDecoder.TryDecode(header.Type, body, ref decoded), Is.EqualTo(DecodeStatus.Ok), header.Type.ToString());
        }
    }

    [Test]
    public void ShouldReadBackTheSessionAndServerFramesTheWriterProduces()
    {
        var destination = new byte[FrameHeader.MaxFrameLength];
        var scratch = new byte[FrameHeader.MaxFrameLength];

        Assert.That(FrameWriter.TryWriteLogin(destination, new LoginMessage("maker-key", 250), 1, out var n), Is.True);
        var body = ReadBack(destination, n, MessageType.Login, 1, scratch);
        Assert.That(LoginMessage.TryRead(body, out var login), Is.True);
        Assert.That((login.Key, login.HeartbeatMs), Is.EqualTo(("maker-key", 250)));
        Assert.That(FrameWriter.TryWriteLogin(destination.AsSpan(0, n - 1), new LoginMessage("maker-key"), 1, out _), Is.False);
        Assert.That(FrameWriter.TryWriteLogin(destination, new LoginMessage("bad key"), 1, out _), Is.False, "an invalid key is not written");

        Assert.That(FrameWriter.TryWriteHeartbeat(destination, -5, 2, out n), Is.True);
        body = ReadBack(destination, n, MessageType.Heartbeat, 2, scratch);
        Assert.That(HeartbeatMessage.TryRead(body, out var heartbeat), Is.True);
        Assert.That(heartbeat.Timestamp, Is.EqualTo(-5));
        Assert.That(FrameWriter.TryWriteHeartbeat(destination.AsSpan(0, n - 1), 0, 2, out _), Is.False);

        Assert.That(FrameWriter.TryWriteLogout(destination, 3, out n), Is.True);
        Assert.That(n, Is.EqualTo(FrameHeader.Size));
        Assert.That(ReadBack(destination, n, MessageType.Logout, 3, scratch).IsEmpty, Is.True);
        Assert.That(FrameWriter.TryWriteLogout(destination.AsSpan(0, n - 1), 3, out _), Is.False);

        var accepted = new LoginAcceptedMessage(42, SessionRoles.Trader, 5000, [1, 2]);
        Assert.That(FrameWriter.TryWriteLoginAccepted(destination, in accepted, 4, out n), Is.True);
        body = ReadBack(destination, n, MessageType.LoginAccepted, 4, scratch);
        Assert.That(LoginAcceptedMessage.TryRead(body, out var acceptedRead), Is.True);
        Assert.That((acceptedRead.SessionId, acceptedRead.Roles, acceptedRead.HeartbeatMs), Is.EqualTo((42, SessionRoles.Trader, 5000)));
        Assert.That(acceptedRead.Accounts, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(FrameWriter.TryWriteLoginAccepted(destination.AsSpan(0, n - 1), in accepted, 4, out _), Is.False);

        var error = new ErrorMessage(RejectCode.UnknownCommand, (MessageType)77, false, 12, 34);
        Assert.That(FrameWriter.TryWriteError(destination, in error, 5, out n), Is.True);
        body = ReadBack(destination, n, MessageType.Error, 5, scratch);
        Assert.That(ErrorMessage.TryRead(body, out var errorRead), Is.True);
        Assert.That((errorRead.Code, errorRead.RefType, errorRead.Closing, errorRead.RefSequence, errorRead.RequestId),
            Is.EqualTo((RejectCode.UnknownCommand, (MessageType)77, false, 12u, 34L)));
        Assert.That(FrameWriter.TryWriteError(destination.AsSpan(0, n - 1), in error, 5, out _), Is.False);

        var e = new OutputEvent { Type = EventType.Canceled, Code = (ushort)CancelReason.MassCancel, AccountId = 2, OrderId = (3L << 32) | 4, Time = 5 };
        Assert.That(FrameWriter.TryWriteEvent(destination, in e, 6, out n), Is.True);
        body = ReadBack(destination, n, MessageType.Event, 6, scratch);
        Assert.That(EventMessage.TryRead(body, out var eventRead), Is.True);
        Assert.That((eventRead.Type, eventRead.CancelReason, eventRead.AccountId, eventRead.OrderId, eventRead.Time),
            Is.EqualTo((EventType.Canceled, CancelReason.MassCancel, 2, (3L << 32) | 4, 5L)));
        Assert.That(FrameWriter.TryWriteEvent(destination.AsSpan(0, n - 1), in e, 6, out _), Is.False);
    }

    /// <summary>Reads the frame in <c>destination[..length]</c>, checks its header, returns a copy of its body.</summary>
    private static ReadOnlySpan<byte> ReadBack(byte[] destination, int length, MessageType type, uint sequence, byte[] scratch)
    {
        var buffer = new ReadOnlySequence<byte>(destination, 0, length);
        Assert.That(FrameReader.TryRead(ref buffer, scratch, out var header, out var body), Is.EqualTo(FrameStatus.Complete), type.ToString());
        Assert.That((header.Length, header.Type, header.Version, header.Sequence), Is.EqualTo((length, type, (byte)1, sequence)));
        Assert.That(buffer.Length, Is.Zero);
        return body.ToArray();
    }
}
