namespace Journal;

/// <summary>The default <see cref="IJournalFile"/>: a new file written through a <see cref="FileStream"/> with a large buffer.</summary>
/// <remarks>
/// The file is created with <see cref="FileMode.CreateNew"/>: an existing segment is never overwritten. Batches
/// larger than the buffer go straight to the OS. <see cref="FlushToDisk"/> is <c>FileStream.Flush(true)</c>
/// (fsync on Linux, FlushFileBuffers on Windows). Allocation: none per write.
/// </remarks>
public sealed class FileJournalFile : IJournalFile
{
    private readonly FileStream _stream;

    /// <summary>Creates the file.</summary>
    /// <param name="path">Path of the new segment file.</param>
    /// <param name="bufferSize">Bytes buffered in the process before a write reaches the OS.</param>
    /// <exception cref="IOException">The file exists or cannot be created.</exception>
    public FileJournalFile(string path, int bufferSize)
    {
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize, FileOptions.None);
    }

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    /// <inheritdoc />
    public void Flush() => _stream.Flush(flushToDisk: false);

    /// <inheritdoc />
    public void FlushToDisk() => _stream.Flush(flushToDisk: true);

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
