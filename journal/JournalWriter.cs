using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Commands;
using Engine.Pipeline;
using Engine.Ring;
using Journal.Format;
using K4os.Compression.LZ4;

namespace Journal;

/// <summary>
/// The journaler: a consumer of the input ring, in parallel with the business logic, that appends every command
/// to segment files in LZ4-compressed, CRC-framed batches and then advances <see cref="Journaled"/>.
/// </summary>
/// <remarks>
/// <code>
///  input ring ──► OnEvent: copy the entry into the staging buffer (Command[MaxBatchCommands])
///                   │ end of the ring batch, or staging buffer full
///                   ▼
///                 frame = BatchHeader + LZ4(records) (raw when small or incompressible), CRC-32C of both
///                   │ segment full? → close it, open journal-&lt;firstSequence:D20&gt;.seg, write its header
///                   ▼
///                 append frame ──► durability: None | Flush (to the OS) | Fsync (to disk, once per batch)
///                   ▼
///                 Journaled = last sequence of the batch   (what an acknowledging publisher gates on)
/// </code>
/// <para>
/// Faults: when the file layer throws (create, write, flush, fsync), the writer records the exception in
/// <see cref="Fault"/>, calls <see cref="OnFault"/> once, closes the file, and from then on consumes entries without
/// writing them: <see cref="Journaled"/> stays at the last batch that completed its durability step, forever, so
/// nothing that is not journaled is ever acknowledged. It keeps consuming rather than halting so that the ring does
/// not fill up and block producers and the logic thread behind a dead disk; the publisher, gated on
/// <see cref="Journaled"/>, stops acknowledging and the operator restarts from the journal. A partly written batch
/// left on disk is a torn tail, cut by <see cref="JournalReader.Recover"/>.
/// </para>
/// <para>
/// Threading: every handler method runs on the processor's thread; <see cref="Journaled"/>, <see cref="Fault"/> and
/// the counters may be read from any thread. Allocation: none per command or per batch in steady state (a segment
/// roll allocates the new file); the staging and frame buffers are allocated once.
/// </para>
/// <code>
/// var writer = new JournalWriter(new JournalWriterOptions { Directory = "journal", Durability = JournalDurability.Fsync });
/// var journaler = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), writer);
/// ring.AddGatingSequences(journaler.Sequence, logic.Sequence);
/// // a publisher releases result s only when writer.Journaled.Value &gt;= s
/// </code>
/// </remarks>
public sealed class JournalWriter : ICommandJournal, IDisposable
{
    private readonly string _directory;
    private readonly JournalDurability _durability;
    private readonly LZ4Level _level;
    private readonly int _compressMinBytes;
    private readonly long _segmentSize;
    private readonly Func<string, IJournalFile> _openFile;
    private readonly Command[] _pending;
    private readonly byte[] _frame;
    private readonly Sequence _journaled = new();
    private IJournalFile? _file;
    private long _segmentBytes;
    private int _count;
    private long _firstSequence;
    private Exception? _fault;
    private long _batches;
    private long _commands;
    private long _bytes;
    private long _segments;

