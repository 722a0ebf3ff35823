using System.Numerics;
using System.Runtime.InteropServices;

namespace Journal.Format;

/// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every journal header and payload.</summary>
/// <remarks>
/// System.IO.Hashing 10.0.3 has <c>Crc32</c> (the IEEE polynomial) and <c>Crc64</c> but no CRC-32C, so the
/// journal computes it with <see cref="BitOperations.Crc32C(uint, ulong)"/>: the SSE4.2 <c>crc32</c> instruction
/// on x64, the CRC32C instructions on Arm64, a table in the BCL elsewhere. Same parameters as iSCSI, ext4 and
/// Kafka record batches (initial value and final XOR 0xFFFFFFFF), so external tools can check a journal.
/// Check value: CRC-32C("123456789") = 0xE3069283. Allocation: none.
/// </remarks>
public static class Crc32C
{
    /// <summary>Returns the CRC-32C of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes to checksum.</param>
    /// <returns>The checksum, final XOR applied.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(~0u, data);

    /// <summary>Folds <paramref name="data"/> into a running, not yet finalized, CRC state.</summary>
    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        // eight bytes per instruction; the crc32 instruction reads its operand little-endian, as MemoryMarshal does here
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = BitOperations.Crc32C(crc, word);
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
