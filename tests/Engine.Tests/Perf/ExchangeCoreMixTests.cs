using System.Runtime.InteropServices;
using Engine.Commands;
using Engine.Events;
using Engine.LoadTest.Support;
using Engine.Tests.Support;

namespace Engine.Tests.Perf;

public class ExchangeCoreMixTests
{
    private const int Commands = 20_000;
    private static readonly Lazy<ExchangeCoreMix> _sharedMix = new(() => ExchangeCoreMix.Generate(Commands));

    [Test]
    public void ShouldReproduceExchangeCoreMixExactlyPerHundredCommands()
    {
        var stats = _sharedMix.Value.Stats;
        Assert.That(stats.Commands, Is.EqualTo(Commands));
        Assert.That(stats.GtcPercent, Is.EqualTo(9.0).Within(1e-9));
        Assert.That(stats.IocPercent, Is.EqualTo(3.0).Within(1e-9));
        Assert.That(stats.CancelPercent, Is.EqualTo(6.0).Within(1e-9));
        Assert.That(stats.MovePercent, Is.EqualTo(82.0).Within(1e-9));
        Assert.That(stats.TradingPercent, Is.InRange(5.0, 6.5), "about 6% of commands trade");
    }

    [Test]
    public void ShouldKeepTheBookNearOneThousandOrdersOverSevenHundredFiftyLevels()
    {
        var stats = _sharedMix.Value.Stats;
        Assert.That(stats.SetupOrders, Is.EqualTo(1_000));
        Assert.That(stats.MinOrders, Is.GreaterThanOrEqualTo(900));
        Assert.That(stats.MaxOrders, Is.LessThanOrEqualTo(1_100));
        Assert.That(stats.MeanLevels, Is.InRange(650, 850));
    }

    [Test]
    public void ShouldGenerateTheSameStreamForTheSameSeed()
    {
        var again = ExchangeCoreMix.Generate(Commands);
        var first = _sharedMix.Value;
        Assert.That(MemoryMarshal.AsBytes(again.Setup.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(first.Setup.AsSpan())), Is.True);
        Assert.That(MemoryMarshal.AsBytes(again.Measured.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(first.Measured.AsSpan())), Is.True);
        Assert.That(again.ExpectedStateHash, Is.EqualTo(first.ExpectedStateHash));
    }

    [Test]
    public void ShouldReplayOnAFreshEngineWithoutRejectsToTheRecordedHashes()
    {
        var mix = _sharedMix.Value;
        var sink = new RecordingSink();
        var logic = mix.CreateLogicAfterSetup(sink);
        Assert.That(logic.StateHash(), Is.EqualTo(mix.SetupStateHash));
        for (var start = 0; start < Commands; start += 1_000)
        {
            mix.Replay(logic, start, 1_000);
            Assert.That(logic.ValidateInvariants(), Is.Null, $"after command {start + 1_000}");
        }
        Assert.That(sink.Events.Exists(e => e.Type == EventType.Rejected), Is.False, "the generator only emits valid commands");
        Assert.That(logic.StateHash(), Is.EqualTo(mix.ExpectedStateHash));
        Assert.That(logic.EventHash, Is.EqualTo(mix.ExpectedEventHash));
    }

    [Test]
    public void ShouldPreparePassiveOrdersAndMovesThatNeverTrade()
    {
        var mix = _sharedMix.Value;
        var sink = new RecordingSink();
        var logic = mix.CreateLogicAfterSetup(sink, extraOrders: 2_000);
        var sequence = mix.FirstMeasuredSequence;
        var orders = mix.CreatePassiveOrders(2_000, seed: 3);
        var from = sink.Events.Count;
        for (var i = 0; i < orders.Length; i++) logic.Process(ref orders[i], sequence++);
        logic.FlushEvents();
        var accepted = sink.Events.GetRange(from, sink.Events.Count - from);
        Assert.That(accepted.TrueForAll(e => e.Type == EventType.Accepted), Is.True, "passive orders are accepted and do not trade");
        var moves = mix.CreatePassiveMoves(accepted.ToArray(), seed: 5);
        from = sink.Events.Count;
        for (var i = 0; i < moves.Length; i++) logic.Process(ref moves[i], sequence++);
        logic.FlushEvents();
        var moved = sink.Events.GetRange(from, sink.Events.Count - from);
        Assert.That(moved.TrueForAll(e => e.Type is EventType.Accepted or EventType.Replaced), Is.True, "passive moves neither trade nor fail");
        Assert.That(logic.OpenOrderCount, Is.EqualTo(mix.Stats.SetupOrders + 2_000));
        Assert.That(logic.ValidateInvariants(), Is.Null);
    }
}
