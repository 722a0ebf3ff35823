using System.Diagnostics;
using Engine.LoadTest.Bench.Report;
using Engine.LoadTest.Gateway;
using Engine.LoadTest.Support;

namespace Engine.LoadTest.Bench;

/// <summary>
/// The end-to-end harness behind <c>run-engine.sh bench</c>: open-loop sweeps at exchange-core's rates for the logic
/// thread alone, the full in-process pipeline and the TCP gateway, with their baselines measured in the same run.
/// </summary>
/// <remarks>
/// Suites (first argument after <c>bench</c>): <c>logic</c>, <c>pipeline</c> (also runs the logic thread alone, its
/// baseline), <c>tcp</c> (with a raw socket ping-pong baseline), <c>e2e</c> (all three). Each suite writes
/// <c>perf/results/&lt;suite&gt;.json</c> and <c>&lt;suite&gt;.svg</c> (or under <c>--out DIR</c>) and prints the table.
/// The micro-benchmarks are a separate program (<c>perf/Engine.Benchmarks suite</c>); run-engine.sh runs both.
/// </remarks>
public sealed class BenchTest : ILoadTest
{
    /// <summary>Throughput goal of the logic thread on the mix, commands/s.</summary>
    public const double LogicGoal = 10_000_000;

    /// <summary>Throughput goal of the full pipeline with flush durability on 2 cores, commands/s.</summary>
    public const double PipelineGoal = 3_000_000;

    /// <summary>Goals at 1M commands/s in process, ns.</summary>
    public const long GoalP99AtOneMillion = 2_000, GoalP9999AtOneMillion = 20_000;

    /// <inheritdoc />
    public string Name => "bench";

    /// <inheritdoc />
    public string Description => "the harness: logic | pipeline | tcp | e2e open-loop sweeps with baselines, JSON + SVG into perf/results [--quick] [--wait W] [--durability D] [--out DIR]";

    /// <inheritdoc />
    public int RequiredProcessorCount => 1;

    /// <inheritdoc />
    public int Run(LoadTestOptions options)
    {
        var suite = options.Scenario ?? "e2e";
        if (suite == "pipeline-max") return ProfileTarget(options);
        string[] suites = suite == "e2e" ? ["logic", "pipeline", "tcp"] : [suite];
        if (suites.Any(s => s is not ("logic" or "pipeline" or "tcp")))
        {
            Console.Error.WriteLine($"unknown suite '{suite}': logic, pipeline, tcp or e2e");
            return 2;
        }
        var outDirectory = options.Out ?? ResultsDirectory();
        var ok = true;
        ExchangeCoreMix? mix = null;
        foreach (var name in suites)
        {
            var report = new BenchReport { Suite = name, Command = CommandLine(name, options) };
            report.Configuration["quick"] = options.Quick ? "yes" : "no";
            var clock = Stopwatch.StartNew();
            if (name is "logic" or "pipeline")
            {
                mix ??= GenerateMix(options.Quick);
                report.Configuration["workload"] = $"exchange-core mix, {mix.Measured.Length:N0} generated commands, seed {mix.Options.Seed}, 1 instrument, {mix.Options.Accounts:N0} accounts, ~{mix.Options.TargetOrders:N0} resting orders";
                InProcessSuite.Run(report, mix, options, name == "pipeline");
            }
            else
            {
                GatewayTcpTest.RunBench(report, options);
            }
            report.Configuration["wall time"] = $"{clock.Elapsed.TotalSeconds:F1} s";
            foreach (var series in report.Series)
                if (series.Gen0 + series.Gen1 + series.Gen2 > 0)
                    report.Flags.Add($"{series.Name}: garbage collection in the measured window (gen0/1/2 {series.Gen0}/{series.Gen1}/{series.Gen2})");
            Directory.CreateDirectory(outDirectory);
            var json = Path.Combine(outDirectory, name + ".json");
            var svg = Path.Combine(outDirectory, name + ".svg");
            ReportJson.Write(report, json);
            PercentilePlot.WriteSvg(report, svg);
            ReportTable.Print(report, Console.Out);
            Console.WriteLine($"wrote {json} and {svg}");
            Console.WriteLine();
        }
        return ok ? 0 : 1;
    }

    /// <summary>
    /// <c>bench pipeline-max [--runs N]</c>: only the pipeline's max-throughput run, repeated, no report: the target
    /// for a profiler (<c>perf record</c>), so that the profile holds the pipeline and not the sweep's idle waits.
    /// </summary>
    private static int ProfileTarget(LoadTestOptions options)
    {
        var mix = GenerateMix(options.Quick);
        var setup = new PipelineSetup(options.Wait, options.Durability, options.Layout, options.Ring ?? new Engine.Pipeline.PipelineOptions().InputRingSize, options.PublisherWait, options.Pin, options.JournalRaw);
        for (var run = 0; run < options.Runs; run++)
        {
            var (rate, gc) = PipelineMode.MaxThroughput(mix, setup, mix.Measured.Length);
            var (batches, commands, bytes) = PipelineMode.LastJournal;
            Console.WriteLine($"run {run + 1}: {rate:N0} commands/s  {gc}  (layout {options.Layout}, {options.Wait} waits, durability {options.Durability}{(options.JournalRaw ? ", raw batches" : "")}{(options.Pin ? ", pinned" : "")}); " +
                $"journal {batches:N0} batches, {commands / (double)Math.Max(1, batches):F0} commands and {bytes / (double)Math.Max(1, batches):F0} B per batch");
        }
        return 0;
    }

    private static ExchangeCoreMix GenerateMix(bool quick)
    {
        var clock = Stopwatch.StartNew();
        var mix = ExchangeCoreMix.Generate(quick ? 400_000 : 4_000_000, new MixOptions());
        Console.WriteLine($"workload: {mix.Measured.Length:N0} commands of exchange-core's mix generated in {clock.Elapsed.TotalSeconds:F1} s (before any timing)");
        return mix;
    }

    private static string CommandLine(string suite, LoadTestOptions options) =>
        $"./run-engine.sh bench {suite}{(options.Quick ? " --quick" : "")} --wait {options.Wait} --durability {options.Durability}{(suite is "pipeline" or "tcp" ? $" --layout {options.Layout}" : "")}{(options.PublisherWait != null ? $" --publisher-wait {options.PublisherWait}" : "")}{(options.Pin ? " --pin" : "")}{(options.JournalRaw ? " --journal-raw" : "")}";

    /// <summary><c>perf/results</c> of the repository this runs from (found by walking up to Engine.sln), else ./results.</summary>
    public static string ResultsDirectory()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return Path.Combine(dir.FullName, "perf", "results");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return Path.Combine(dir.FullName, "perf", "results");
        return Path.Combine(Environment.CurrentDirectory, "results");
    }
}
