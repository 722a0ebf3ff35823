namespace Journal;

/// <summary>What the writer does with a batch before it advances <see cref="JournalWriter.Journaled"/>.</summary>
/// <remarks>Persisted in configuration only (not in the journal); values explicit anyway.</remarks>
public enum JournalDurability
{
    /// <summary>
    /// Write into the writer's file buffer only. Bytes reach the OS when the buffer fills, at a segment roll and at
    /// shutdown: survives a clean shutdown; a process crash loses up to one file buffer of acknowledged batches.
    /// </summary>
    None = 0,

    /// <summary>Hand every batch to the OS (page cache) before acknowledging: survives a process crash, not a power loss.</summary>
    Flush = 1,

    /// <summary>Force every batch to stable storage (fsync) before acknowledging: survives a power loss. One fsync per batch (group commit).</summary>
    Fsync = 2,
}
