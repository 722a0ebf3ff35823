namespace Engine.Ring;

/// <summary>Layout constants shared by the ring buffer types.</summary>
internal static class RingConstants
{
    /// <summary>
    /// Bytes of padding placed on each side of a hot field so that it sits alone on its
    /// 64-byte cache line whatever the alignment of the enclosing object (56 + 8 + 56 bytes).
    /// </summary>
    public const int CacheLinePadding = 56;

    /// <summary>Size in bytes of a padded <see cref="long"/> cell: padding, value, padding.</summary>
    public const int PaddedLongSize = (CacheLinePadding * 2) + sizeof(long);
}
