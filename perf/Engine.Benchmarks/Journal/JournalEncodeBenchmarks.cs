using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Engine.Commands;
using Journal;
using Journal.Format;
using K4os.Compression.LZ4;
using Mix = Engine.LoadTest.Support.ExchangeCoreMix;

namespace Engine.Benchmarks.Journal;

/// <summary>
/// The journal's encoding cost against raw LZ4 on the same bytes: batches of <see cref="BatchCommands"/> commands of
/// exchange-core's mix (<see cref="Mix"/>), compressed at <see cref="LZ4Level.L00_FAST"/> into memory.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>RawLz4</c> (baseline): <c>LZ4Codec.Encode</c> of each batch's bytes, nothing else.</item>
/// <item><c>EncodeBatch</c>: what the writer does per batch: LZ4 + payload CRC-32C + header (+ header CRC) into a frame
/// buffer (<c>BatchCodec.Encode</c>).</item>
/// <item><c>WriterOnEvent</c>: the whole <see cref="JournalWriter"/> fed as the ring would (copy of each 64-byte entry
/// into the staging buffer, end of batch every <see cref="BatchCommands"/>), durability <c>None</c>, into a file layer
/// that discards the bytes: the journaler's CPU cost without I/O.</item>
/// </list>
/// Conversion: each invocation encodes the same <see cref="Commands"/> commands and declares them as
/// <c>OperationsPerInvoke</c>, so Mean is time per <b>command</b>: commands/s = 1e9 / Mean(ns); raw MB/s =
/// 64 B × commands/s / 1e6; compressed MB/s = raw MB/s / ratio, where the ratio (raw bytes / frame bytes) is printed by
/// the global setup ("journal ratio"). Goal: EncodeBatch at ≥ 80% of RawLz4's throughput (Ratio column ≤ 1.25).
/// Run: <c>dotnet run -c Release --project perf/Engine.Benchmarks -- --filter '*JournalEncode*' --job short</c>.
/// </remarks>
[MemoryDiagnoser]
public class JournalEncodeBenchmarks
{
    /// <summary>Commands per invocation (4 MiB raw).</summary>
    public const int Commands = 1 << 16;

    private Command[] _stream = null!;
    private byte[] _frame = null!;
    private JournalWriter _writer = null!;
    private long _sequence;
    private static int _ratioPrinted;

    /// <summary>Gets or sets the commands per batch: 64 (a typical ring batch) or 1,024 (the writer's default maximum).</summary>
    [Params(64, 1024)]
    public int BatchCommands { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _stream = Mix.Generate(Commands).Measured;
        _frame = new byte[BatchCodec.MaxFrameLength(BatchCommands)];
        _writer = new JournalWriter(new JournalWriterOptions
        {
            Directory = Path.GetTempPath(),
            Durability = JournalDurability.None,
            MaxBatchCommands = BatchCommands,
            SegmentSize = long.MaxValue,
            OpenFile = _ => new DiscardingFile(),
        });

        long raw = 0, framed = 0, lz4 = 0;
        var bytes = MemoryMarshal.AsBytes(_stream.AsSpan());
        int batchBytes = BatchCommands * Command.Size;
        for (int at = 0; at < bytes.Length; at += batchBytes)
        {
            raw += batchBytes;
            framed += BatchCodec.Encode(bytes.Slice(at, batchBytes), at, LZ4Level.L00_FAST, JournalWriterOptions.DefaultCompressMinBytes, _frame);
            lz4 += LZ4Codec.Encode(bytes.Slice(at, batchBytes), _frame, LZ4Level.L00_FAST);
        }

        // once per batch size, not once per benchmark of the class
        if (_ratioPrinted == BatchCommands) return;
        _ratioPrinted = BatchCommands;
        Console.WriteLine(
            $"// journal ratio, batch {BatchCommands}: raw {raw} B, frames {framed} B ({(double)raw / framed:F3}x), " +
            $"LZ4 alone {lz4} B ({(double)raw / lz4:F3}x), framing {(double)(framed - lz4) / (raw / batchBytes):F1} B/batch");
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _writer.Dispose();

    /// <summary>LZ4 alone on each batch's bytes.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Commands)]
    public int RawLz4()
    {
        var bytes = MemoryMarshal.AsBytes(_stream.AsSpan());
        int batchBytes = BatchCommands * Command.Size;
        int total = 0;
        for (int at = 0; at < bytes.Length; at += batchBytes)
        {
            total += LZ4Codec.Encode(bytes.Slice(at, batchBytes), _frame, LZ4Level.L00_FAST);
        }

        return total;
    }

    /// <summary>The journal frame: LZ4, CRC-32C of the payload, header with its CRC.</summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public int EncodeBatch()
    {
        var bytes = MemoryMarshal.AsBytes(_stream.AsSpan());
        int batchBytes = BatchCommands * Command.Size;
        int total = 0;
        for (int at = 0; at < bytes.Length; at += batchBytes)
        {
            total += BatchCodec.Encode(bytes.Slice(at, batchBytes), at, LZ4Level.L00_FAST, JournalWriterOptions.DefaultCompressMinBytes, _frame);
        }

        return total;
    }

    /// <summary>The writer as a ring consumer: per-entry copy, then the frame, then a (discarding) write.</summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public long WriterOnEvent()
    {
        var stream = _stream;
        int batch = BatchCommands;
        long sequence = _sequence;
        for (int i = 0; i < stream.Length; i++)
        {
            _writer.OnEvent(ref stream[i], sequence + i, (i + 1) % batch == 0);
        }

        _sequence = sequence + stream.Length;
        return _writer.Journaled.Value;
    }

    private sealed class DiscardingFile : IJournalFile
    {
        public void Write(ReadOnlySpan<byte> bytes)
        {
        }

        public void Flush()
        {
        }

        public void FlushToDisk()
        {
        }

        public void Dispose()
        {
        }
    }
}
