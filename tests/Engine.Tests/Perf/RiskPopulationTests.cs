using Engine.Commands;
using Engine.LoadTest.Support;

namespace Engine.Tests.Perf;

/// <summary>The risk benchmarks' population (perf/Shared/RiskPopulation.cs), small: what the 1M-position runs rely on.</summary>
public class RiskPopulationTests
{
    [TestCase(1, RiskLayout.Sequential)]
    [TestCase(4, RiskLayout.Sequential)]
    [TestCase(1, RiskLayout.Shuffled)]
    public void ShouldHoldOnePositionPerAccountAndInstrumentHalfIsolatedAndTickWithoutLiquidating(int instruments, RiskLayout layout)
    {
        var population = RiskPopulation.Build(new RiskPopulationOptions { Accounts = 2_000, Instruments = instruments, Layout = layout });
        var logic = population.Logic;
        for (var i = 1; i <= instruments; i++) Assert.That(logic.Instruments.ActiveCount[i], Is.EqualTo(2_000), $"instrument {i}");
        Assert.That(population.IsolatedPositions, Is.EqualTo(population.Positions / 2));
        Assert.That(logic.ValidateInvariants(), Is.Null);
        var before = logic.StateHash();
        for (var tick = 0; tick < 4; tick++)
            for (var i = 0; i < instruments; i++) population.Mark(i, up: tick % 2 == 0);
        logic.FlushEvents();
        Assert.That(population.Events.Liquidations, Is.Zero);
        Assert.That(population.Events.Rejected, Is.Zero);
        Assert.That(logic.ValidateInvariants(), Is.Null);
        Assert.That(logic.StateHash(), Is.EqualTo(before), "an even number of alternating ticks returns to the same state");
        population.Mark(0, up: true);
        Assert.That(logic.StateHash(), Is.Not.EqualTo(before), "a tick changes the cached margins");
    }

    [Test]
    public void ShouldBuildTheSameStateForTheSameSeed()
    {
        var options = new RiskPopulationOptions { Accounts = 1_000, Instruments = 2, Layout = RiskLayout.Shuffled, Seed = 5 };
        Assert.That(RiskPopulation.Build(options).Logic.StateHash(), Is.EqualTo(RiskPopulation.Build(options).Logic.StateHash()));
    }

    [Test]
    public void ShouldKeepPositionsInTheFirstBracketsAndLeverageWithinTheirCaps()
    {
        var population = RiskPopulation.Build(new RiskPopulationOptions { Accounts = 2_000 });
        var p = population.Logic.Positions;
        for (var row = 1; row <= p.Count; row++)
        {
            if (p.Lots[row] == 0) continue;
            Assert.That(Math.Abs(p.Lots[row]), Is.InRange(1, RiskPopulation.MaxLots));
            Assert.That(p.Leverage[row], Is.InRange(2, 20));
            Assert.That(p.Mode[row], Is.EqualTo((byte)MarginMode.Cross).Or.EqualTo((byte)MarginMode.Isolated));
        }
    }
}