    /// <summary>Creates the writer; no file is opened until the first batch.</summary>
    /// <param name="options">The configuration.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public JournalWriter(JournalWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _directory = options.Directory;
        _durability = options.Durability;
        _level = options.CompressionLevel;
        _compressMinBytes = options.CompressMinBytes;
        _segmentSize = options.SegmentSize;
        int bufferSize = options.FileBufferSize;
        _openFile = options.OpenFile ?? (path => new FileJournalFile(path, bufferSize));
        _pending = new Command[options.MaxBatchCommands];
        _frame = new byte[Math.Max(BatchCodec.MaxFrameLength(options.MaxBatchCommands), SegmentHeader.Size)];
        System.IO.Directory.CreateDirectory(_directory);
    }

    /// <summary>Gets the sequence of the last command on the journal per the durability policy; -1 before the first.</summary>
    /// <remarks>Padded; read it with <see cref="Sequence.Value"/> from any thread. Never advances after a fault.</remarks>
    public Sequence Journaled => _journaled;

    /// <inheritdoc />
    Sequence ICommandJournal.Durable => _journaled;

    /// <summary>Gets the exception that stopped journaling, or <see langword="null"/>.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Gets or sets a callback invoked once, on the writer's thread, when journaling stops on an exception.</summary>
    /// <remarks>Set it before starting. Exceptions it throws are ignored.</remarks>
    public Action<Exception>? OnFault { get; set; }

    /// <summary>Gets the number of batches journaled.</summary>
    public long Batches => Volatile.Read(ref _batches);

    /// <summary>Gets the number of commands journaled.</summary>
    public long Commands => Volatile.Read(ref _commands);

    /// <summary>Gets the bytes appended to segment files: segment headers, batch headers and payloads.</summary>
    public long BytesWritten => Volatile.Read(ref _bytes);

    /// <summary>Gets the number of segment files created.</summary>
    public long Segments => Volatile.Read(ref _segments);

    /// <inheritdoc />
    public void OnEvent(ref Command data, long sequence, bool endOfBatch)
    {
        if (_fault is not null)
        {
            return; // faulted: consume without writing; Journaled stays where it is
        }

        if (_count == 0)
        {
            _firstSequence = sequence;
        }

        _pending[_count++] = data;
        if (endOfBatch || _count == _pending.Length)
        {
            Commit();
        }
    }

    /// <inheritdoc />
    public void OnShutdown() => CloseSegment();

    /// <summary>Closes the current segment (its buffered bytes go to the OS); the next batch opens a new one.</summary>
    public void Dispose() => CloseSegment();

    private void Commit()
    {
        var raw = MemoryMarshal.AsBytes(_pending.AsSpan(0, _count));
        int frameLength = BatchCodec.Encode(raw, _firstSequence, _level, _compressMinBytes, _frame);
        long last = _firstSequence + _count - 1;
        int count = _count;
        _count = 0;
        try
        {
            if (_file is null || (_segmentBytes > SegmentHeader.Size && _segmentBytes + frameLength > _segmentSize))
            {
                Roll();
            }

            _file!.Write(_frame.AsSpan(0, frameLength));
            _segmentBytes += frameLength;
            if (_durability == JournalDurability.Flush)
            {
                _file.Flush();
            }
            else if (_durability == JournalDurability.Fsync)
            {
                _file.FlushToDisk();
            }
        }
        catch (Exception ex)
        {
            RecordFault(ex);
            return;
        }

        Volatile.Write(ref _batches, _batches + 1);
        Volatile.Write(ref _commands, _commands + count);
        Volatile.Write(ref _bytes, _bytes + frameLength);
        _journaled.SetValue(last);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Roll()
    {
        if (_file is not null)
        {
            var old = _file;
            _file = null;
            old.Dispose(); // every batch in it already went through the durability step; this hands over the rest
        }

        var path = Path.Combine(_directory, JournalSegment.FileName(_firstSequence));
        _file = _openFile(path);
        _segmentBytes = 0;
        Span<byte> header = stackalloc byte[SegmentHeader.Size];
        SegmentHeader.Create(_firstSequence).Write(header);
        _file.Write(header); // made durable together with the segment's first batch
        _segmentBytes = SegmentHeader.Size;
        Volatile.Write(ref _segments, _segments + 1);
        Volatile.Write(ref _bytes, _bytes + SegmentHeader.Size);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordFault(Exception ex)
    {
        Volatile.Write(ref _fault, ex);
        var file = _file;
        _file = null;
        try
        {
            file?.Dispose();
        }
        catch (Exception)
        {
            // the file layer already failed; the first exception is the one to report
        }

        try
        {
            OnFault?.Invoke(ex);
        }
        catch (Exception)
        {
            // a failing observer must not hide the fault
        }
    }

    private void CloseSegment()
    {
        var file = _file;
        if (file is null)
        {
            return;
        }

        _file = null;
        try
        {
            file.Dispose();
        }
        catch (Exception ex)
        {
            // bytes still buffered (durability None) did not reach the OS: they were acknowledged, so say so loudly
            if (_fault is null)
            {
                RecordFault(ex);
            }
        }
    }
}
