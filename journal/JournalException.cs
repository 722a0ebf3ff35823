namespace Journal;

/// <summary>A journal cannot be read as it is; says which file and where.</summary>
public abstract class JournalException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">Path of the segment file.</param>
    /// <param name="offset">Byte offset in the file where the problem starts.</param>
    /// <param name="message">The full message.</param>
    protected JournalException(string file, long offset, string message)
        : base(message)
    {
        File = file;
        Offset = offset;
    }

    /// <summary>Gets the path of the segment file.</summary>
    public string File { get; }

    /// <summary>Gets the byte offset in <see cref="File"/> where the problem starts (a batch or segment header).</summary>
    public long Offset { get; }
}
