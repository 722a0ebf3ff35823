using Engine.LoadTest.Bench.Report;
using Engine.LoadTest.Support;

namespace Engine.LoadTest.Bench;

/// <summary>The <c>logic</c> and <c>pipeline</c> suites: open-loop sweeps in process, and max throughput.</summary>
public static class InProcessSuite
{
    /// <summary>Runs the logic thread alone, and the pipeline after it when asked, adding series and figures.</summary>
    public static void Run(BenchReport report, ExchangeCoreMix mix, LoadTestOptions options, bool pipeline)
    {
        var seconds = options.Quick ? 0.25 : 2.0;
        var runs = options.Quick ? 1 : 3;
        var setup = new PipelineSetup(options.Wait, options.Durability, options.Layout, options.Ring ?? new Engine.Pipeline.PipelineOptions().InputRingSize, options.PublisherWait, options.Pin, options.JournalRaw);
        report.Configuration["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        report.Configuration["window per rate"] = $"{seconds} s of commands (at most the generated {mix.Measured.Length:N0}), the first 10% unrecorded";
        report.Configuration["latency"] = "from each command's intended send time (open loop, coordinated omission corrected) to the end of its batch's flush (logic) / to its first event at the publisher (pipeline); HdrHistogram, ns, 3 digits";
        report.Configuration["saturated"] = $"achieved < {OpenLoop.SaturationShare:P0} of the offered rate; the sweep stops after the first";
        if (pipeline)
        {
            report.Configuration["pipeline"] = setup.PipelineLayout == Engine.Pipeline.PipelineLayout.JournalThenPublish
                ? $"producer thread (paced, Thread.Yield between batches) → input ring {setup.InputRingSize:N0} (multi-producer) → logic → output ring → one thread that journals the commands behind each batch of results, then publishes them (two hot threads)"
                : $"producer thread (paced, Thread.Yield between batches) → input ring {setup.InputRingSize:N0} (multi-producer) → logic ∥ journal → output ring → publisher behind the durability gate (three threads)";
            report.Configuration["layout"] = options.Layout;
            report.Configuration["wait strategy"] = options.PublisherWait == null ? options.Wait : $"{options.Wait} (logic), {options.PublisherWait} (publishing thread)";
            report.Configuration["durability"] = options.Durability + (options.JournalRaw ? ", batches stored uncompressed (--journal-raw)" : ", LZ4 batches");
            report.Configuration["pinning"] = options.Pin
                ? $"logic thread alone on CPU {Environment.ProcessorCount - 1}; producer, journal and publisher threads on the other CPUs (--pin)"
                : "none: the OS places threads";
        }

        // warm-up: every measured loop and the engine's code reach tier-1 before any window counts
        var warm = Math.Min(mix.Measured.Length, options.Quick ? 200_000 : 1_000_000);
        LogicMode.MaxThroughput(mix, warm);
        LogicMode.RunAtRate(mix, 1_000_000, warm, warm / 10);
        if (pipeline)
        {
            PipelineMode.MaxThroughput(mix, setup, warm);
            PipelineMode.RunAtRate(mix, setup, 1_000_000, warm, warm / 10);
        }
        Thread.Sleep(200);

        var logicRate = Median(runs, () => Check(report, "logic max throughput", LogicMode.MaxThroughput(mix, mix.Measured.Length)));
        report.Figures.Add(new Figure("logic thread, max throughput (mix, back to back)", logicRate, "commands/s",
            $"≥ {LogicGoal:N0}", logicRate >= LogicGoal));
        var logic1M = Sweep(report, mix, seconds, (rate, count) => LogicMode.RunAtRate(mix, rate, count, count / 10));
        if (!pipeline) return;

        var pipelineRate = Median(runs, () => Check(report, "pipeline max throughput", PipelineMode.MaxThroughput(mix, setup, mix.Measured.Length)));
        report.Figures.Add(new Figure($"full pipeline, max throughput (durability {options.Durability}, {options.Wait} waits, {Environment.ProcessorCount} cores)",
            pipelineRate, "commands/s", $"≥ {BenchTest.PipelineGoal:N0} with flush durability on 2 cores",
            options.Durability == "flush" ? pipelineRate >= BenchTest.PipelineGoal : null));
        report.Figures.Add(new Figure("pipeline / logic thread alone, max throughput", pipelineRate / logicRate, "ratio"));
        var pipeline1M = Sweep(report, mix, seconds, (rate, count) => PipelineMode.RunAtRate(mix, setup, rate, count, count / 10));
        if (pipeline1M != null)
        {
            var p99 = pipeline1M.PercentilesNs["99"];
            var p9999 = pipeline1M.PercentilesNs["99.99"];
            report.Figures.Add(new Figure("pipeline at 1M commands/s, p99", p99, "ns", $"≤ {BenchTest.GoalP99AtOneMillion:N0} ns", p99 <= BenchTest.GoalP99AtOneMillion));
            report.Figures.Add(new Figure("pipeline at 1M commands/s, p99.99", p9999, "ns", $"≤ {BenchTest.GoalP9999AtOneMillion:N0} ns", p9999 <= BenchTest.GoalP9999AtOneMillion));
            if (logic1M != null)
                report.Figures.Add(new Figure("pipeline / logic thread alone, p50 at 1M commands/s",
                    pipeline1M.PercentilesNs["50"] / (double)Math.Max(1, logic1M.PercentilesNs["50"]), "ratio"));
        }
        else
        {
            report.Flags.Add("the pipeline saturated below 1M commands/s: the 1M goals could not be measured");
        }
    }

    private const double LogicGoal = BenchTest.LogicGoal;

    /// <summary>Runs each of exchange-core's rates until one saturates; returns the 1M/s series if it was measured.</summary>
    private static LatencySeries? Sweep(BenchReport report, ExchangeCoreMix mix, double seconds, Func<long, int, LatencySeries> measure)
    {
        LatencySeries? atOneMillion = null;
        foreach (var rate in OpenLoop.Rates)
        {
            var count = (int)Math.Min(mix.Measured.Length, Math.Max(50_000, rate * seconds));
            var series = measure(rate, count);
            report.Series.Add(series);
            Console.WriteLine($"  {series.Name,-22} achieved {series.AchievedRate,12:N0}/s  p50 {series.PercentilesNs["50"],9:N0} ns  p99 {series.PercentilesNs["99"],11:N0} ns  p99.99 {series.PercentilesNs["99.99"],12:N0} ns  max {series.PercentilesNs["max"],12:N0} ns  GC {series.Gen0}/{series.Gen1}/{series.Gen2}{(series.Saturated ? "  saturated" : "")}");
            if (rate == 1_000_000) atOneMillion = series;
            if (series.Saturated)
            {
                report.Flags.Add($"{series.Name}: saturated ({series.AchievedRate:N0}/s achieved); higher rates not run");
                break;
            }
        }
        return atOneMillion;
    }

    private static double Check(BenchReport report, string what, (double Rate, GcReport Gc) result)
    {
        Console.WriteLine($"  {what}: {result.Rate,12:N0} commands/s  {result.Gc}");
        if (result.Gc.Gen0 + result.Gc.Gen1 + result.Gc.Gen2 > 0) report.Flags.Add($"{what}: garbage collection in the measured window ({result.Gc.Collections})");
        return result.Rate;
    }

    private static double Median(int runs, Func<double> run)
    {
        var values = new double[runs];
        for (var i = 0; i < runs; i++) values[i] = run();
        Array.Sort(values);
        return values[runs / 2];
    }
}
