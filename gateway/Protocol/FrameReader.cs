using System.Buffers;

namespace Engine.Gateway.Protocol;

/// <summary>Cuts frames off the front of a received byte sequence (a pipe's read buffer).</summary>
public static class FrameReader
{
    /// <summary>Reads the frame at the start of <paramref name="buffer"/>.</summary>
    /// <remarks>
    /// On <see cref="FrameStatus.Complete"/>, <paramref name="buffer"/> is advanced past the frame and
    /// <paramref name="body"/> holds its body: a slice of the buffer when the frame lies in one segment, else a copy in
    /// <paramref name="scratch"/> (at least <see cref="FrameHeader.MaxFrameLength"/> bytes). On any other status the
    /// buffer is left as it was. Does not allocate.
    /// </remarks>
    public static FrameStatus TryRead(ref ReadOnlySequence<byte> buffer, Span<byte> scratch, out FrameHeader header, out ReadOnlySpan<byte> body)
    {
        body = default;
        if (buffer.Length < FrameHeader.Size)
        {
            header = default;
            return FrameStatus.Incomplete;
        }
        var first = buffer.FirstSpan;
        if (first.Length >= FrameHeader.Size)
        {
            FrameHeader.TryRead(first, out header);
        }
        else
        {
            buffer.Slice(0, FrameHeader.Size).CopyTo(scratch);
            FrameHeader.TryRead(scratch, out header);
        }
        if (header.Length < FrameHeader.Size || header.Length > FrameHeader.MaxFrameLength) return FrameStatus.BadLength;
        if (header.Version != FrameHeader.CurrentVersion) return FrameStatus.BadVersion;
        if (buffer.Length < header.Length) return FrameStatus.Incomplete;
        var bodyLength = header.Length - FrameHeader.Size;
        if (first.Length >= header.Length)
        {
            body = first.Slice(FrameHeader.Size, bodyLength);
        }
        else
        {
            buffer.Slice(FrameHeader.Size, bodyLength).CopyTo(scratch);
            body = scratch[..bodyLength];
        }
        buffer = buffer.Slice(header.Length);
        return FrameStatus.Complete;
    }
}
