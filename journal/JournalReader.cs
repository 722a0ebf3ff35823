using System.Runtime.InteropServices;
using Engine.Commands;
using Journal.Format;

namespace Journal;

/// <summary>Reads a journal directory: segments in sequence order, batches validated, commands delivered in order.</summary>
/// <remarks>
/// <para>Every batch is checked before a command of it is delivered: header CRC, magic, version (newer than
/// <see cref="BatchHeader.MaxSupportedVersion"/> → <see cref="JournalFormatException"/>), lengths, payload CRC,
/// LZ4 decoding, and sequence continuity across batches and segments (a gap, an overlap or a missing segment →
/// <see cref="JournalCorruptException"/>).</para>
/// <para>A bad batch is a <em>torn tail</em> only when it is in the last segment and no valid batch follows it
/// anywhere in the file: what a crash in the middle of an append leaves. It is reported in
/// <see cref="JournalReadResult.TornTail"/> (everything before it is delivered) and can be cut with
/// <see cref="Recover"/>. Any other damage throws <see cref="JournalCorruptException"/> naming the file and the byte
/// offset; nothing is ever skipped.</para>
/// <para>Threading: one thread at a time; the reader reuses its buffers between calls. Allocation: buffers grow to the
/// largest batch seen; none per command.</para>
/// </remarks>
public sealed class JournalReader
{
    private const int FileBufferSize = 1 << 20;

    private readonly string _directory;
    private readonly Action<string>? _log;
    private byte[] _stored = new byte[BatchCodec.MaxFrameLength(1024)];
    private Command[] _records = new Command[1024];

    /// <summary>Creates a reader of <paramref name="directory"/>.</summary>
    /// <param name="directory">The journal directory.</param>
    /// <param name="log">Receives one line per repair <see cref="Recover"/> makes or would make.</param>
    public JournalReader(string directory, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _directory = directory;
        _log = log;
    }

    /// <summary>Gets the segment files, in sequence order.</summary>
    public IReadOnlyList<JournalSegment> Segments => JournalSegment.List(_directory);

