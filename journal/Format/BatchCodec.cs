using Engine.Commands;
using K4os.Compression.LZ4;

namespace Journal.Format;

/// <summary>Encodes a batch of raw command records into a frame (<see cref="BatchHeader"/> + payload), and back.</summary>
/// <remarks>Encoder and decoder live together so that they cannot drift apart. Allocation: none.</remarks>
internal static class BatchCodec
{
    /// <summary>Returns the largest frame a batch of <paramref name="maxCommands"/> commands can take.</summary>
    public static int MaxFrameLength(int maxCommands) =>
        BatchHeader.Size + LZ4Codec.MaximumOutputSize(maxCommands * Command.Size);

    /// <summary>Frames <paramref name="raw"/> (whole records) into <paramref name="frame"/>; returns the frame length.</summary>
    /// <param name="raw">The records, <c>Count × Command.Size</c> bytes.</param>
    /// <param name="firstSequence">Sequence of the first record.</param>
    /// <param name="level">LZ4 level.</param>
    /// <param name="compressMinBytes">Batches smaller than this are stored raw (LZ4 rarely pays below a few records).</param>
    /// <param name="frame">At least <see cref="MaxFrameLength"/> bytes for the batch.</param>
    public static int Encode(ReadOnlySpan<byte> raw, long firstSequence, LZ4Level level, int compressMinBytes, Span<byte> frame)
    {
        var payload = frame[BatchHeader.Size..];
        var flags = BatchFlags.None;
        int stored = 0;
        if (raw.Length >= compressMinBytes)
        {
            stored = LZ4Codec.Encode(raw, payload, level);
            if (stored > 0 && stored < raw.Length)
            {
                flags = BatchFlags.Compressed;
            }
        }

        if (flags == BatchFlags.None)
        {
            // too small to try, or incompressible: a header flag says so, never a value in the command space
            raw.CopyTo(payload);
            stored = raw.Length;
        }

        var header = new BatchHeader
        {
            Magic = BatchHeader.MagicValue,
            Version = BatchHeader.CurrentVersion,
            Flags = flags,
            FirstSequence = firstSequence,
            Count = raw.Length / Command.Size,
            RawLength = raw.Length,
            StoredLength = stored,
            PayloadCrc32C = Crc32C.Compute(payload[..stored]),
        };
        header.Write(frame);
        return BatchHeader.Size + stored;
    }

    /// <summary>Checks the payload CRC and restores the raw records.</summary>
    /// <param name="header">A header that passed <see cref="BatchHeader.TryRead"/> and <see cref="BatchHeader.Validate"/>.</param>
    /// <param name="stored">The <see cref="BatchHeader.StoredLength"/> payload bytes.</param>
    /// <param name="raw">At least <see cref="BatchHeader.RawLength"/> bytes.</param>
    /// <returns><see langword="null"/> on success, otherwise what is wrong.</returns>
    public static string? TryDecode(in BatchHeader header, ReadOnlySpan<byte> stored, Span<byte> raw)
    {
        uint crc = Crc32C.Compute(stored);
        if (crc != header.PayloadCrc32C)
        {
            return $"payload CRC-32C 0x{crc:X8} does not match the header's 0x{header.PayloadCrc32C:X8}";
        }

        if ((header.Flags & BatchFlags.Compressed) == 0)
        {
            stored.CopyTo(raw);
            return null;
        }

        int decoded = LZ4Codec.Decode(stored, raw[..header.RawLength]);
        return decoded == header.RawLength ? null : $"LZ4 payload decodes to {decoded} bytes instead of {header.RawLength}";
    }
}
