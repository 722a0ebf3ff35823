namespace Journal;

/// <summary>The journal was written in a format this build does not read (a newer version, another record size).</summary>
public sealed class JournalFormatException : JournalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">Path of the segment file.</param>
    /// <param name="offset">Byte offset of the header that carries the version.</param>
    /// <param name="version">The version found.</param>
    /// <param name="message">The full message, naming the file and the version.</param>
    public JournalFormatException(string file, long offset, int version, string message)
        : base(file, offset, message)
    {
        Version = version;
    }

    /// <summary>Gets the format version found in the file.</summary>
    public int Version { get; }
}
