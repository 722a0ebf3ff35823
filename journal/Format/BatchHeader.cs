using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Engine.Commands;
using K4os.Compression.LZ4;

namespace Journal.Format;

/// <summary>The header in front of every batch of journaled commands.</summary>
/// <remarks>
/// Little-endian, 36 bytes, followed by <see cref="StoredLength"/> payload bytes: <see cref="Count"/> raw
/// <see cref="Command"/> records (64 bytes each), LZ4 block-compressed when <see cref="BatchFlags.Compressed"/> is set.
/// <code>
///  byte     0       1       2       3       4       5       6       7
///       +-------+-------+-------+-------+-------+-------+-------+-------+
///     0 |     Magic "JBAT" (uint32)     |  Version u16  |   Flags u16   |
///       +-------+-------+-------+-------+-------+-------+-------+-------+
///     8 |              FirstSequence (int64, ring sequence)             |
///       +-------+-------+-------+-------+-------+-------+-------+-------+
///    16 |       Count (int32, > 0)      |       RawLength (int32)       |
///       +-------+-------+-------+-------+-------+-------+-------+-------+
///    24 |      StoredLength (int32)     |     PayloadCrc32C (uint32)    |
///       +-------+-------+-------+-------+-------+-------+-------+-------+
///    32 |       HeaderCrc (uint32)      |  payload: StoredLength bytes ...
///       +-------+-------+-------+-------+
///
///  HeaderCrc = CRC-32C of bytes 0..31.  RawLength = Count × 64 (Command.Size).
///  Flags (uint16, little-endian): bit 0 (0x0001) C = payload is one LZ4 block (clear: raw records);
///  bits 1..15 reserved, written 0, refused when set.
/// </code>
/// The header CRC comes first in validation: a torn or garbage header fails it before any length is trusted.
/// The payload CRC covers the bytes as stored, so damage is caught before LZ4 decodes anything.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct BatchHeader
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = 36;

    /// <summary>"JBAT" read as a little-endian <see cref="uint"/>.</summary>
    public const uint MagicValue = 0x5441424A;

    /// <summary>The batch format version this build writes.</summary>
    /// <remarks>
    /// Bump it (and teach the reader the old layout, or refuse it) when any of these change: the layout or
    /// meaning of a header field; a flag bit's meaning; the compression codec or its framing; the checksum
    /// algorithm or what it covers; the <see cref="Command"/> record (its size, a field offset, or the meaning of
    /// an existing field or enum value). Appending a <see cref="CommandType"/> value does not change the
    /// format (the record is the same), but replaying it needs an engine that knows the type.
    /// Magic and version stay at offsets 0 and 4 in every version, so that a reader can refuse what it
    /// does not know before trusting anything else.
    /// </remarks>
    public const ushort CurrentVersion = 1;

    /// <summary>The newest batch version this build reads; newer batches are refused with <see cref="JournalFormatException"/>.</summary>
    public const ushort MaxSupportedVersion = 1;

    /// <summary>Largest <see cref="RawLength"/> a reader accepts (bounds the buffers a header can make it allocate).</summary>
    public const int MaxRawLength = 64 << 20;

    /// <summary>Offset of <see cref="Magic"/>.</summary>
    public const int MagicOffset = 0;
    /// <summary>Offset of <see cref="Version"/>.</summary>
    public const int VersionOffset = 4;
    /// <summary>Offset of <see cref="Flags"/>.</summary>
    public const int FlagsOffset = 6;
    /// <summary>Offset of <see cref="FirstSequence"/>.</summary>
    public const int FirstSequenceOffset = 8;
    /// <summary>Offset of <see cref="Count"/>.</summary>
    public const int CountOffset = 16;
    /// <summary>Offset of <see cref="RawLength"/>.</summary>
    public const int RawLengthOffset = 20;
    /// <summary>Offset of <see cref="StoredLength"/>.</summary>
    public const int StoredLengthOffset = 24;
    /// <summary>Offset of <see cref="PayloadCrc32C"/>.</summary>
    public const int PayloadCrcOffset = 28;
    /// <summary>Offset of <see cref="HeaderCrc"/>; the header CRC covers the bytes before it.</summary>
    public const int HeaderCrcOffset = 32;

    /// <summary><see cref="MagicValue"/>.</summary>
    [FieldOffset(MagicOffset)] public uint Magic;
    /// <summary>Batch format version (<see cref="CurrentVersion"/> when written by this build).</summary>
    [FieldOffset(VersionOffset)] public ushort Version;
    /// <summary>Flag bits; see <see cref="BatchFlags"/>. Unknown bits are refused.</summary>
    [FieldOffset(FlagsOffset)] public BatchFlags Flags;
    /// <summary>Ring sequence of the first command; the batch holds <c>[FirstSequence, FirstSequence + Count)</c>.</summary>
    [FieldOffset(FirstSequenceOffset)] public long FirstSequence;
    /// <summary>Number of commands in the batch.</summary>
    [FieldOffset(CountOffset)] public int Count;
    /// <summary>Payload length once decompressed: <c>Count × Command.Size</c>.</summary>
    [FieldOffset(RawLengthOffset)] public int RawLength;
    /// <summary>Payload length on disk (equal to <see cref="RawLength"/> when not compressed).</summary>
    [FieldOffset(StoredLengthOffset)] public int StoredLength;
    /// <summary>CRC-32C of the <see cref="StoredLength"/> payload bytes as stored.</summary>
    [FieldOffset(PayloadCrcOffset)] public uint PayloadCrc32C;
    /// <summary>CRC-32C of header bytes 0..31; set by <see cref="Write"/>.</summary>
    [FieldOffset(HeaderCrcOffset)] public uint HeaderCrc;

    /// <summary>Gets the frame length on disk: header plus stored payload.</summary>
    public readonly int FrameLength => Size + StoredLength;

    /// <summary>Reads a header and checks its CRC; nothing else is validated (see <see cref="Validate"/>).</summary>
    /// <param name="source">At least <see cref="Size"/> bytes.</param>
    /// <param name="header">
    /// The fields read: filled whenever <paramref name="source"/> is long enough, so that a caller can still look at
    /// the magic and version of a header whose CRC fails; trustworthy only when the method returns <see langword="true"/>.
    /// </param>
    /// <returns><see langword="false"/> when <paramref name="source"/> is too short or the header CRC does not match.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out BatchHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        header.Magic = BinaryPrimitives.ReadUInt32LittleEndian(source[MagicOffset..]);
        header.Version = BinaryPrimitives.ReadUInt16LittleEndian(source[VersionOffset..]);
        header.Flags = (BatchFlags)BinaryPrimitives.ReadUInt16LittleEndian(source[FlagsOffset..]);
        header.FirstSequence = BinaryPrimitives.ReadInt64LittleEndian(source[FirstSequenceOffset..]);
        header.Count = BinaryPrimitives.ReadInt32LittleEndian(source[CountOffset..]);
        header.RawLength = BinaryPrimitives.ReadInt32LittleEndian(source[RawLengthOffset..]);
        header.StoredLength = BinaryPrimitives.ReadInt32LittleEndian(source[StoredLengthOffset..]);
        header.PayloadCrc32C = BinaryPrimitives.ReadUInt32LittleEndian(source[PayloadCrcOffset..]);
        header.HeaderCrc = BinaryPrimitives.ReadUInt32LittleEndian(source[HeaderCrcOffset..]);
        return header.HeaderCrc == Crc32C.Compute(source[..HeaderCrcOffset]);
    }

    /// <summary>Writes the header, computing <see cref="HeaderCrc"/> (the field's current value is ignored and updated).</summary>
    /// <param name="destination">At least <see cref="Size"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            ThrowHelper.DestinationTooShort(nameof(destination), Size);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination[MagicOffset..], Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[VersionOffset..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[FlagsOffset..], (ushort)Flags);
        BinaryPrimitives.WriteInt64LittleEndian(destination[FirstSequenceOffset..], FirstSequence);
        BinaryPrimitives.WriteInt32LittleEndian(destination[CountOffset..], Count);
        BinaryPrimitives.WriteInt32LittleEndian(destination[RawLengthOffset..], RawLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[StoredLengthOffset..], StoredLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[PayloadCrcOffset..], PayloadCrc32C);
        HeaderCrc = Crc32C.Compute(destination[..HeaderCrcOffset]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[HeaderCrcOffset..], HeaderCrc);
    }

    /// <summary>Checks everything but the CRCs and the version: magic, flags and lengths.</summary>
    /// <returns><see langword="null"/> when consistent, otherwise what is wrong.</returns>
    public readonly string? Validate()
    {
        if (Magic != MagicValue)
        {
            return $"bad batch magic 0x{Magic:X8}";
        }

        if ((Flags & ~BatchFlags.Known) != 0)
        {
            return $"unknown batch flags 0x{(ushort)Flags:X4}";
        }

        if (Count <= 0 || Count > MaxRawLength / Command.Size)
        {
            return $"batch count {Count} out of range";
        }

        if (RawLength != Count * Command.Size)
        {
            return $"raw length {RawLength} is not {Count} × {Command.Size}";
        }

        bool compressed = (Flags & BatchFlags.Compressed) != 0;
        if (compressed ? StoredLength <= 0 || StoredLength > LZ4Codec.MaximumOutputSize(RawLength) : StoredLength != RawLength)
        {
            return $"stored length {StoredLength} impossible for raw length {RawLength} ({(compressed ? "compressed" : "raw")})";
        }

        return null;
    }
}
