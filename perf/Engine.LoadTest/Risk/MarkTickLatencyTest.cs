using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Engine.LoadTest.Support;
using Engine.Logic;
using Engine.State;
using HdrHistogram;

namespace Engine.LoadTest.Risk;

/// <summary>
/// Latency of one mark-price tick (<c>Cmd.MarkPrice</c> → <c>RemarginInstrument</c>) over a million open positions,
/// half isolated and half cross, on the business-logic thread alone.
/// </summary>
/// <remarks>
/// <para>
/// What "1M positions in one instrument across 250K accounts" can mean here: the engine keeps one position per
/// (account, instrument), so one instrument's million positions need a million accounts, and 250K accounts
/// hold a million positions only across four instruments, where a million positions are re-margined by four
/// mark commands of 250K each. Both are measured, and a third case with the first's shape in a shuffled layout:
/// </para>
/// <code>
///   scenario  accounts  instruments  positions per MarkPrice  tick measured as        layout
///   A         1,000,000      1            1,000,000           1 MarkPrice (headline)  sequential
///   B           250,000      4              250,000           4 MarkPrice (a round)   sequential
///   C         1,000,000      1            1,000,000           1 MarkPrice             shuffled
/// </code>
/// A is the headline against the goal (≤ 3 ms per tick): one command that has to touch a million positions
/// is the latency a price feed sees. B spreads the same million over four commands of a quarter each, the
/// shape of the original wording (a quarter's rows fit the 32 MiB L3 better, which turned out not to matter).
/// C keeps A's shape but visits the rows in a random order (see <see cref="RiskLayout.Shuffled"/>): a live venue's active list ends up
/// between A and C.
/// <code>
///   build (untimed)         RiskPopulation.Build: ~5 ordinary commands per position (create, deposit, mode,
///                           leverage, one order of a pair); every account funded far beyond its margin
///   warm-up                 120 ticks, 200 ms pause (tiered JIT), 40 ticks
///   memory reference        a loop over the same active list reading the same rows and storing the same
///                           cached fields back unchanged, without the margin arithmetic: the cost of the
///                           tick's loads and stores alone in the engine's current layout (not DRAM-bound:
///                           it costs the same per position at 100K, where everything fits in L3)
///   measured                --runs windows × --ticks ticks; per MarkPrice: t0, Process, FlushEvents, t1
///                           alternating 100,000 / 100,010 USD (0.01%): every cached PnL, maintenance and
///                           initial margin changes, nobody reaches maintenance
///   checks                  0 GC and 0 B allocated in the measured windows, no rejection, no liquidation
///                           event, ExchangeLogic.ValidateInvariants() (caches = recomputation at the mark)
/// </code>
/// </remarks>
public sealed class MarkTickLatencyTest : ILoadTest
{
    /// <summary>Goal: one tick over a million positions, milliseconds.</summary>
    public const double GoalTickMilliseconds = 3.0;
    private const int WarmupTicks = 120;
    private const int ReferencePasses = 30;

    /// <inheritdoc />
    public string Name => "risk-tick";

    /// <inheritdoc />
    public string Description => "one mark-price tick over 1M positions (half isolated, half cross): ms per tick, ns per position, allocations";

    /// <inheritdoc />
    public int RequiredProcessorCount => 1;

    /// <inheritdoc />
    public int Run(LoadTestOptions options)
    {
        var positions = options.Positions ?? (options.Quick ? 100_000 : 1_000_000);
        positions -= positions % 8; // four instruments of an even number of accounts
        var ticks = options.Ticks ?? (options.Quick ? 40 : 200);
        var windows = options.Runs;
        var failures = new List<string>();
        Console.WriteLine($"== {Name}: {Description}");
        foreach (var line in MachineInfo.Describe()) Console.WriteLine(line);
        Console.WriteLine($"options           positions {positions:N0}, measured {windows} x {ticks} ticks per scenario, warm-up {WarmupTicks}+40 ticks, seed {options.Seed}{(options.Quick ? ", quick" : "")}");
        Console.WriteLine();

        Scenario[] scenarios =
        [
            new("A", "one instrument, 1 position per account", positions, 1, RiskLayout.Sequential),
            new("B", "four instruments, 4 positions per account", positions / 4, 4, RiskLayout.Sequential),
            new("C", "one instrument, shuffled active list", positions, 1, RiskLayout.Shuffled),
        ];
        var results = new List<string>();
        double headlineMs = 0;
        foreach (var s in scenarios)
        {
            if (options.Scenario != null && !string.Equals(options.Scenario, s.Id, StringComparison.OrdinalIgnoreCase)) continue;
            var median = RunScenario(s, options.Seed, ticks, windows, failures, results);
            if (s.Id == "A") headlineMs = median;
        }

        Console.WriteLine("-- verdict");
        if (headlineMs > 0)
            Console.WriteLine($"tick over {positions:N0} positions in one instrument (A), median {headlineMs:F3} ms  goal ≤ {GoalTickMilliseconds:F0} ms: {(headlineMs <= GoalTickMilliseconds ? "met" : "NOT met")}");
        foreach (var f in failures) Console.WriteLine($"FAILED: {f}");
        var status = failures.Count == 0 ? "PASS" : "FAILED";
        foreach (var r in results) Console.WriteLine($"{r} status={status}");
        return failures.Count == 0 ? 0 : 1;
    }

