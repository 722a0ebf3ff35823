using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Engine.Commands;
using Engine.Events;
using Engine.LoadTest.Support;
using Engine.Logic;
using HdrHistogram;

namespace Engine.LoadTest.Throughput;

/// <summary>
/// Throughput and per-command latency of the business-logic thread alone on exchange-core's benchmark mix.
/// </summary>
/// <remarks>
/// <code>
///   generator (before any timing)                 measured thread (one core)
///   ─────────────────────────────                 ─────────────────────────────────────────────────
///   ExchangeCoreMix.Generate(N, seed)             for each pass: new ExchangeLogic + Setup replayed
///     drives a private ExchangeLogic to learn       │
///     the engine-assigned order ids                 ▼
///     ├─ Setup[]    instrument, 1,000 accounts,   Measured[i] ──► ExchangeLogic.Process(ref cmd, seq)
///     │             ~1,000 resting orders           │   (no ring, no journal, no gateway, no threads)
///     └─ Measured[] N commands, 64 B each           │ every 64 commands
///                   9% GTC 3% IOC 6% cancel         ▼
///                   82% move, ~6% trading         FlushEvents(): XxHash3 of the events ──► NullSink (drops)
///
///   throughput pass(es): the loop above, wall clock over the whole run                 → commands/s
///   latency pass:        t0 = Stopwatch.GetTimestamp(); Process(); t1 = …  per command → int[N] ticks
///                        → LongHistogram (ns) after the window; FlushEvents timed apart
/// </code>
/// Every pass starts from a fresh engine with the setup applied, replays the same commands, and must end with
/// the state and event hashes the generator recorded (proof that it did the real work, rejects none). GC
/// collections or allocated bytes inside a measured window mark the run FAILED. Goal: ≥ 10M commands/s and
/// p99 ≤ 300 ns per command.
/// </remarks>
public sealed class LogicThreadMixTest : ILoadTest
{
    /// <summary>Throughput goal, commands per second.</summary>
    public const double GoalCommandsPerSecond = 10_000_000;
    /// <summary>Latency goal at p99, nanoseconds per command.</summary>
    public const long GoalP99Nanoseconds = 300;
    /// <summary>
    /// Commands per call of the measured loops. The loops are methods called hundreds of times during warm-up so
    /// that the tiered JIT replaces them with fully optimized code; with 65,536 per call they were called too
    /// rarely, stayed on OSR code and measured ~11M instead of ~13M commands/s.
    /// </summary>
    private const int Chunk = 1 << 12;

    /// <inheritdoc />
    public string Name => "logic";

    /// <inheritdoc />
    public string Description => "business-logic thread alone on exchange-core's mix: commands/s and per-command latency";

    /// <inheritdoc />
    public int RequiredProcessorCount => 1;

