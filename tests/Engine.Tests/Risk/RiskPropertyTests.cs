using CsCheck;
using Engine.Commands;
using Engine.Logic;
using Engine.Tests.Support;

namespace Engine.Tests.Risk;

/// <summary>
/// Random risk streams (<see cref="RiskStreamGenerator"/>): two instruments, market makers, traders with modest
/// collateral at random leverage in mixed isolated and cross modes, a depegging collateral asset, random-walk marks
/// with ±10–30% shocks, and an insurance fund that is ample, small or empty. Every engine invariant is checked after
/// every command (<see cref="LogicHarness.CheckInvariants"/>), every event through <see cref="RiskChecker"/>, and each
/// stream is replayed on a fresh engine for equal state and event hashes.
/// </summary>
/// <remarks>
/// CsCheck prints the seed of a failing sample (set <c>CsCheck_Seed</c> to replay it); the report holds the failing
/// stream minimized to the commands that still break the same property, as <see cref="Cmd"/> calls.
/// </remarks>
public class RiskPropertyTests
{
    private const int Streams = 60;

    private static readonly Gen<RiskScenario> _genScenario =
        Gen.Select(Gen.Int, Gen.Int[6, 12], Gen.Int[500, 1_100], Gen.OneOfConst(FundMode.Empty, FundMode.Small, FundMode.Funded), Gen.Bool,
                Gen.Int[0, 70], Gen.Int[0, 4])
            .Select((seed, accounts, steps, fund, ethTiers, isolated, marks) =>
                new RiskScenario(seed, accounts, steps, fund, ethTiers, isolated, MarksFromStart: marks != 0));

    [Test]
    public void ShouldKeepEveryInvariantWhenRandomStreamsLiquidateAccounts()
    {
        var total = new RiskStats();
        _genScenario.Sample(scenario =>
            {
                var result = RiskStreamGenerator.Run(scenario, out var failure);
                if (failure != null) throw new RiskPropertyException(failure);
                var replay = Replay(result.Commands);
                if (replay != (result.StateHash, result.EventHash, result.Events))
                    throw new RiskPropertyException($"determinism: {scenario} replayed to {replay}, recorded {(result.StateHash, result.EventHash, result.Events)}");
                total.Add(result.Stats);
            },
            iter: long.TryParse(Environment.GetEnvironmentVariable("RISK_STREAMS"), out var n) ? n : Streams, print: RiskRepro.Report, writeLine: TestContext.Out.WriteLine);

        TestContext.Out.WriteLine(total.ToString());
        Assert.Multiple(() =>
        {
            // the streams are meant to liquidate: a run where they mostly do not would test little
            Assert.That(total.StreamsWithLiquidation, Is.GreaterThanOrEqualTo(total.Streams * 6 / 10), "streams with a liquidation");
            Assert.That(total.IsolatedLiquidations, Is.GreaterThan(0), "isolated liquidations");
            Assert.That(total.CrossLiquidations, Is.GreaterThan(0), "cross liquidations");
            Assert.That(total.LiquidationOrderFills, Is.GreaterThan(0), "liquidation orders filled by the book");
            Assert.That(total.StreamsWithTakeover, Is.GreaterThan(0), "streams where the fund took a position over");
            Assert.That(total.StreamsWithAdl, Is.GreaterThan(0), "streams with auto-deleveraging");
            Assert.That(total.LiquidationCancels, Is.GreaterThan(0), "orders canceled by liquidation");
        });
    }

    /// <summary>Runs the commands on a fresh engine without checks; its hashes and event count.</summary>
    private static (ulong State, ulong Events, long Count) Replay(Command[] commands)
    {
        var logic = new ExchangeLogic(new EngineConfig { InitialOrders = 1024, InitialAccounts = 64, EventBufferSize = 512 }, new NullSink());
        for (var i = 0; i < commands.Length; i++) logic.Process(ref commands[i], i + 1);
        logic.FlushEvents();
        return (logic.StateHash(), logic.EventHash, logic.EventsEmitted);
    }
}