    private static double RunScenario(Scenario s, int seed, int ticks, int windows, List<string> failures, List<string> results)
    {
        var positions = (long)s.Accounts * s.Instruments;
        Console.WriteLine($"-- scenario {s.Id}: {s.Title}: {s.Accounts:N0} accounts x {s.Instruments} instrument(s) = {positions:N0} positions, {s.Layout} layout");
        var sw = Stopwatch.StartNew();
        var population = RiskPopulation.Build(new RiskPopulationOptions
        {
            Accounts = s.Accounts, Instruments = s.Instruments, Layout = s.Layout, Seed = seed,
        });
        var buildSeconds = sw.Elapsed.TotalSeconds;
        var logic = population.Logic;
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"build: {population.NextSequence - 1:N0} commands in {buildSeconds:F1} s; {population.IsolatedPositions:N0} isolated + " +
            $"{positions - population.IsolatedPositions:N0} cross positions; managed heap {heap / 1e6:F0} MB");

        var up = true;
        for (var t = 0; t < WarmupTicks; t++) Round(population, ref up);
        Thread.Sleep(200);
        for (var t = 0; t < 40; t++) Round(population, ref up);

        var reference = MeasureReference(logic, s.Instruments);
        Console.WriteLine($"memory reference (same rows, same order, cached fields stored back unchanged, no margin arithmetic): " +
            $"p50 {reference / 1e6:F3} ms per {s.Accounts:N0} positions = {reference / s.Accounts:F2} ns per position");

        var perCommand = new long[windows * ticks * s.Instruments];
        var perRound = new long[windows * ticks];
        var window = MeasuredWindow.Begin();
        for (var r = 0; r < perRound.Length; r++)
        {
            long round = 0;
            for (var i = 0; i < s.Instruments; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                population.Mark(i, up);
                logic.FlushEvents();
                var elapsed = Stopwatch.GetTimestamp() - t0;
                perCommand[r * s.Instruments + i] = elapsed;
                round += elapsed;
            }
            perRound[r] = round;
            up = !up;
        }
        var gc = window.End();

        var toNs = 1e9 / Stopwatch.Frequency;
        var commandHistogram = Histogram(perCommand, toNs);
        var roundHistogram = Histogram(perRound, toNs);
        Console.WriteLine($"{"window",-8}{"ticks",7}{"mean ms",10}{"p50 ms",10}{"min ms",10}{"max ms",10}");
        for (var w = 0; w < windows; w++)
        {
            var h = Histogram(perRound.AsSpan(w * ticks, ticks), toNs);
            Console.WriteLine($"{w + 1,-8}{ticks,7}{h.GetMean() / 1e6,10:F3}{h.GetValueAtPercentile(50) / 1e6,10:F3}{h.GetValueAtPercentile(0) / 1e6,10:F3}{h.GetMaxValue() / 1e6,10:F3}");
        }
        Console.WriteLine($"{"",-34}{"count",7}{"mean",9}{"p50",9}{"p90",9}{"p99",9}{"min",9}{"max",9}  ms; ns per position at p50");
        if (s.Instruments > 1)
        {
            Console.WriteLine(Row($"one MarkPrice ({s.Accounts:N0} positions)", commandHistogram, s.Accounts));
            var perInstrument = new long[perRound.Length];
            for (var i = 0; i < s.Instruments; i++)
            {
                for (var r = 0; r < perRound.Length; r++) perInstrument[r] = perCommand[r * s.Instruments + i];
                Console.WriteLine(Row($"  instrument {i + 1}", Histogram(perInstrument, toNs), s.Accounts));
            }
        }
        Console.WriteLine(Row(s.Instruments > 1 ? $"round of {s.Instruments} ({positions:N0} positions)" : $"one MarkPrice ({positions:N0} positions)", roundHistogram, positions));
        Console.WriteLine($"measured windows: {gc}");

