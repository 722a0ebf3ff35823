using K4os.Compression.LZ4;

namespace Journal;

/// <summary>Configuration of a <see cref="JournalWriter"/>.</summary>
public sealed class JournalWriterOptions
{
    /// <summary>The default of <see cref="CompressMinBytes"/>: 512 bytes, 8 commands.</summary>
    public const int DefaultCompressMinBytes = 512;

    /// <summary>Gets the directory of the segment files; created when missing.</summary>
    public required string Directory { get; init; }

    /// <summary>Gets what happens to a batch before it is acknowledged; <see cref="JournalDurability.Flush"/> by default.</summary>
    public JournalDurability Durability { get; init; } = JournalDurability.Flush;

    /// <summary>Gets the LZ4 level; <see cref="LZ4Level.L00_FAST"/> by default (the HC levels cost 5-20x the CPU).</summary>
    public LZ4Level CompressionLevel { get; init; } = LZ4Level.L00_FAST;

    /// <summary>Gets the most commands in one batch: the staging buffer holds this many (default 1,024 = 64 KiB raw).</summary>
    /// <remarks>A ring batch longer than this is journaled as several batches, each acknowledged on its own.</remarks>
    public int MaxBatchCommands { get; init; } = 1024;

    /// <summary>Gets the raw size below which a batch is stored uncompressed (default 512 bytes = 8 commands).</summary>
    public int CompressMinBytes { get; init; } = DefaultCompressMinBytes;

    /// <summary>Gets the size at which the writer starts a new segment (default 64 MiB); one batch never spans two.</summary>
    public long SegmentSize { get; init; } = 64L << 20;

    /// <summary>Gets the bytes the default file layer buffers in the process (default 1 MiB).</summary>
    public int FileBufferSize { get; init; } = 1 << 20;

    /// <summary>
    /// Gets the file layer: opens a new segment file at the given path. <see langword="null"/> (the default) creates a
    /// <see cref="FileJournalFile"/> with <see cref="FileBufferSize"/>.
    /// </summary>
    public Func<string, IJournalFile>? OpenFile { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("a journal directory is required", nameof(Directory));
        }

        if (MaxBatchCommands < 1 || MaxBatchCommands > Format.BatchHeader.MaxRawLength / Engine.Commands.Command.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchCommands), MaxBatchCommands, "out of range");
        }

        if (CompressMinBytes < 0 || SegmentSize < 1 || FileBufferSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSize), "sizes must be positive");
        }

        if (!Enum.IsDefined(Durability))
        {
            throw new ArgumentOutOfRangeException(nameof(Durability), Durability, "unknown durability");
        }
    }
}
