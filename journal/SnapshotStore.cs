using System.Buffers.Binary;
using Engine.Logic;
using Journal.Format;
using K4os.Compression.LZ4;

namespace Journal;

/// <summary>What happens to journal segments that a newer snapshot covers.</summary>
public enum SnapshotRetention
{
    /// <summary>Keep every segment (a full replay from the start stays possible).</summary>
    KeepAll,
    /// <summary>Delete the segments whose every command is at or before the newest snapshot.</summary>
    DeleteCoveredSegments,
}

/// <summary>
/// Snapshot files: the logic's state at a sequence, LZ4-compressed, with a CRC-32C and a format version, written
/// to a temporary file, flushed to disk, then renamed into place (a crash never leaves a half snapshot under the
/// final name).
/// </summary>
/// <remarks>
/// <code>
///  snapshot-&lt;sequence:D20&gt;.snap
///  offset size field
///   0     4    magic "SNAP"
///   4     2    format version (1)
///   6     2    flags (0)
///   8     8    sequence: the snapshot command's input sequence (its effects included)
///  16     4    raw length (state bytes)
///  20     4    stored length (LZ4 block)
///  24     4    CRC-32C of the stored bytes
///  28     4    CRC-32C of bytes 0..27
///  32     ...  stored bytes
/// </code>
/// </remarks>
public sealed class SnapshotStore : ISnapshotSink
{
    /// <summary>Size of the header.</summary>
    public const int HeaderSize = 32;

    /// <summary>The format version written.</summary>
    public const ushort CurrentVersion = 1;

    private const uint Magic = 0x50414E53; // "SNAP" little-endian
    private readonly string _directory;
    private readonly SnapshotRetention _retention;
    private readonly Action<string>? _log;

    /// <summary>Creates a store in <paramref name="directory"/> (the journal's).</summary>
    public SnapshotStore(string directory, SnapshotRetention retention = SnapshotRetention.KeepAll, Action<string>? log = null)
    {
        _directory = directory;
        _retention = retention;
        _log = log;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Snapshots written by this store.</summary>
    public int Written { get; private set; }

    /// <summary>The file name of the snapshot at a sequence.</summary>
    public static string FileName(long sequence) => $"snapshot-{sequence:D20}.snap";

    /// <inheritdoc />
    public void Write(long sequence, ReadOnlySpan<byte> state)
    {
        var stored = new byte[LZ4Codec.MaximumOutputSize(state.Length)];
        var length = LZ4Codec.Encode(state, stored, LZ4Level.L00_FAST);
        var header = new byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), CurrentVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), sequence);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), state.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), Crc32C.Compute(stored.AsSpan(0, length)));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), Crc32C.Compute(header.AsSpan(0, 28)));
        var path = Path.Combine(_directory, FileName(sequence));
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(header);
            file.Write(stored, 0, length);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        Written++;
        _log?.Invoke($"snapshot at sequence {sequence}: {state.Length:N0} bytes, {length:N0} stored");
        if (_retention == SnapshotRetention.DeleteCoveredSegments) DeleteCovered(sequence);
    }

    private void DeleteCovered(long sequence)
    {
        var segments = JournalSegment.List(_directory);
        // a segment is covered when the next one starts at or before the first command after the snapshot
        for (var i = 0; i + 1 < segments.Count && segments[i + 1].FirstSequence <= sequence + 1; i++)
        {
            File.Delete(segments[i].Path);
            _log?.Invoke($"retention: deleted {Path.GetFileName(segments[i].Path)} (covered by the snapshot at {sequence})");
        }
    }

    /// <summary>The newest snapshot that passes every check, as (sequence, state bytes); null when there is none.</summary>
    /// <remarks>A damaged snapshot is skipped with a log line (an older one, or the journal from the start, is used).
    /// A snapshot of a newer format version is refused: the build is too old for this data.</remarks>
    public static (long Sequence, byte[] State)? LoadNewest(string directory, Action<string>? log = null)
    {
        if (!Directory.Exists(directory)) return null;
        var files = Directory.GetFiles(directory, "snapshot-*.snap");
        Array.Sort(files, StringComparer.Ordinal);
        for (var i = files.Length - 1; i >= 0; i--)
        {
            var bytes = File.ReadAllBytes(files[i]);
            var problem = Check(bytes, out var sequence, out var rawLength, out var storedLength, out var version);
            if (version > CurrentVersion)
                throw new JournalFormatException(files[i], 4, version, $"snapshot {files[i]} has format version {version}; this build reads up to {CurrentVersion}");
            if (problem != null)
            {
                log?.Invoke($"snapshot {Path.GetFileName(files[i])} skipped: {problem}");
                continue;
            }
            var state = new byte[rawLength];
            if (LZ4Codec.Decode(bytes.AsSpan(HeaderSize, storedLength), state) != rawLength)
            {
                log?.Invoke($"snapshot {Path.GetFileName(files[i])} skipped: LZ4 block does not decode to its length");
                continue;
            }
            return (sequence, state);
        }
        return null;
    }

    private static string? Check(byte[] bytes, out long sequence, out int rawLength, out int storedLength, out ushort version)
    {
        sequence = 0;
        rawLength = 0;
        storedLength = 0;
        version = 0;
        if (bytes.Length < HeaderSize) return "shorter than its header";
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic) return "bad magic";
        version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28)) != Crc32C.Compute(bytes.AsSpan(0, 28))) return "header CRC mismatch";
        sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
        rawLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16));
        storedLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20));
        if (rawLength < 0 || storedLength < 0 || HeaderSize + (long)storedLength != bytes.Length) return "length mismatch (torn file)";
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)) != Crc32C.Compute(bytes.AsSpan(HeaderSize, storedLength))) return "payload CRC mismatch";
        return null;
    }
}