    /// <inheritdoc />
    public int Run(LoadTestOptions options)
    {
        var failures = new List<string>();
        Console.WriteLine($"== {Name}: {Description}");
        foreach (var line in MachineInfo.Describe()) Console.WriteLine(line);
        Console.WriteLine($"options           commands {options.Commands:N0}, warm-up {options.WarmupCommands:N0} x2, throughput runs {options.Runs}, seed {options.Seed}{(options.Quick ? ", quick" : "")}");
        Console.WriteLine();

        var sw = Stopwatch.StartNew();
        var mix = ExchangeCoreMix.Generate(options.Commands, new MixOptions { Seed = options.Seed });
        Console.WriteLine($"-- workload (generated in {sw.Elapsed.TotalSeconds:F1} s, before any timing)");
        Console.WriteLine($"setup: {mix.Setup.Length:N0} commands (instrument, mark price, {mix.Options.Accounts:N0} accounts, {mix.Stats.SetupOrders:N0} resting orders)");
        Console.WriteLine(mix.Stats.Describe());
        Console.WriteLine();

        var timer = MeasureTimerOverhead();
        Console.WriteLine("-- timer overhead: back-to-back Stopwatch.GetTimestamp() pairs (1M), ns");
        Console.WriteLine(Row("GetTimestamp pair", timer));
        Console.WriteLine("   each per-command latency below includes about one such pair; it is not subtracted");
        Console.WriteLine();

        var sink = new NullSink();
        var latencyTicks = new int[options.Commands];
        for (var pass = 0; pass < 2; pass++)
        {
            var warm = mix.CreateLogicAfterSetup(sink);
            RunThroughput(warm, mix, options.WarmupCommands);
            warm = mix.CreateLogicAfterSetup(sink);
            RunTimed(warm, mix, options.WarmupCommands, latencyTicks);
            Thread.Sleep(200); // lets the tiered JIT install the optimized code
        }
        Console.WriteLine($"-- warm-up: 2 x ({options.WarmupCommands:N0} untimed + {options.WarmupCommands:N0} timed) commands on throwaway engines");
        Console.WriteLine();

        Console.WriteLine($"-- throughput: {options.Commands:N0} commands per run, events flushed every {ExchangeCoreMix.FlushBatch}");
        var rates = new List<double>();
        for (var run = 1; run <= options.Runs; run++)
        {
            var logic = mix.CreateLogicAfterSetup(sink);
            var window = MeasuredWindow.Begin();
            var start = Stopwatch.GetTimestamp();
            RunThroughput(logic, mix, options.Commands);
            var elapsed = Stopwatch.GetElapsedTime(start);
            var gc = window.End();
            var rate = options.Commands / elapsed.TotalSeconds;
            rates.Add(rate);
            var verified = Verify(logic, mix, options.Commands, failures, $"throughput run {run}");
            Console.WriteLine($"run {run}: {elapsed.TotalMilliseconds,8:F1} ms  {rate / 1e6,6:F2} M commands/s  {1e9 / rate,6:F1} ns/command  {gc}  {verified}");
            if (!gc.Clean) failures.Add($"throughput run {run}: {gc}");
        }
        rates.Sort();
        var median = rates[rates.Count / 2];
        Console.WriteLine($"median {median / 1e6:F2} M commands/s, best {rates[^1] / 1e6:F2} M commands/s");
        Console.WriteLine();

        Console.WriteLine($"-- latency: one Process() call per sample, {options.Commands:N0} samples, ns (FlushEvents timed apart)");
        var timed = mix.CreateLogicAfterSetup(sink);
        var latencyWindow = MeasuredWindow.Begin();
        var timedStart = Stopwatch.GetTimestamp();
        var flushTicks = RunTimed(timed, mix, options.Commands, latencyTicks);
        var timedElapsed = Stopwatch.GetElapsedTime(timedStart);
        var latencyGc = latencyWindow.End();
        var latencyVerified = Verify(timed, mix, options.Commands, failures, "latency run");
        if (!latencyGc.Clean) failures.Add($"latency run: {latencyGc}");
        var all = NewHistogram();
        var byKind = Enum.GetValues<MixCommandKind>().Select(_ => NewHistogram()).ToArray();
        var trading = NewHistogram();
        var quiet = NewHistogram();
        var toNs = 1e9 / Stopwatch.Frequency;
        long sumTicks = 0;
        for (var i = 0; i < latencyTicks.Length; i++)
        {
            sumTicks += latencyTicks[i];
            var ns = Math.Max(1, (long)Math.Round(latencyTicks[i] * toNs));
            all.RecordValue(ns);
            byKind[(int)mix.Kinds[i]].RecordValue(ns);
            (mix.Traded[i] ? trading : quiet).RecordValue(ns);
        }
        Console.WriteLine(Header());
        Console.WriteLine(Row("all commands", all));
        foreach (var kind in Enum.GetValues<MixCommandKind>()) Console.WriteLine(Row("  " + kind, byKind[(int)kind]));
        Console.WriteLine(Row("  trading", trading));
        Console.WriteLine(Row("  not trading", quiet));
        var batches = (options.Commands + ExchangeCoreMix.FlushBatch - 1) / ExchangeCoreMix.FlushBatch;
        var flushNs = flushTicks * toNs;
        Console.WriteLine($"FlushEvents: {flushNs / batches:F0} ns per batch of {ExchangeCoreMix.FlushBatch} = {flushNs / options.Commands:F1} ns per command (hash of {timed.EventsEmitted / (double)timed.CommandsProcessed:F2} events of {OutputEvent.Size} B per command)");
        Console.WriteLine($"timed pass: {timedElapsed.TotalMilliseconds:F1} ms wall, Σ Process() {sumTicks * toNs / 1e6:F1} ms = {sumTicks * toNs / options.Commands:F1} ns/command  {latencyGc}  {latencyVerified}");
        Console.WriteLine();

        var p50 = all.GetValueAtPercentile(50);
        var p99 = all.GetValueAtPercentile(99);
        var p999 = all.GetValueAtPercentile(99.9);
        Console.WriteLine("-- verdict");
        Console.WriteLine($"throughput  {median / 1e6:F2} M commands/s (median of {rates.Count})  goal ≥ {GoalCommandsPerSecond / 1e6:F0}M: {(median >= GoalCommandsPerSecond ? "met" : "NOT met")}");
        Console.WriteLine($"latency p99 {p99} ns  goal ≤ {GoalP99Nanoseconds} ns: {(p99 <= GoalP99Nanoseconds ? "met" : "NOT met")}");
        foreach (var f in failures) Console.WriteLine($"FAILED: {f}");
        var status = failures.Count == 0 ? "PASS" : "FAILED";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT test=logic-mix commands={options.Commands} cmds_per_s={median:F0} p50_ns={p50} p90_ns={all.GetValueAtPercentile(90)} p99_ns={p99} p999_ns={p999} p9999_ns={all.GetValueAtPercentile(99.99)} max_ns={all.GetMaxValue()} timer_pair_p50_ns={timer.GetValueAtPercentile(50)} gc={latencyGc.Collections} alloc_bytes={latencyGc.AllocatedBytes} status={status}"));
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The untimed loop: what the business-logic thread does, flushing every <see cref="ExchangeCoreMix.FlushBatch"/>.</summary>
    private static void RunThroughput(ExchangeLogic logic, ExchangeCoreMix mix, int count)
    {
        for (var start = 0; start < count; start += Chunk) ThroughputChunk(logic, mix.Measured, start, Math.Min(Chunk, count - start), mix.FirstMeasuredSequence);
        logic.FlushEvents();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThroughputChunk(ExchangeLogic logic, Command[] commands, int start, int count, long firstSequence)
    {
        var sequence = firstSequence + start;
        var end = start + count;
        for (var i = start; i < end; i++)
        {
            logic.Process(ref commands[i], sequence++);
            if ((i & (ExchangeCoreMix.FlushBatch - 1)) == ExchangeCoreMix.FlushBatch - 1) logic.FlushEvents();
        }
    }

    /// <summary>The timed loop: one timestamp pair around every Process(); returns the ticks spent in FlushEvents.</summary>
    private static long RunTimed(ExchangeLogic logic, ExchangeCoreMix mix, int count, int[] ticks)
    {
        long flush = 0;
        for (var start = 0; start < count; start += Chunk) flush += TimedChunk(logic, mix.Measured, start, Math.Min(Chunk, count - start), mix.FirstMeasuredSequence, ticks);
        var t = Stopwatch.GetTimestamp();
        logic.FlushEvents();
        return flush + (Stopwatch.GetTimestamp() - t);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long TimedChunk(ExchangeLogic logic, Command[] commands, int start, int count, long firstSequence, int[] ticks)
    {
        var sequence = firstSequence + start;
        var end = start + count;
        long flush = 0;
        for (var i = start; i < end; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            logic.Process(ref commands[i], sequence++);
            var t1 = Stopwatch.GetTimestamp();
            ticks[i] = (int)Math.Min(t1 - t0, int.MaxValue);
            if ((i & (ExchangeCoreMix.FlushBatch - 1)) == ExchangeCoreMix.FlushBatch - 1)
            {
                logic.FlushEvents();
                flush += Stopwatch.GetTimestamp() - t1;
            }
        }
        return flush;
    }

    private static LongHistogram MeasureTimerOverhead()
    {
        var h = NewHistogram();
        var toNs = 1e9 / Stopwatch.Frequency;
        for (var round = 0; round < 2; round++) // the first round warms the loop up
        {
            h.Reset();
            for (var i = 0; i < 1_000_000; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var t1 = Stopwatch.GetTimestamp();
                h.RecordValue(Math.Max(1, (long)Math.Round((t1 - t0) * toNs)));
            }
        }
        return h;
    }

    private static string Verify(ExchangeLogic logic, ExchangeCoreMix mix, int count, List<string> failures, string what)
    {
        if (count != mix.Measured.Length) return "(partial stream: not verified)";
        var ok = logic.StateHash() == mix.ExpectedStateHash && logic.EventHash == mix.ExpectedEventHash;
        if (!ok) failures.Add($"{what}: state or event hash differs from the generator's (the replay diverged)");
        return ok ? "hashes verified" : "HASH MISMATCH";
    }

    private static LongHistogram NewHistogram() => new(1, 10_000_000_000L, 3);

    private static string Header() =>
        $"{"",-22}{"count",11}{"mean",8}{"p50",8}{"p90",8}{"p99",8}{"p99.9",8}{"p99.99",8}{"max",10}";

    private static string Row(string label, LongHistogram h) => h.TotalCount == 0
        ? $"{label,-22}{0,11}"
        : $"{label,-22}{h.TotalCount,11:N0}{h.GetMean(),8:F0}{h.GetValueAtPercentile(50),8}{h.GetValueAtPercentile(90),8}" +
          $"{h.GetValueAtPercentile(99),8}{h.GetValueAtPercentile(99.9),8}{h.GetValueAtPercentile(99.99),8}{h.GetMaxValue(),10}";

    /// <summary>Discards events (the event hash is still computed inside FlushEvents).</summary>
    private sealed class NullSink : IEventSink
    {
        public void Publish(ReadOnlySpan<OutputEvent> events)
        {
        }
    }
}