        var what = $"scenario {s.Id}";
        if (!gc.Clean) failures.Add($"{what}: {gc}");
        try
        {
            population.Events.ThrowIfRejectedOrLiquidated(what);
        }
        catch (InvalidOperationException e)
        {
            failures.Add(e.Message);
        }
        sw.Restart();
        var problem = logic.ValidateInvariants();
        Console.WriteLine($"ValidateInvariants: {problem ?? "all hold"} ({sw.Elapsed.TotalSeconds:F1} s); liquidation events {population.Events.Liquidations}, rejections {population.Events.Rejected}");
        if (problem != null) failures.Add($"{what}: {problem}");
        Console.WriteLine();

        var median = roundHistogram.GetValueAtPercentile(50) / 1e6;
        results.Add(string.Create(CultureInfo.InvariantCulture,
            $"RESULT test=risk-tick scenario={s.Id} accounts={s.Accounts} instruments={s.Instruments} layout={s.Layout} positions={positions} " +
            $"tick_p50_ms={median:F3} tick_mean_ms={roundHistogram.GetMean() / 1e6:F3} tick_p99_ms={roundHistogram.GetValueAtPercentile(99) / 1e6:F3} " +
            $"ns_per_position={roundHistogram.GetValueAtPercentile(50) / (double)positions:F2} memory_reference_ms={reference * s.Instruments / 1e6:F3} " +
            $"gc={gc.Collections} alloc_bytes={gc.AllocatedBytes}"));
        return median;
    }

    /// <summary>One tick: every instrument's mark moves (up or back), events flushed.</summary>
    private static void Round(RiskPopulation population, ref bool up)
    {
        for (var i = 0; i < population.Options.Instruments; i++)
        {
            population.Mark(i, up);
            population.Logic.FlushEvents();
        }
        up = !up;
    }

    /// <summary>Median ns of one pass of the memory reference over instrument 1's active list.</summary>
    private static double MeasureReference(ExchangeLogic logic, int instruments)
    {
        var samples = new long[ReferencePasses];
        long check = 0;
        for (var pass = 0; pass < 2 * ReferencePasses; pass++)
        {
            var t0 = Stopwatch.GetTimestamp();
            check += ReferencePass(logic.Instruments, logic.Positions, logic.Accounts, 1, zero: 0);
            var elapsed = Stopwatch.GetTimestamp() - t0;
            if (pass >= ReferencePasses) samples[pass - ReferencePasses] = elapsed;
            if (pass == ReferencePasses / 2) Thread.Sleep(200);
        }
        GC.KeepAlive(check);
        Array.Sort(samples);
        return samples[samples.Length / 2] * 1e9 / Stopwatch.Frequency;
    }

    /// <summary>
    /// The tick loop's memory accesses without its arithmetic: the same active list, the same position and
    /// account rows, the cached Upnl/Mm/Im (and cross sums) loaded and stored back unchanged
    /// (<paramref name="zero"/> is 0; not inlined, so the JIT cannot drop the stores).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long ReferencePass(InstrumentTable instruments, PositionTable p, AccountTable a, int instrument, long zero)
    {
        var list = instruments.Active[instrument]!;
        var count = instruments.ActiveCount[instrument];
        long check = 0;
        for (var i = 0; i < count; i++)
        {
            var position = list[i];
            check += p.Lots[position] ^ p.Cost[position] ^ p.Leverage[position];
            var account = p.Account[position];
            p.Upnl[position] += zero;
            p.Mm[position] += zero;
            p.Im[position] += zero;
            if (p.Mode[position] == 0)
            {
                a.CrossUpnl[account] += zero;
                a.CrossMm[account] += zero;
                a.CrossIm[account] += zero;
                check += a.Collateral[account];
            }
            else
            {
                check += p.IsoMargin[position];
            }
        }
        return check;
    }

    private static LongHistogram Histogram(ReadOnlySpan<long> ticks, double toNs)
    {
        var h = new LongHistogram(1, 100_000_000_000L, 3);
        foreach (var t in ticks) h.RecordValue(Math.Max(1, (long)Math.Round(t * toNs)));
        return h;
    }

    private static string Row(string label, LongHistogram h, long positions) =>
        $"{label,-34}{h.TotalCount,7:N0}{h.GetMean() / 1e6,9:F3}{h.GetValueAtPercentile(50) / 1e6,9:F3}{h.GetValueAtPercentile(90) / 1e6,9:F3}" +
        $"{h.GetValueAtPercentile(99) / 1e6,9:F3}{h.GetValueAtPercentile(0) / 1e6,9:F3}{h.GetMaxValue() / 1e6,9:F3}  {h.GetValueAtPercentile(50) / (double)positions:F2} ns";

    private sealed record Scenario(string Id, string Title, int Accounts, int Instruments, RiskLayout Layout);
}
