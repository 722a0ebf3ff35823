using System.Buffers;

namespace Engine.Tests.Support;

/// <summary>One segment of a hand-built multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands over when a
/// frame straddles two of its buffers.</summary>
public sealed class BufferSegment : ReadOnlySequenceSegment<byte>
{
    public BufferSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

    /// <summary>Links a new segment after this one and returns it.</summary>
    public BufferSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new BufferSegment(memory) { RunningIndex = RunningIndex + Memory.Length };
        Next = next;
        return next;
    }

    /// <summary>A sequence of <paramref name="data"/> cut at the given offsets (ascending), one segment per piece;
    /// each piece is copied into its own array so no two segments share memory.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var start = 0;
        BufferSegment? first = null;
        BufferSegment? last = null;
        for (var i = 0; i <= cuts.Length; i++)
        {
            var end = i < cuts.Length ? cuts[i] : data.Length;
            var piece = data.AsSpan(start, end - start).ToArray();
            if (first == null) first = last = new BufferSegment(piece);
            else last = last!.Append(piece);
            start = end;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }
}
