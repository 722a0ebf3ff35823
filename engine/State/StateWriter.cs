using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Engine.State;

/// <summary>Writes the engine state as length-prefixed little-endian blocks (the raw body of a snapshot).</summary>
/// <remarks>Off the hot path: a snapshot allocates its buffer. Arrays of unmanaged values are copied as bytes.</remarks>
public sealed class StateWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    /// <summary>Writes one 64-bit value.</summary>
    public void Long(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>Writes the first <paramref name="count"/> elements of an array, prefixed by the count.</summary>
    public void Array<T>(T[] values, int count) where T : unmanaged
    {
        Long(count);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan(0, count));
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }
}

/// <summary>Reads what a <see cref="StateWriter"/> wrote, in the same order.</summary>
public ref struct StateReader
{
    private ReadOnlySpan<byte> _data;

    /// <summary>Reads from <paramref name="data"/>.</summary>
    public StateReader(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _data.Length;

    /// <summary>Reads one 64-bit value.</summary>
    public long Long()
    {
        if (_data.Length < 8) throw new InvalidDataException("snapshot body ends early");
        var value = BinaryPrimitives.ReadInt64LittleEndian(_data);
        _data = _data[8..];
        return value;
    }

    /// <summary>Reads an array into a fixed-size <paramref name="values"/> (the saved one must fit); returns the count.</summary>
    public int Into<T>(T[] values) where T : unmanaged
    {
        var copy = values;
        var count = Array(ref copy);
        if (!ReferenceEquals(copy, values)) throw new InvalidDataException("snapshot table is larger than this engine's configured capacity");
        return count;
    }

    /// <summary>Reads an array into <paramref name="values"/>, growing it when the saved one was larger; returns the count.</summary>
    public int Array<T>(ref T[] values) where T : unmanaged
    {
        var count = checked((int)Long());
        var size = checked(count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        if (count < 0 || _data.Length < size) throw new InvalidDataException("snapshot array is truncated");
        if (values.Length < count) System.Array.Resize(ref values, count);
        MemoryMarshal.Cast<byte, T>(_data[..size]).CopyTo(values);
        _data = _data[size..];
        return count;
    }
}