    /// <summary>Delivers every command from <paramref name="fromSequence"/> on to <paramref name="visitor"/>.</summary>
    /// <typeparam name="TVisitor">The visitor; a struct or sealed class for direct calls.</typeparam>
    /// <param name="fromSequence">The first sequence to deliver; segments that end before it are not opened.</param>
    /// <param name="visitor">Receives the commands and the end of each batch.</param>
    /// <returns>What was read, with the torn tail if the journal has one (it is not cut).</returns>
    /// <exception cref="JournalCorruptException">Damage other than a torn tail, or <paramref name="fromSequence"/> is before the journal's first sequence.</exception>
    /// <exception cref="JournalFormatException">A segment or batch of a newer format version.</exception>
    public JournalReadResult Read<TVisitor>(long fromSequence, ref TVisitor visitor)
        where TVisitor : IJournalVisitor
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromSequence);
        return Scan(fromSequence, ref visitor, deliver: true);
    }

    /// <summary>Delivers every command from <paramref name="fromSequence"/> on to <paramref name="callback"/>.</summary>
    /// <param name="fromSequence">The first sequence to deliver.</param>
    /// <param name="callback">Receives each command by reference, with its sequence.</param>
    /// <returns>What was read, with the torn tail if the journal has one (it is not cut).</returns>
    /// <exception cref="JournalCorruptException">Damage other than a torn tail.</exception>
    /// <exception cref="JournalFormatException">A segment or batch of a newer format version.</exception>
    public JournalReadResult Read(long fromSequence, CommandCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var visitor = new CallbackVisitor(callback);
        return Read(fromSequence, ref visitor);
    }

    /// <summary>Validates the whole journal and, when asked, cuts a torn tail off the last segment.</summary>
    /// <param name="truncate">
    /// Cut the torn tail: the last segment is truncated at the end of its last valid batch (and synced), or deleted
    /// when no complete batch would be left in it. Either way one line goes to the log.
    /// </param>
    /// <returns>What was found; <see cref="JournalReadResult.NextSequence"/> is where a writer continues.</returns>
    /// <exception cref="JournalCorruptException">Damage other than a torn tail; nothing is cut then.</exception>
    /// <exception cref="JournalFormatException">A segment or batch of a newer format version.</exception>
    public JournalReadResult Recover(bool truncate)
    {
        var visitor = default(NoVisitor);
        var result = Scan(-1, ref visitor, deliver: false);
        if (result.TornTail is not { } tail)
        {
            return result;
        }

        if (!truncate)
        {
            _log?.Invoke($"journal: torn tail in {tail.File} at offset {tail.Offset}: {tail.Bytes} bytes ({tail.Reason}); left in place");
            return result;
        }

        bool delete = tail.Offset <= SegmentHeader.Size; // no complete batch would be left in it
        if (delete)
        {
            File.Delete(tail.File);
        }
        else
        {
            using var stream = new FileStream(tail.File, FileMode.Open, FileAccess.Write, FileShare.Read);
            stream.SetLength(tail.Offset);
            stream.Flush(flushToDisk: true);
        }

        _log?.Invoke(
            $"journal: torn tail in {tail.File} at offset {tail.Offset}: {tail.Bytes} bytes cut ({tail.Reason}); " +
            (delete ? "segment deleted (no complete batch left); " : string.Empty) +
            $"the journal now ends before sequence {result.NextSequence}");
        return result with { Truncated = true };
    }

    private JournalReadResult Scan<TVisitor>(long fromSequence, ref TVisitor visitor, bool deliver)
        where TVisitor : IJournalVisitor
    {
        var segments = JournalSegment.List(_directory);
        var state = new ScanState { FirstSequence = -1, NextSequence = -1 };
        if (segments.Count == 0)
        {
            return new JournalReadResult(0, 0, 0, -1, -1, null, false);
        }

        long journalStart = segments[0].FirstSequence;
        if (fromSequence < 0)
        {
            fromSequence = journalStart;
        }

        if (fromSequence < journalStart)
        {
            ThrowHelper.Corrupt(segments[0].Path, 0,
                $"the journal starts at sequence {journalStart}; sequences {fromSequence}..{journalStart - 1} are missing");
        }

        int start = 0;
        for (int i = 1; i < segments.Count && segments[i].FirstSequence <= fromSequence; i++)
        {
            start = i;
        }

        state.NextSequence = segments[start].FirstSequence;
        TornTail? tail = null;
        for (int i = start; i < segments.Count && tail is null; i++)
        {
            var segment = segments[i];
            if (segment.FirstSequence != state.NextSequence)
            {
                ThrowHelper.Corrupt(segment.Path, 0, segment.FirstSequence > state.NextSequence
                    ? $"segment starts at sequence {segment.FirstSequence} but the previous one ends before {state.NextSequence}: sequences are missing"
                    : $"segment starts at sequence {segment.FirstSequence}, inside the previous segment (which ends before {state.NextSequence})");
            }

            state.Segments++;
            tail = ReadSegment(segment, i == segments.Count - 1, fromSequence, ref visitor, deliver, ref state);
        }

        return new JournalReadResult(state.Segments, state.Batches, state.Commands, state.FirstSequence, state.NextSequence, tail, false);
    }

    /// <summary>Reads one segment; returns its torn tail (last segment only) or null when it ends cleanly.</summary>
    private TornTail? ReadSegment<TVisitor>(JournalSegment segment, bool isLast, long fromSequence, ref TVisitor visitor, bool deliver,
        ref ScanState state)
        where TVisitor : IJournalVisitor
    {
        string path = segment.Path;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileBufferSize, FileOptions.SequentialScan);
        long length = stream.Length;
        Span<byte> headerBytes = stackalloc byte[Math.Max(BatchHeader.Size, SegmentHeader.Size)];

        var segmentBytes = headerBytes[..SegmentHeader.Size];
        if (length < SegmentHeader.Size)
        {
            return TailOrCorrupt(path, 0, length, isLast, $"segment header incomplete ({length} of {SegmentHeader.Size} bytes)");
        }

        stream.ReadExactly(segmentBytes);
        bool intact = SegmentHeader.TryRead(segmentBytes, out var segmentHeader);
        if (segmentHeader.Magic == SegmentHeader.MagicValue && segmentHeader.Version > SegmentHeader.MaxSupportedVersion)
        {
            // checked before the CRC: a newer version may lay the rest of the header out differently
            ThrowHelper.NewerVersion(path, 0, "segment", segmentHeader.Version, SegmentHeader.MaxSupportedVersion);
        }

        if (!intact || segmentHeader.Magic != SegmentHeader.MagicValue || segmentHeader.Version == 0)
        {
            return TailOrCorrupt(path, 0, length, isLast, intact ? "bad segment header magic or version" : "segment header CRC mismatch");
        }

        if (segmentHeader.RecordSize != Command.Size)
        {
            ThrowHelper.Format(path, 0, segmentHeader.Version,
                $"records of {segmentHeader.RecordSize} bytes; this build reads {Command.Size}-byte commands");
        }

        if (segmentHeader.FirstSequence != segment.FirstSequence)
        {
            ThrowHelper.Corrupt(path, 0,
                $"segment header says first sequence {segmentHeader.FirstSequence}, the file name says {segment.FirstSequence}");
        }

        if (length == SegmentHeader.Size && isLast)
        {
            // a crash between the segment header and its first batch: nothing in it, and a restarted writer needs the name
            return new TornTail(path, 0, length, "segment holds no batch");
        }

        long offset = SegmentHeader.Size;
        var batchBytes = headerBytes[..BatchHeader.Size];
        while (offset < length)
        {
            long remaining = length - offset;
            if (remaining < BatchHeader.Size)
            {
                return TailOrCorrupt(path, offset, length, isLast, $"batch header incomplete ({remaining} of {BatchHeader.Size} bytes)");
            }

            stream.ReadExactly(batchBytes);
            if (!BatchHeader.TryRead(batchBytes, out var header))
            {
                return TailOrCorrupt(path, offset, length, isLast, "batch header CRC mismatch");
            }

            if (header.Magic == BatchHeader.MagicValue && header.Version > BatchHeader.MaxSupportedVersion)
            {
                ThrowHelper.NewerVersion(path, offset, "batch", header.Version, BatchHeader.MaxSupportedVersion);
            }

            string? problem = header.Version == 0 ? "batch version 0" : header.Validate();
            if (problem is null && remaining - BatchHeader.Size < header.StoredLength)
            {
                problem = $"payload incomplete ({remaining - BatchHeader.Size} of {header.StoredLength} bytes)";
            }

            if (problem is not null)
            {
                return TailOrCorrupt(path, offset, length, isLast, problem);
            }

            var stored = StoredBuffer(header.StoredLength);
            stream.ReadExactly(stored);
            var records = RecordBuffer(header.Count);
            problem = BatchCodec.TryDecode(header, stored, MemoryMarshal.AsBytes(records));
            if (problem is not null)
            {
                return TailOrCorrupt(path, offset, length, isLast, problem);
            }

            if (header.FirstSequence != state.NextSequence)
            {
                ThrowHelper.Corrupt(path, offset,
                    $"batch starts at sequence {header.FirstSequence}, expected {state.NextSequence} (a gap or an overlap)");
            }

            Deliver(records, header.FirstSequence, fromSequence, ref visitor, deliver, ref state);
            state.NextSequence += header.Count;
            state.Batches++;
            offset += header.FrameLength;
        }

        return null;
    }

    private static void Deliver<TVisitor>(Span<Command> records, long firstSequence, long fromSequence, ref TVisitor visitor, bool deliver,
        ref ScanState state)
        where TVisitor : IJournalVisitor
    {
        int skip = (int)Math.Clamp(fromSequence - firstSequence, 0, records.Length);
        if (skip == records.Length)
        {
            return;
        }

        if (state.FirstSequence < 0)
        {
            state.FirstSequence = firstSequence + skip;
        }

        state.Commands += records.Length - skip;
        if (!deliver)
        {
            return;
        }

        for (int k = skip; k < records.Length; k++)
        {
            visitor.OnCommand(ref records[k], firstSequence + k);
        }

        visitor.OnBatchEnd();
    }

    /// <summary>
    /// A bad batch (or segment header) at <paramref name="offset"/>: a torn tail if this is the last segment and no
    /// valid batch follows anywhere after it; corruption otherwise.
    /// </summary>
    private static TornTail TailOrCorrupt(string path, long offset, long length, bool isLast, string reason)
    {
        if (!isLast)
        {
            ThrowHelper.Corrupt(path, offset, $"{reason}, in a segment that is not the last one");
        }

        long valid = FindValidBatch(path, offset + 1, length);
        if (valid >= 0)
        {
            ThrowHelper.Corrupt(path, offset, $"{reason}, and a valid batch follows at offset {valid}");
        }

        return new TornTail(path, offset, length - offset, reason);
    }

    /// <summary>Offset of the first complete, CRC-valid batch at or after <paramref name="from"/>; -1 when there is none.</summary>
    /// <remarks>The rare path (a bad batch was found): reads the rest of the file into memory.</remarks>
    private static long FindValidBatch(string path, long from, long length)
    {
        if (length - from < BatchHeader.Size)
        {
            return -1;
        }

        var rest = new byte[length - from];
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            int read = 0;
            while (read < rest.Length)
            {
                int n = RandomAccess.Read(handle, rest.AsSpan(read), from + read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }

        Span<byte> magic = stackalloc byte[sizeof(uint)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(magic, BatchHeader.MagicValue);
        int at = 0;
        while (at <= rest.Length - BatchHeader.Size)
        {
            int hit = rest.AsSpan(at).IndexOf(magic);
            if (hit < 0)
            {
                break;
            }

            at += hit;
            var candidate = rest.AsSpan(at);
            if (BatchHeader.TryRead(candidate, out var header) && header.Version is > 0 and <= BatchHeader.MaxSupportedVersion
                && header.Validate() is null && candidate.Length - BatchHeader.Size >= header.StoredLength
                && Crc32C.Compute(candidate.Slice(BatchHeader.Size, header.StoredLength)) == header.PayloadCrc32C)
            {
                return from + at;
            }

            at++;
        }

        return -1;
    }

    private Span<byte> StoredBuffer(int length)
    {
        if (_stored.Length < length)
        {
            _stored = new byte[Math.Max(length, _stored.Length * 2)];
        }

        return _stored.AsSpan(0, length);
    }

    private Span<Command> RecordBuffer(int count)
    {
        if (_records.Length < count)
        {
            _records = new Command[Math.Max(count, _records.Length * 2)];
        }

        return _records.AsSpan(0, count);
    }

    private struct ScanState
    {
        public int Segments;
        public long Batches;
        public long Commands;
        public long FirstSequence;
        public long NextSequence;
    }

    private readonly struct CallbackVisitor(CommandCallback callback) : IJournalVisitor
    {
        public void OnCommand(ref Command command, long sequence) => callback(ref command, sequence);

        public void OnBatchEnd()
        {
        }
    }

    private readonly struct NoVisitor : IJournalVisitor
    {
        public void OnCommand(ref Command command, long sequence)
        {
        }

        public void OnBatchEnd()
        {
        }
    }
}
