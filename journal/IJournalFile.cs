namespace Journal;

/// <summary>A segment file open for appending: the file layer under <see cref="JournalWriter"/>, injectable for tests.</summary>
/// <remarks>Called on the writer's thread only. A method that fails throws; the writer then faults.</remarks>
public interface IJournalFile : IDisposable
{
    /// <summary>Appends bytes (possibly into a user-space buffer).</summary>
    /// <param name="bytes">The bytes to append.</param>
    void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Hands every buffered byte to the operating system (survives a process crash, not a power loss).</summary>
    void Flush();

    /// <summary>Flushes, then forces the data to stable storage (fsync): survives a power loss.</summary>
    void FlushToDisk();
}
