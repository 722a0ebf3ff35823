using System.Numerics;
using System.Runtime.CompilerServices;

namespace Engine.Book;

/// <summary>
/// A bit per price-ladder slot, with summary layers so that the next set bit above or below any slot
/// is found in a handful of word operations whatever the ladder size.
/// </summary>
/// <remarks>
/// Layer 0 has one bit per slot; bit <c>j</c> of layer <c>k+1</c> is set when word <c>j</c> of layer
/// <c>k</c> is non-zero. With 64-bit words, 2^24 slots need four layers.
/// <code>
///   layer 2   [w0]                         1 word   (bit j: layer-1 word j non-empty)
///   layer 1   [w0][w1]...[w63]             64 words
///   layer 0   [w0][w1]..............[w4095] 4096 words (one bit per slot)
/// </code>
/// </remarks>
internal sealed class LadderBitset
{
    private readonly ulong[][] _layers;
    private readonly int _size;

    public LadderBitset(int size)
    {
        if (size < 64 || !BitOperations.IsPow2(size))
            Util.ThrowHelper.ArgumentOutOfRange(nameof(size), "ladder size must be a power of two of at least 64");
        _size = size;
        var layers = new List<ulong[]>();
        var words = size >> 6;
        while (true)
        {
            layers.Add(new ulong[Math.Max(1, words)]);
            if (words <= 1) break;
            words = (words + 63) >> 6;
        }
        _layers = layers.ToArray();
    }

    public int Size => _size;

    public bool IsSet(int i) => (_layers[0][i >> 6] & (1UL << i)) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int i)
    {
        var layers = _layers;
        for (var k = 0; k < layers.Length; k++)
        {
            ref var word = ref layers[k][i >> 6];
            var was = word;
            word = was | (1UL << i);
            if (was != 0) return; // upper layers already know this word is non-empty
            i >>= 6;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Clear(int i)
    {
        var layers = _layers;
        for (var k = 0; k < layers.Length; k++)
        {
            ref var word = ref layers[k][i >> 6];
            word &= ~(1UL << i);
            if (word != 0) return; // the word still has bits: upper layers stay set
            i >>= 6;
        }
    }

    public void ClearAll()
    {
        foreach (var layer in _layers) Array.Clear(layer);
    }

    /// <summary>Lowest set index ≥ <paramref name="from"/>, or -1.</summary>
    public int NextSetAtOrAbove(int from)
    {
        if (from >= _size) return -1;
        if (from < 0) from = 0;
        var layers = _layers;
        var i = from;
        var k = 0;
        // climb: look in the current word for a bit at or above i; if none, move to the next word one layer up
        while (true)
        {
            var layer = layers[k];
            var wordIndex = i >> 6;
            if (wordIndex >= layer.Length) return -1;
            var word = layer[wordIndex] & (ulong.MaxValue << (i & 63));
            if (word != 0)
            {
                i = (wordIndex << 6) | BitOperations.TrailingZeroCount(word);
                break;
            }
            if (k == layers.Length - 1) return -1;
            i = wordIndex + 1; // first word after this one, as an index one layer up
            k++;
        }
        // descend: at each lower layer take the lowest set bit of the word i points to
        while (k > 0)
        {
            k--;
            var word = layers[k][i];
            i = (i << 6) | BitOperations.TrailingZeroCount(word);
        }
        return i;
    }

    /// <summary>Highest set index ≤ <paramref name="from"/>, or -1.</summary>
    public int PrevSetAtOrBelow(int from)
    {
        if (from < 0) return -1;
        if (from >= _size) from = _size - 1;
        var layers = _layers;
        var i = from;
        var k = 0;
        while (true)
        {
            var layer = layers[k];
            var wordIndex = i >> 6;
            var shift = 63 - (i & 63);
            var word = layer[wordIndex] & (ulong.MaxValue >> shift);
            if (word != 0)
            {
                i = (wordIndex << 6) | (63 - BitOperations.LeadingZeroCount(word));
                break;
            }
            if (k == layers.Length - 1 || wordIndex == 0) return -1;
            i = wordIndex - 1;
            k++;
        }
        while (k > 0)
        {
            k--;
            var word = layers[k][i];
            i = (i << 6) | (63 - BitOperations.LeadingZeroCount(word));
        }
        return i;
    }

    public void Save(State.StateWriter w)
    {
        foreach (var layer in _layers) w.Array(layer, layer.Length);
    }

    public void Load(ref State.StateReader r)
    {
        foreach (var layer in _layers) r.Into(layer);
    }
}
