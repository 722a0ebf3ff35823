using CsCheck;
using Engine.Commands;
using Engine.Events;
using Engine.Tests.Support;
using static Engine.Tests.Support.LogicHarness;

namespace Engine.Tests.Book;

/// <summary>
/// Differential property tests: random command streams (<see cref="CommandStreams"/>) run through the engine and
/// through <see cref="ReferenceBook"/>; every event must agree field by field, and the engine's invariants must hold
/// after every command (see <see cref="DifferentialRunner"/>). On a failure CsCheck prints the seed, and the report
/// holds the failing stream minimized step by step, as a list of commands.
/// </summary>
public class MatchingPropertyTests
{
    [Test]
    public void ShouldAgreeWithReferenceModelOnRandomCommandStreams()
    {
        CommandStreams.GenScenario.Sample(CommandStreams.RunScenario, iter: 6_000, print: CommandStreams.Minimize, writeLine: TestContext.Out.WriteLine);
    }

    [Test]
    public void ShouldAgreeWithReferenceModelOnCrowdedNarrowBooks()
    {
        // three accounts fighting over three prices: self-trade prevention, FIFO and reduce-only caps on every step
        var gen = CommandStreams.GenOp(accounts: 3, width: 1).Array[50, 300]
            .Select(ops => new Scenario(new MarketSetup(Accounts: 3, MakerFeePpm: -150, TakerFeePpm: 400), Width: 1, DriftStep: 0, ops));
        gen.Sample(CommandStreams.RunScenario, iter: 800, print: CommandStreams.Minimize, writeLine: TestContext.Out.WriteLine);
    }

    [Test]
    public void ShouldAgreeWithReferenceModelWhenOneCommandOutgrowsTablesAndEventBuffer()
    {
        // 1,200 resting orders on 1,100 levels (past the initial 1,024 order and level slots), then one order that
        // takes them all (2,401 events, several flushes of the 512-event buffer), and a mass cancel of 600 orders
        var runner = new DifferentialRunner(new MarketSetup(Accounts: 4, MaxOrderLots: 5_000));
        for (var i = 0; i < 1_200; i++)
            runner.Run(Cmd.Limit(2 + i % 2, Instrument, Side.Sell, Px(1_001 + i % 1_100), Qty(1 + i % 3)));
        for (var i = 0; i < 600; i++) runner.Run(Cmd.Limit(4, Instrument, Side.Buy, Px(400 + i), Qty(1)));
        Assert.That(runner.Harness.Logic.OpenOrderCount, Is.EqualTo(1_800));

        var sweep = runner.Run(Cmd.Limit(1, Instrument, Side.Buy, Px(2_100), Qty(2_400)));
        Assert.That(sweep.FindAll(e => e.Type == EventType.Fill), Has.Count.EqualTo(2_400));
        var massCancel = runner.Run(Cmd.MassCancel(4));
        Assert.That(massCancel[0].Count, Is.EqualTo(600));
        Assert.That(runner.Harness.Logic.OpenOrderCount, Is.EqualTo(0));
    }
}
