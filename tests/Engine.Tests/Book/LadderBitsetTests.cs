using CsCheck;
using Engine.Book;

namespace Engine.Tests.Book;

/// <summary>
/// <see cref="LadderBitset"/> against a plain bool[]: random Set / Clear / ClearAll and the two searches, with indexes
/// drawn toward the places where the summary layers can go wrong (word and layer boundaries, the two ends).
/// </summary>
public class LadderBitsetTests
{
    private enum BitOp { Set, Clear, ClearSetBit, Next, Prev, ClearAll }

    private readonly record struct Step(BitOp Op, int Index, int Pick)
    {
        public override string ToString() => $"{Op}({Index}, p{Pick})";
    }

    /// <summary>Indexes in [-1, size]: uniform, next to a 64-bit word edge, next to a 4096-slot (layer-1 word) edge, or an end.</summary>
    private static Gen<int> GenIndex(int size) => Gen.Frequency(
        (4, Gen.Int[0, size - 1]),
        (3, Gen.Select(Gen.Int[0, size / 64], Gen.Int[-1, 1], (word, d) => word * 64 + d)),
        (2, Gen.Select(Gen.Int[0, Math.Max(1, size / 4096)], Gen.Int[-70, 70], (block, d) => block * 4096 + d)),
        (1, Gen.OneOfConst(-1, 0, 1, size - 2, size - 1, size)));

    private static Gen<Step[]> GenSteps(int size, int maxSteps) =>
        Gen.Select(
                Gen.FrequencyConst((40, BitOp.Set), (12, BitOp.Clear), (13, BitOp.ClearSetBit), (15, BitOp.Next), (15, BitOp.Prev), (1, BitOp.ClearAll)),
                GenIndex(size), Gen.Int[0, 1_000_000], (op, index, pick) => new Step(op, index, pick))
            .Array[1, maxSteps];

    [TestCase(64, 3_000, 300)]
    [TestCase(4096, 1_500, 600)]
    [TestCase(1 << 18, 200, 1_500)]
    public void ShouldAgreeWithBoolArrayModel(int size, int iterations, int maxSteps)
    {
        GenSteps(size, maxSteps).Sample(steps => Check(size, steps), iter: iterations,
            print: steps => $"size {size}: " + string.Join(", ", steps));
    }

    [Test]
    public void ShouldFindBitsAcrossEveryLayerOfTheLargestLadder()
    {
        const int size = 1 << 24; // four layers
        var bits = new LadderBitset(size);
        int[] set = [0, 63, 64, 4095, 4096, 262_143, 262_144, size - 64, size - 1];
        foreach (var i in set) bits.Set(i);
        for (var k = 0; k < set.Length; k++)
        {
            Assert.That(bits.NextSetAtOrAbove(set[k]), Is.EqualTo(set[k]));
            Assert.That(bits.PrevSetAtOrBelow(set[k]), Is.EqualTo(set[k]));
            Assert.That(bits.NextSetAtOrAbove(set[k] + 1), Is.EqualTo(k + 1 < set.Length ? set[k + 1] : -1));
            Assert.That(bits.PrevSetAtOrBelow(set[k] - 1), Is.EqualTo(k > 0 ? set[k - 1] : -1));
        }
        foreach (var i in set) bits.Clear(i);
        Assert.That(bits.NextSetAtOrAbove(0), Is.EqualTo(-1));
        Assert.That(bits.PrevSetAtOrBelow(size - 1), Is.EqualTo(-1));
    }

    private static void Check(int size, Step[] steps)
    {
        var bits = new LadderBitset(size);
        var model = new bool[size];
        var setCount = 0;
        for (var s = 0; s < steps.Length; s++)
        {
            var (op, raw, pick) = steps[s];
            var index = Math.Clamp(raw, 0, size - 1);
            switch (op)
            {
                case BitOp.Set:
                    bits.Set(index);
                    if (!model[index]) setCount++;
                    model[index] = true;
                    break;
                case BitOp.Clear:
                case BitOp.ClearSetBit:
                    if (op == BitOp.ClearSetBit && setCount > 0) // the first set bit at or after a random slot, wrapping around
                        index = Next(model, pick % size) is var found and >= 0 ? found : Next(model, 0);
                    bits.Clear(index);
                    if (model[index]) setCount--;
                    model[index] = false;
                    break;
                case BitOp.ClearAll:
                    bits.ClearAll();
                    Array.Clear(model);
                    setCount = 0;
                    break;
                case BitOp.Next:
                    Expect(s, $"NextSetAtOrAbove({Math.Min(raw, size)})", bits.NextSetAtOrAbove(Math.Clamp(raw, 0, size)), Next(model, Math.Clamp(raw, 0, size)));
                    continue;
                case BitOp.Prev:
                    Expect(s, $"PrevSetAtOrBelow({Math.Max(raw, -1)})", bits.PrevSetAtOrBelow(Math.Clamp(raw, -1, size - 1)), Prev(model, Math.Clamp(raw, -1, size - 1)));
                    continue;
            }
            // after a change, the searches the order book makes around the slot it touched
            Expect(s, $"IsSet({index})", bits.IsSet(index), model[index]);
            Expect(s, $"NextSetAtOrAbove({index})", bits.NextSetAtOrAbove(index), Next(model, index));
            Expect(s, $"NextSetAtOrAbove({index + 1})", bits.NextSetAtOrAbove(index + 1), Next(model, index + 1));
            Expect(s, $"PrevSetAtOrBelow({index})", bits.PrevSetAtOrBelow(index), Prev(model, index));
            Expect(s, $"PrevSetAtOrBelow({index - 1})", bits.PrevSetAtOrBelow(index - 1), Prev(model, index - 1));
            Expect(s, "NextSetAtOrAbove(0)", bits.NextSetAtOrAbove(0), Next(model, 0));
            Expect(s, $"PrevSetAtOrBelow({size - 1})", bits.PrevSetAtOrBelow(size - 1), Prev(model, size - 1));
        }
        for (var i = 0; i < size; i++)
            if (bits.IsSet(i) != model[i]) throw new InvalidOperationException($"at the end: IsSet({i}) = {bits.IsSet(i)}, model {model[i]}");
    }

    private static void Expect<T>(int step, string call, T actual, T expected)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
            throw new InvalidOperationException($"after step {step}: {call} = {actual}, model {expected}");
    }

    /// <summary>Lowest set index ≥ from (from in [0, size]), or -1.</summary>
    private static int Next(bool[] model, int from)
    {
        if (from >= model.Length) return -1;
        var i = model.AsSpan(from).IndexOf(true);
        return i < 0 ? -1 : from + i;
    }

    /// <summary>Highest set index ≤ from (from in [-1, size - 1]), or -1.</summary>
    private static int Prev(bool[] model, int from) => from < 0 ? -1 : model.AsSpan(0, from + 1).LastIndexOf(true);
}
