namespace Journal;

/// <summary>
/// The journal is damaged somewhere other than a torn tail: a bad batch followed by more data, damage in a segment
/// that is not the last, a sequence gap or overlap, or a missing segment. Nothing is skipped; repair needs a human.
/// </summary>
public sealed class JournalCorruptException : JournalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">Path of the segment file.</param>
    /// <param name="offset">Byte offset of the damaged batch or header.</param>
    /// <param name="reason">What is wrong.</param>
    public JournalCorruptException(string file, long offset, string reason)
        : base(file, offset, $"journal corrupt: {file} at offset {offset}: {reason}")
    {
        Reason = reason;
    }

    /// <summary>Gets what is wrong, without the file and offset.</summary>
    public string Reason { get; }
}
