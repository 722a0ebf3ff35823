using System.Runtime.CompilerServices;

namespace Engine.State;

/// <summary>Open-addressing map from a non-negative long key to an int value; no per-entry allocation.</summary>
/// <remarks>
/// Linear probing over parallel key/value arrays with <c>-1</c> as the empty key; grows by doubling at
/// half load. There is no removal (rows it indexes live for the life of the engine), and nothing iterates
/// it, so its internal order never affects results.
/// </remarks>
internal sealed class LongIntMap
{
    private const long EmptyKey = -1;
    private long[] _keys;
    private int[] _values;
    private int _mask;
    private int _count;

    public LongIntMap(int initialCapacity)
    {
        var n = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, initialCapacity * 2));
        _keys = new long[n];
        Array.Fill(_keys, EmptyKey);
        _values = new int[n];
        _mask = n - 1;
    }

    public int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(long key)
    {
        var h = (ulong)key * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 32);
    }

    /// <summary>The value for <paramref name="key"/>, or 0 if absent (0 is never stored as a value).</summary>
    public int Get(long key)
    {
        var keys = _keys;
        var i = Hash(key) & _mask;
        while (true)
        {
            var k = keys[i];
            if (k == key) return _values[i];
            if (k == EmptyKey) return 0;
            i = (i + 1) & _mask;
        }
    }

    public void Put(long key, int value)
    {
        if ((_count + 1) * 2 > _keys.Length) Grow();
        Insert(_keys, _values, _mask, key, value, ref _count);
    }

    private static void Insert(long[] keys, int[] values, int mask, long key, int value, ref int count)
    {
        var i = Hash(key) & mask;
        while (keys[i] != EmptyKey && keys[i] != key) i = (i + 1) & mask;
        if (keys[i] == EmptyKey) count++;
        keys[i] = key;
        values[i] = value;
    }

    private void Grow()
    {
        var n = _keys.Length * 2;
        var keys = new long[n];
        Array.Fill(keys, EmptyKey);
        var values = new int[n];
        var count = 0;
        for (var i = 0; i < _keys.Length; i++)
            if (_keys[i] != EmptyKey) Insert(keys, values, n - 1, _keys[i], _values[i], ref count);
        _keys = keys;
        _values = values;
        _mask = n - 1;
    }
}
