using System.Globalization;

namespace Journal;

/// <summary>One segment file of a journal directory: <c>journal-&lt;FirstSequence:D20&gt;.seg</c>.</summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="FirstSequence">Sequence of its first command, from the file name.</param>
public readonly record struct JournalSegment(string Path, long FirstSequence)
{
    private const string Prefix = "journal-";
    private const string Suffix = ".seg";
    private const int Digits = 20;

    /// <summary>Returns the file name of the segment that starts at <paramref name="firstSequence"/>.</summary>
    /// <param name="firstSequence">Sequence of the segment's first command (not negative).</param>
    /// <returns>For example <c>journal-00000000000000001024.seg</c>; names sort in sequence order.</returns>
    public static string FileName(long firstSequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{firstSequence:D20}{Suffix}");

    /// <summary>Lists the segment files of <paramref name="directory"/> in sequence order.</summary>
    /// <param name="directory">The journal directory; a missing directory holds no segments.</param>
    /// <returns>The segments; other files are ignored.</returns>
    public static IReadOnlyList<JournalSegment> List(string directory)
    {
        var segments = new List<JournalSegment>();
        if (!Directory.Exists(directory))
        {
            return segments;
        }

        foreach (string path in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix))
        {
            if (TryParse(System.IO.Path.GetFileName(path), out long first))
            {
                segments.Add(new JournalSegment(path, first));
            }
        }

        segments.Sort(static (a, b) => a.FirstSequence.CompareTo(b.FirstSequence));
        return segments;
    }

    private static bool TryParse(string name, out long firstSequence)
    {
        firstSequence = 0;
        if (name.Length != Prefix.Length + Digits + Suffix.Length)
        {
            return false;
        }

        var digits = name.AsSpan(Prefix.Length, Digits);
        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out firstSequence);
    }
}
