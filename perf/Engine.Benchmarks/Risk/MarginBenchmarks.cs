using BenchmarkDotNet.Attributes;
using Engine.LoadTest.Support;

namespace Engine.Benchmarks.Risk;

/// <summary>
/// One mark-price tick (<c>Cmd.MarkPrice</c> → <c>RemarginInstrument</c>) over a million open positions, half
/// isolated and half cross, with a sink that counts the events (the event hash is still computed in FlushEvents).
/// </summary>
/// <remarks>
/// <para>
/// The engine keeps one position per (account, instrument), so "1M positions in one instrument across 250K
/// accounts" cannot be built literally. <see cref="PriceTickOneMillionPositions"/> is one instrument holding a
/// million positions of a million accounts: one command re-margins them all (the latency a price feed sees, the
/// figure held against the 3 ms goal). <see cref="PriceTickFourInstruments250KAccounts"/> is 250K accounts
/// holding four positions each, in four instruments: a million positions re-margined by four commands of 250K.
/// The load test <c>risk-tick</c> (perf/Engine.LoadTest/Risk/MarkTickLatencyTest.cs) measures the same cases
/// tick by tick, with percentiles, plus a shuffled layout.
/// </para>
/// <para>
/// Population: <see cref="RiskPopulation"/> (BTCUSD-like brackets, leverage 2..20, sizes 100 USD .. 200k USD,
/// modes half and half at random, every account funded far beyond its margin). Each invocation is one tick and
/// the marks alternate between 100,000 and 100,010 USD, so every invocation does the same work on the same
/// state, whatever the invocation count, and nobody is ever liquidated (checked in the cleanup). The build
/// (about five commands per position, a few seconds) is in <c>[GlobalSetup]</c>, not timed.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class MarginBenchmarks
{
    private const int Positions = 1_000_000;
    private RiskPopulation _population = null!;
    private bool _up;

    [GlobalSetup(Target = nameof(PriceTickOneMillionPositions))]
    public void SetupOneInstrument() => _population = RiskPopulation.Build(new RiskPopulationOptions { Accounts = Positions, Instruments = 1 });

    [GlobalSetup(Target = nameof(PriceTickFourInstruments250KAccounts))]
    public void SetupFourInstruments() => _population = RiskPopulation.Build(new RiskPopulationOptions { Accounts = Positions / 4, Instruments = 4 });

    /// <summary>Fails the run if any tick liquidated someone or was refused.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _population.Logic.FlushEvents();
        _population.Events.ThrowIfRejectedOrLiquidated("mark ticks");
    }

    /// <summary>One MarkPrice re-margining 1,000,000 positions of one instrument (1,000,000 accounts).</summary>
    [Benchmark]
    public void PriceTickOneMillionPositions()
    {
        _population.Mark(0, _up);
        _population.Logic.FlushEvents();
        _up = !_up;
    }

    /// <summary>Four MarkPrice commands, one per instrument, re-margining 4 × 250,000 positions of 250,000 accounts.</summary>
    [Benchmark]
    public void PriceTickFourInstruments250KAccounts()
    {
        for (var i = 0; i < 4; i++)
        {
            _population.Mark(i, _up);
            _population.Logic.FlushEvents();
        }
        _up = !_up;
    }
}
