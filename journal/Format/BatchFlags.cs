namespace Journal.Format;

/// <summary>Flag bits of <see cref="BatchHeader.Flags"/>.</summary>
/// <remarks>Persisted: explicit values, append-only; a new bit needs a version bump (old readers refuse unknown bits).</remarks>
[Flags]
public enum BatchFlags : ushort
{
    /// <summary>No flag: the payload is the raw records.</summary>
    None = 0,

    /// <summary>The payload is one LZ4 block (K4os <c>LZ4Codec</c>); small batches are stored raw instead.</summary>
    Compressed = 1 << 0,

    /// <summary>Every bit this version defines.</summary>
    Known = Compressed,
}
