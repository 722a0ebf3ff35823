using System.Diagnostics;
using HdrHistogram;

namespace Engine.LoadTest.Bench;

/// <summary>The open-loop schedule shared by every end-to-end mode.</summary>
/// <remarks>
/// Command <c>i</c> of a window is due at <c>start + i / rate</c>. Its latency is measured from that intended time,
/// not from when it was actually sent, so a sender that falls behind (because the engine pushed back) does not hide
/// the wait: coordinated omission is corrected by construction. A rate is saturated when the engine answered fewer
/// than <see cref="SaturationShare"/> of the offered commands per second over the window (first intended send to
/// last answer); the sweep stops after the first saturated rate.
/// </remarks>
public static class OpenLoop
{
    /// <summary>exchange-core's published rates, commands/s.</summary>
    public static readonly long[] Rates = [125_000, 250_000, 500_000, 1_000_000, 2_000_000, 3_000_000, 5_000_000];

    /// <summary>Share of the offered rate the engine must achieve for the rate not to count as saturated.</summary>
    public const double SaturationShare = 0.97;

    /// <summary>Histogram range: 1 ns to 60 s at 3 significant digits (a stall on a loaded machine must fit).</summary>
    public const long HighestNanos = 60_000_000_000;

    /// <summary>Nanoseconds per <see cref="Stopwatch"/> tick.</summary>
    public static readonly double NanosPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>A histogram for latencies in nanoseconds.</summary>
    public static LongHistogram NewHistogram() => new(HighestNanos, 3);

    /// <summary>Ticks to nanoseconds.</summary>
    public static long Nanos(long ticks) => (long)(ticks * NanosPerTick);

    /// <summary>Whether an achieved rate counts as saturated at an offered one.</summary>
    public static bool IsSaturated(long target, double achieved) => achieved < target * SaturationShare;

    /// <summary>"125K", "1M", "2.5M".</summary>
    public static string RateLabel(long rate) => rate >= 1_000_000
        ? $"{rate / 1e6:0.##}M"
        : rate >= 1_000 ? $"{rate / 1e3:0.##}K" : rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
