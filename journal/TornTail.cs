namespace Journal;

/// <summary>
/// An incomplete or damaged end of the last segment with nothing valid after it: what a crash in the middle of a
/// write leaves. It was never acknowledged, so cutting it loses nothing that a client was told is safe.
/// </summary>
/// <param name="File">Path of the last segment file.</param>
/// <param name="Offset">Byte offset where the tail starts: the end of the last valid batch (0 when even the segment header is torn).</param>
/// <param name="Bytes">Bytes from <paramref name="Offset"/> to the end of the file.</param>
/// <param name="Reason">Why the bytes at <paramref name="Offset"/> are not a valid batch.</param>
public sealed record TornTail(string File, long Offset, long Bytes, string Reason);
