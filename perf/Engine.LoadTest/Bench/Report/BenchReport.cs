using System.Runtime;
using System.Runtime.InteropServices;
using Engine.LoadTest.Support;
using HdrHistogram;

namespace Engine.LoadTest.Bench.Report;

/// <summary>Everything one bench suite measured, as written to <c>perf/results/&lt;suite&gt;.json</c>.</summary>
public sealed class BenchReport
{
    /// <summary>The suite's name (the file name without extension).</summary>
    public required string Suite { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public DateTime DateUtc { get; init; } = DateTime.UtcNow;

    /// <summary>The exact command line that produced the report.</summary>
    public required string Command { get; init; }

    /// <summary>Cores, CPU model, runtime.</summary>
    public MachineSection Machine { get; init; } = MachineSection.Current();

    /// <summary>Wait strategy, durability, ring sizes, quick or full, and anything else that shapes the figures.</summary>
    public Dictionary<string, string> Configuration { get; init; } = [];

    /// <summary>Latency distributions, one per mode and rate.</summary>
    public List<LatencySeries> Series { get; init; } = [];

    /// <summary>Single figures: throughputs, baselines and their ratios, goals.</summary>
    public List<Figure> Figures { get; init; } = [];

    /// <summary>Warnings a reader must see (a collection in a measured window, a missed goal, a saturated rate).</summary>
    public List<string> Flags { get; init; } = [];
}

/// <summary>The machine and runtime a report was measured on.</summary>
public sealed record MachineSection(int Cores, string CpuModel, string Runtime, string Os, string Gc, string Clocksource)
{
    /// <summary>This process's machine.</summary>
    public static MachineSection Current()
    {
        const string clockFile = "/sys/devices/system/clocksource/clocksource0/current_clocksource";
        return new MachineSection(Environment.ProcessorCount, MachineInfo.CpuModel(), RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            $"{(GCSettings.IsServerGC ? "server" : "workstation")}, concurrent={AppContext.GetData("System.GC.Concurrent") ?? "default"}",
            File.Exists(clockFile) ? File.ReadAllText(clockFile).Trim() : "unknown");
    }
}

/// <summary>One measured figure, e.g. "pipeline max throughput = 2.9 M commands/s".</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit ("commands/s", "ns", "ratio", "B/op").</param>
/// <param name="Goal">The goal it is held against, in words (null when none).</param>
/// <param name="Met">Whether the goal is met (null when there is no goal).</param>
public sealed record Figure(string Name, double Value, string Unit, string? Goal = null, bool? Met = null);

/// <summary>One latency distribution: a mode at one offered rate (or closed loop).</summary>
public sealed class LatencySeries
{
    /// <summary>The percentiles every series reports, as in exchange-core's published table.</summary>
    public static readonly double[] StandardPercentiles = [50, 90, 95, 99, 99.9, 99.99];

    /// <summary>Short label, e.g. "pipeline 1M/s".</summary>
    public required string Name { get; init; }

    /// <summary>The mode: logic, pipeline, tcp, or a baseline's name.</summary>
    public required string Mode { get; init; }

    /// <summary>Offered rate (commands/s); 0 for closed loop.</summary>
    public long TargetRate { get; init; }

    /// <summary>Rate actually achieved over the measured window (commands/s).</summary>
    public double AchievedRate { get; init; }

    /// <summary>Measured commands.</summary>
    public long Count { get; init; }

    /// <summary>Whether the engine could not keep up with the offered rate (the sweep stops after the first).</summary>
    public bool Saturated { get; init; }

    /// <summary>Collections and bytes allocated (on the measuring side) during the measured window.</summary>
    public int Gen0 { get; init; }

    /// <summary>Gen 1 collections in the window.</summary>
    public int Gen1 { get; init; }

    /// <summary>Gen 2 collections in the window.</summary>
    public int Gen2 { get; init; }

    /// <summary>Latency at <see cref="StandardPercentiles"/> and "max", in nanoseconds.</summary>
    public Dictionary<string, long> PercentilesNs { get; init; } = [];

    /// <summary>The distribution for the plot: (percentile, latency ns) pairs, HdrHistogram's percentile iteration.</summary>
    public List<PercentilePoint> Distribution { get; init; } = [];

    /// <summary>Builds a series from a histogram recorded in nanoseconds.</summary>
    public static LatencySeries From(string name, string mode, HistogramBase histogram, long targetRate, double achievedRate,
        bool saturated, GcReport gc)
    {
        var series = new LatencySeries
        {
            Name = name,
            Mode = mode,
            TargetRate = targetRate,
            AchievedRate = achievedRate,
            Count = histogram.TotalCount,
            Saturated = saturated,
            Gen0 = gc.Gen0,
            Gen1 = gc.Gen1,
            Gen2 = gc.Gen2,
        };
        // HdrHistogram throws on the percentiles of an empty histogram; an empty series (a run that measured nothing)
        // has no percentiles and no distribution, and the writers show it as such
        if (histogram.TotalCount == 0) return series;
        foreach (var p in StandardPercentiles) series.PercentilesNs[Key(p)] = histogram.GetValueAtPercentile(p);
        series.PercentilesNs["max"] = histogram.GetMaxValue();
        foreach (var v in histogram.Percentiles(5))
        {
            series.Distribution.Add(new PercentilePoint(v.Percentile, v.ValueIteratedTo));
            if (v.Percentile >= 100) break;
        }
        return series;
    }

    /// <summary>The dictionary key of a percentile: "50", "99.9", "99.99".</summary>
    public static string Key(double percentile) => percentile.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One point of a percentile distribution.</summary>
/// <param name="Percentile">0..100.</param>
/// <param name="LatencyNs">Latency at that percentile, nanoseconds.</param>
public readonly record struct PercentilePoint(double Percentile, long LatencyNs);
