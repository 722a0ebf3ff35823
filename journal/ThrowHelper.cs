using System.Diagnostics.CodeAnalysis;

namespace Journal;

/// <summary>Central throw sites of the journal, so that callers stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void DestinationTooShort(string paramName, int needed) =>
        throw new ArgumentException($"the destination must hold at least {needed} bytes", paramName);

    [DoesNotReturn]
    public static void Corrupt(string file, long offset, string reason) => throw new JournalCorruptException(file, offset, reason);

    [DoesNotReturn]
    public static void NewerVersion(string file, long offset, string what, int version, int maxSupported) =>
        throw new JournalFormatException(file, offset, version,
            $"{file} at offset {offset}: {what} version {version} is newer than this build reads (at most {maxSupported}); " +
            "upgrade the reader before replaying this journal");

    [DoesNotReturn]
    public static void Format(string file, long offset, int version, string reason) =>
        throw new JournalFormatException(file, offset, version, $"{file} at offset {offset}: {reason}");
}
