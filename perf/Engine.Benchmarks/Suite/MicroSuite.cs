using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Engine.Benchmarks.Gateway;
using Engine.Benchmarks.Journal;
using Engine.Benchmarks.Logic;
using Engine.Benchmarks.Ring;
using Engine.Benchmarks.Risk;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// <c>Engine.Benchmarks suite [--quick] [--out DIR]</c>: the harness's <c>micro</c> suite. Runs the ring, frame codec,
/// order book, margin tick and journal encode benchmarks in process with the memory diagnoser, prints a table and
/// writes <c>micro.json</c> and <c>micro.svg</c>.
/// </summary>
/// <remarks>
/// In process (<see cref="InProcessEmitToolchain"/>): no project is generated and built per benchmark, so the suite
/// starts measuring at once; the price is that every benchmark shares this process's JIT and GC settings. The quick job
/// (1 warm-up, 3 iterations of ~100 ms, one benchmark per area where setups are costly) is a smoke check; the full job
/// (3 warm-ups, 10 iterations of ~250 ms, every benchmark) gives the figures.
/// </remarks>
public static class MicroSuite
{
    /// <summary>Runs the suite; returns the exit code (0 ok, 1 a benchmark failed, 2 bad arguments).</summary>
    public static int Run(string[] args)
    {
        var quick = false;
        string? outDirectory = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--out" when i + 1 < args.Length: outDirectory = args[++i]; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    Console.Error.WriteLine("usage: Engine.Benchmarks suite [--quick] [--out DIR]");
                    return 2;
            }
        }
        outDirectory ??= ResultsDirectory();
        Directory.CreateDirectory(outDirectory);
        var logPath = Path.Combine(outDirectory, "micro.log");
        using var log = new StreamLogger(logPath);
        var clock = Stopwatch.StartNew();
        var job = (quick
                ? Job.Default.WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100))
                : Job.Default.WithWarmupCount(3).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(250)))
            .WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId(quick ? "quick" : "full");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(log)
            .AddLogger(new ProgressLogger(Console.Out))
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        if (quick) config = config.AddFilter(new SimpleFilter(QuickSelection));
        Type[] types = [typeof(RingBufferBenchmarks), typeof(FrameCodecBenchmarks), typeof(OrderBookBenchmarks), typeof(MarginBenchmarks), typeof(JournalEncodeBenchmarks)];
        var summaries = BenchmarkRunner.Run(types, config);

        var result = new MicroResult
        {
            Command = "./run-engine.sh bench micro" + (quick ? " --quick" : ""),
            Machine = MicroMachine.Current(),
            Configuration = new Dictionary<string, string>
            {
                ["job"] = quick ? "quick: 1 warm-up, 3 iterations of ~100 ms, one benchmark per costly area" : "full: 3 warm-ups, 10 iterations of ~250 ms",
                ["toolchain"] = "BenchmarkDotNet in process (InProcessEmitToolchain), memory diagnoser on",
                ["ring waits"] = "consumer thread: yielding or busy-spin (in the names); producer backs off with SpinWait when full",
                ["BenchmarkDotNet"] = typeof(BenchmarkRunner).Assembly.GetName().Version?.ToString() ?? "?",
            },
        };
        var failed = false;
        foreach (var summary in summaries)
        {
            foreach (var report in summary.Reports)
            {
                var stats = report.ResultStatistics;
                if (stats == null)
                {
                    failed = true;
                    result.Flags.Add($"{Name(report)}: no result (the benchmark failed)");
                    continue;
                }
                var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
                result.Benchmarks.Add(new MicroBenchmark(report.BenchmarkCase.Descriptor.Type.Name, report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                    report.BenchmarkCase.Parameters.DisplayInfo, report.BenchmarkCase.Descriptor.Baseline, stats.Mean, stats.StandardError, stats.Median, allocated));
                if (allocated > 0) result.Flags.Add($"{Name(report)}: allocates {allocated} B per operation");
            }
        }
        var order = result.Benchmarks.Select(b => (Array.FindIndex(types, t => t.Name == b.Class), b)).OrderBy(x => x.Item1).Select(x => x.b).ToList();
        result.Benchmarks.Clear();
        result.Benchmarks.AddRange(order);
        result.ComputeRatios();
        if (quick && result.Benchmarks.Any(b => b.AllocatedBytes > 0))
            result.Flags.Add("quick job: for a benchmark of a millisecond or more, 3 short iterations run few operations, so the harness's own per-iteration allocations can show up per operation; the full job is the reference for allocation");
        result.Configuration["wall time"] = $"{clock.Elapsed.TotalSeconds:F1} s";
        var json = Path.Combine(outDirectory, "micro.json");
        var svg = Path.Combine(outDirectory, "micro.svg");
        MicroReportWriter.WriteJson(result, json);
        MicroReportWriter.WriteSvg(result, svg);
        MicroReportWriter.PrintTable(result, Console.Out);
        Console.WriteLine($"wrote {json} and {svg} (BenchmarkDotNet's own log: {logPath})");
        return failed ? 1 : 0;
    }

    private static string Name(BenchmarkReport report) =>
        $"{report.BenchmarkCase.Descriptor.Type.Name}.{report.BenchmarkCase.Descriptor.WorkloadMethod.Name}{report.BenchmarkCase.Parameters.DisplayInfo}";

    private static bool QuickSelection(BenchmarkCase benchmark)
    {
        var type = benchmark.Descriptor.Type;
        var method = benchmark.Descriptor.WorkloadMethod.Name;
        if (type == typeof(OrderBookBenchmarks)) return method == nameof(OrderBookBenchmarks.ExchangeCoreMix);
        if (type == typeof(MarginBenchmarks)) return method == nameof(MarginBenchmarks.PriceTickOneMillionPositions);
        if (type == typeof(JournalEncodeBenchmarks)) return benchmark.Parameters.DisplayInfo.Contains("1024", StringComparison.Ordinal);
        return true;
    }

    private static string ResultsDirectory()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return Path.Combine(dir.FullName, "perf", "results");
        return Path.Combine(Environment.CurrentDirectory, "results");
    }
}

