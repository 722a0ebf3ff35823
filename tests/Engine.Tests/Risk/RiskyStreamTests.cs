using Engine.Events;
using Engine.Tests.Support;

namespace Engine.Tests.Risk;

/// <summary>The thin-collateral mixed stream with every invariant checked after every command.</summary>
public class RiskyStreamTests
{
    [TestCase(101)]
    [TestCase(202)]
    [TestCase(303)]
    public void ShouldKeepEveryInvariantThroughLiquidations(int seed)
    {
        TestContext.Out.WriteLine($"seed {seed}");
        var stream = MixedStream.Generate(seed, 20_000, risky: true);
        var harness = new LogicHarness(checkInvariants: true);
        foreach (var c in MixedStream.Setup(risky: true)) harness.Send(c);
        var liquidations = 0;
        foreach (var c in stream)
            foreach (var e in harness.Send(c))
                if (e.Type == EventType.Liquidation && e.LiquidationStep is LiquidationStep.IsolatedStarted or LiquidationStep.CrossStarted)
                    liquidations++;
        TestContext.Out.WriteLine($"{liquidations} liquidations");
        Assert.That(liquidations, Is.GreaterThan(10), "the stream must actually liquidate");
    }
}
