using System.Buffers.Binary;

namespace Engine.Gateway.Protocol;

/// <summary>The 8-byte header at the start of every frame, in both directions.</summary>
/// <remarks>
/// Little-endian. <c>Length</c> counts the whole frame, header included, so a frame with an empty body has length 8.
/// <code>
///  0               1               2               3
///  +-------------------------------+---------------+---------------+
///  |         Length (u16)          |  MessageType  |   Version     |
///  +-------------------------------+---------------+---------------+
///  |                        Sequence (u32)                         |
///  +---------------------------------------------------------------+
/// </code>
/// <c>Sequence</c> numbers the frames a side sends on one connection: 1, 2, 3, ... A client frame whose sequence is not
/// the previous one plus one is a framing error. Errors refer to the client frame by this number.
/// </remarks>
public readonly struct FrameHeader
{
    /// <summary>Header size in bytes.</summary>
    public const int Size = 8;
    /// <summary>Offset of the frame length (u16).</summary>
    public const int LengthOffset = 0;
    /// <summary>Offset of the message type (u8).</summary>
    public const int TypeOffset = 2;
    /// <summary>Offset of the protocol version (u8).</summary>
    public const int VersionOffset = 3;
    /// <summary>Offset of the sender's frame sequence number (u32).</summary>
    public const int SequenceOffset = 4;

    /// <summary>The protocol version this code speaks; a frame with another version is refused.</summary>
    public const byte CurrentVersion = 1;
    /// <summary>The largest frame either side may send, header included.</summary>
    public const int MaxFrameLength = 256;

    /// <summary>Creates a header.</summary>
    public FrameHeader(int length, MessageType type, uint sequence, byte version = CurrentVersion)
    {
        Length = length;
        Type = type;
        Sequence = sequence;
        Version = version;
    }

    /// <summary>Whole frame length in bytes, header included.</summary>
    public int Length { get; }
    /// <summary>Message type.</summary>
    public MessageType Type { get; }
    /// <summary>Protocol version.</summary>
    public byte Version { get; }
    /// <summary>Sender's frame sequence number.</summary>
    public uint Sequence { get; }

    /// <summary>Reads a header; false when fewer than <see cref="Size"/> bytes are given. Checks nothing else.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out FrameHeader header)
    {
        if (source.Length < Size)
        {
            header = default;
            return false;
        }
        header = new FrameHeader(BinaryPrimitives.ReadUInt16LittleEndian(source[LengthOffset..]), (MessageType)source[TypeOffset],
            BinaryPrimitives.ReadUInt32LittleEndian(source[SequenceOffset..]), source[VersionOffset]);
        return true;
    }

    /// <summary>Writes the header; false when the destination is shorter than <see cref="Size"/>.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size) return false;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[LengthOffset..], (ushort)Length);
        destination[TypeOffset] = (byte)Type;
        destination[VersionOffset] = Version;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SequenceOffset..], Sequence);
        return true;
    }
}