/// <summary>
/// Passes to the console only BenchmarkDotNet's line naming each benchmark as it starts, and errors, so the suite shows
/// progress in a few lines; everything else goes to <c>micro.log</c>.
/// </summary>
internal sealed class ProgressLogger(TextWriter console) : ILogger
{
    private const string BenchmarkPrefix = "// Benchmark: ";

    /// <inheritdoc />
    public string Id => nameof(ProgressLogger);

    /// <inheritdoc />
    public int Priority => 0;

    /// <inheritdoc />
    public void Write(LogKind logKind, string text) => WriteLine(logKind, text);

    /// <inheritdoc />
    public void WriteLine()
    {
    }

    /// <inheritdoc />
    public void WriteLine(LogKind logKind, string text)
    {
        if (logKind == LogKind.Error && !text.Contains("No exporters defined", StringComparison.Ordinal))
        {
            console.WriteLine($"  error: {text}");
        }
        else if (text.StartsWith(BenchmarkPrefix, StringComparison.Ordinal))
        {
            // "// Benchmark: Type.Method: job(...)": keep the case's name
            var name = text[BenchmarkPrefix.Length..];
            var job = name.LastIndexOf(": ", StringComparison.Ordinal);
            console.WriteLine($"  running {(job > 0 ? name[..job] : name)}");
        }
    }

    /// <inheritdoc />
    public void Flush() => console.Flush();
}

/// <summary>The micro suite's results, as written to <c>micro.json</c>.</summary>
public sealed class MicroResult
{
    /// <summary>Always "micro".</summary>
    public string Suite => "micro";

    /// <summary>When the run ended (UTC).</summary>
    public DateTime DateUtc { get; init; } = DateTime.UtcNow;

    /// <summary>The command that produced the file.</summary>
    public required string Command { get; init; }

    /// <summary>The machine.</summary>
    public required MicroMachine Machine { get; init; }

    /// <summary>Job, toolchain, wait strategies.</summary>
    public Dictionary<string, string> Configuration { get; init; } = [];

    /// <summary>One entry per benchmark case.</summary>
    public List<MicroBenchmark> Benchmarks { get; init; } = [];

    /// <summary>What a reader must not miss.</summary>
    public List<string> Flags { get; init; } = [];

    /// <summary>Sets each case's ratio to the baseline of its class with the same parameters.</summary>
    public void ComputeRatios()
    {
        foreach (var b in Benchmarks)
        {
            var baseline = Benchmarks.FirstOrDefault(x => x.Baseline && x.Class == b.Class && x.Parameters == b.Parameters);
            b.Ratio = baseline != null && baseline.MeanNs > 0 ? b.MeanNs / baseline.MeanNs : null;
        }
    }
}

/// <summary>One benchmark case's figures (nanoseconds per operation).</summary>
public sealed class MicroBenchmark(string @class, string method, string parameters, bool baseline, double meanNs, double errorNs, double medianNs, long allocatedBytes)
{
    /// <summary>Benchmark class.</summary>
    public string Class { get; } = @class;

    /// <summary>Benchmark method.</summary>
    public string Method { get; } = method;

    /// <summary>Parameters, e.g. "[BatchCommands=1024]" (empty when none).</summary>
    public string Parameters { get; } = parameters;

    /// <summary>Whether this is its class's baseline.</summary>
    public bool Baseline { get; } = baseline;

    /// <summary>Mean time per operation, ns.</summary>
    public double MeanNs { get; } = meanNs;

    /// <summary>Standard error of the mean, ns.</summary>
    public double ErrorNs { get; } = errorNs;

    /// <summary>Median, ns.</summary>
    public double MedianNs { get; } = medianNs;

    /// <summary>Bytes allocated per operation (-1 when the diagnoser gave none).</summary>
    public long AllocatedBytes { get; } = allocatedBytes;

    /// <summary>Mean over the class baseline's mean (null when the class has no baseline).</summary>
    public double? Ratio { get; set; }
}

/// <summary>The machine a micro run was measured on.</summary>
public sealed record MicroMachine(int Cores, string CpuModel, string Runtime, string Os)
{
    /// <summary>This process's machine.</summary>
    public static MicroMachine Current()
    {
        var cpu = RuntimeInformation.ProcessArchitecture.ToString();
        if (File.Exists("/proc/cpuinfo"))
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line != null) cpu = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        return new MicroMachine(Environment.ProcessorCount, cpu, RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Cores} cores, {CpuModel}, {Runtime}, {Os}");
}
