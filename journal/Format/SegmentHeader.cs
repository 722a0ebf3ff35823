using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Engine.Commands;

namespace Journal.Format;

/// <summary>The header at the start of every segment file <c>journal-&lt;FirstSequence:D20&gt;.seg</c>.</summary>
/// <remarks>
/// Little-endian, 20 bytes, followed by batches (<see cref="BatchHeader"/> + payload) back to back up to the end of
/// the file.
/// <code>
///  byte     0       1       2       3       4       5       6       7
///       +-------+-------+-------+-------+-------+-------+-------+-------+
///     0 |     Magic "JSEG" (uint32)     |  Version u16  | RecordSize u16|
///       +-------+-------+-------+-------+-------+-------+-------+-------+
///     8 |        FirstSequence (int64, first sequence of the segment)   |
///       +-------+-------+-------+-------+-------+-------+-------+-------+
///    16 |       HeaderCrc (uint32)      |  first batch header ...
///       +-------+-------+-------+-------+
///
///  HeaderCrc = CRC-32C of bytes 0..15.  RecordSize = Command.Size (64).
///  FirstSequence equals the number in the file name and the FirstSequence of the segment's first batch.
/// </code>
/// Magic and version stay at offsets 0 and 4 in every version: a reader checks them before the CRC, so a segment
/// written by a newer build is refused by version rather than reported as damaged.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct SegmentHeader
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = 20;

    /// <summary>"JSEG" read as a little-endian <see cref="uint"/>.</summary>
    public const uint MagicValue = 0x4745534A;

    /// <summary>The segment format version this build writes.</summary>
    /// <remarks>
    /// Bump it with <see cref="BatchHeader.CurrentVersion"/> (a segment holds batches of one version only), and
    /// on any change of this header's layout or of the file naming.
    /// </remarks>
    public const ushort CurrentVersion = 1;

    /// <summary>The newest segment version this build reads.</summary>
    public const ushort MaxSupportedVersion = 1;

    /// <summary>Offset of <see cref="Magic"/>.</summary>
    public const int MagicOffset = 0;
    /// <summary>Offset of <see cref="Version"/>.</summary>
    public const int VersionOffset = 4;
    /// <summary>Offset of <see cref="RecordSize"/>.</summary>
    public const int RecordSizeOffset = 6;
    /// <summary>Offset of <see cref="FirstSequence"/>.</summary>
    public const int FirstSequenceOffset = 8;
    /// <summary>Offset of <see cref="HeaderCrc"/>; the CRC covers the bytes before it.</summary>
    public const int HeaderCrcOffset = 16;

    /// <summary><see cref="MagicValue"/>.</summary>
    [FieldOffset(MagicOffset)] public uint Magic;
    /// <summary>Segment format version.</summary>
    [FieldOffset(VersionOffset)] public ushort Version;
    /// <summary>Size of one journaled record: <see cref="Command.Size"/>.</summary>
    [FieldOffset(RecordSizeOffset)] public ushort RecordSize;
    /// <summary>Sequence of the first command in the segment.</summary>
    [FieldOffset(FirstSequenceOffset)] public long FirstSequence;
    /// <summary>CRC-32C of header bytes 0..15; set by <see cref="Write"/>.</summary>
    [FieldOffset(HeaderCrcOffset)] public uint HeaderCrc;

    /// <summary>Creates the header this build writes for a segment starting at <paramref name="firstSequence"/>.</summary>
    /// <param name="firstSequence">Sequence of the segment's first command.</param>
    /// <returns>The header; <see cref="HeaderCrc"/> is computed by <see cref="Write"/>.</returns>
    public static SegmentHeader Create(long firstSequence) => new()
    {
        Magic = MagicValue,
        Version = CurrentVersion,
        RecordSize = Command.Size,
        FirstSequence = firstSequence,
    };

    /// <summary>Reads a header and checks its CRC; nothing else is validated.</summary>
    /// <param name="source">At least <see cref="Size"/> bytes.</param>
    /// <param name="header">
    /// The fields read: filled whenever <paramref name="source"/> is long enough, so that a caller can still look at
    /// the magic and version of a header whose CRC fails; trustworthy only when the method returns <see langword="true"/>.
    /// </param>
    /// <returns><see langword="false"/> when <paramref name="source"/> is too short or the header CRC does not match.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out SegmentHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        header.Magic = BinaryPrimitives.ReadUInt32LittleEndian(source[MagicOffset..]);
        header.Version = BinaryPrimitives.ReadUInt16LittleEndian(source[VersionOffset..]);
        header.RecordSize = BinaryPrimitives.ReadUInt16LittleEndian(source[RecordSizeOffset..]);
        header.FirstSequence = BinaryPrimitives.ReadInt64LittleEndian(source[FirstSequenceOffset..]);
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
        BinaryPrimitives.WriteUInt16LittleEndian(destination[RecordSizeOffset..], RecordSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination[FirstSequenceOffset..], FirstSequence);
        HeaderCrc = Crc32C.Compute(destination[..HeaderCrcOffset]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[HeaderCrcOffset..], HeaderCrc);
    }
}
