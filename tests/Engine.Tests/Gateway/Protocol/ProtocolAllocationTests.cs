using System.Buffers;
using Engine.Commands;
using Engine.Gateway.Protocol;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Protocol;

/// <summary>
/// The gateway's per-request path (write a frame, cut it off the stream, decode it into a command) allocates
/// nothing once warm (style C10), including frames that straddle two pipe segments.
/// </summary>
[Category("Allocation")]
public class ProtocolAllocationTests
{
    private const int Frames = 10_000;

    [Test]
    public void ShouldNotAllocateWhenWritingReadingAndDecodingTenThousandRequestFrames()
    {
        var stream = new byte[Frames * 64];
        var scratch = new byte[FrameHeader.MaxFrameLength];
        var expected = Checksum();
        Assert.That(WriteReadDecode(stream, scratch), Is.EqualTo(expected), "warm-up");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var checksum = WriteReadDecode(stream, scratch);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(checksum, Is.EqualTo(expected), "every frame decoded");
        Assert.That(allocated, Is.Zero, $"bytes allocated over {Frames:N0} frames");
    }

    [Test]
    public void ShouldNotAllocateWhenReadingFramesSplitAcrossSegments()
    {
        var stream = new byte[Frames * 64];
        var length = Write(stream);
        // 100-byte segments: most frames lie in one, some straddle two and go through the scratch copy
        var segmented = BufferSegment.Split(stream[..length], Enumerable.Range(1, (length - 1) / 100).Select(k => k * 100).ToArray());
        var scratch = new byte[FrameHeader.MaxFrameLength];
        var expected = Checksum();
        Assert.That(ReadDecode(segmented, scratch), Is.EqualTo(expected), "warm-up");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var checksum = ReadDecode(segmented, scratch);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(checksum, Is.EqualTo(expected));
        Assert.That(allocated, Is.Zero, $"bytes allocated over {Frames:N0} frames in {length / 100 + 1} segments");
    }

    [Test]
    public void ShouldReportTheAllocationsOfLoginAsANegativeControl()
    {
        var body = new byte[LoginMessage.Size];
        Assert.That(new LoginMessage("alice-key").TryWrite(body), Is.True);
        LoginMessage.TryRead(body, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) LoginMessage.TryRead(body, out _); // reads the key into a new string
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.GreaterThan(0), "the measurement sees allocations");
    }

    private static long WriteReadDecode(byte[] stream, byte[] scratch)
    {
        var length = Write(stream);
        return ReadDecode(new ReadOnlySequence<byte>(stream, 0, length), scratch);
    }

    private static int Write(byte[] stream)
    {
        var offset = 0;
        for (var i = 0; i < Frames; i++)
        {
            if (!ProtocolSamples.TryWriteRequest(i % ProtocolSamples.RequestCount, stream.AsSpan(offset), (uint)i + 1, out var written))
                throw new InvalidOperationException("the stream buffer is too small");
            offset += written;
        }
        return offset;
    }

    /// <summary>Reads and decodes every frame; returns Σ (command type + frame sequence + request id), or -1 on any failure.</summary>
    private static long ReadDecode(ReadOnlySequence<byte> buffer, byte[] scratch)
    {
        long checksum = 0;
        var command = default(Command);
        FrameStatus status;
        while ((status = FrameReader.TryRead(ref buffer, scratch, out var header, out var body)) == FrameStatus.Complete)
        {
            command = default;
            if (RequestDecoder.TryDecode(header.Type, body, ref command) != DecodeStatus.Ok) return -1;
            checksum += (byte)command.Type + header.Sequence + command.RequestId;
        }
        return status == FrameStatus.Incomplete && buffer.Length == 0 ? checksum : -1;
    }

    /// <summary>The checksum <see cref="ReadDecode"/> must find, computed without the protocol code.</summary>
    private static long Checksum()
    {
        long checksum = 0;
        for (var i = 0; i < Frames; i++)
        {
            var sample = i % ProtocolSamples.RequestCount;
            var frame = ProtocolSamples.RequestFrame(sample);
            checksum += (byte)ProtocolSamples.RequestTypes[sample] - 10 + (uint)i + 1 + BitConverter.ToInt64(frame, FrameHeader.Size + 8);
        }
        return checksum;
    }
}
