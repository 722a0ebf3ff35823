using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Engine.Tests.Support;

namespace Engine.Tests.Logic;

[Category("Allocation")]
public class AllocationTests
{
    private const int Seed = 20261124;
    private const int WarmUp = 200_000;
    private const int Measured = 1_000_000;
    private static Command[]? _stream;

    private static Command[] Stream
    {
        get
        {
            if (_stream == null)
            {
                TestContext.Out.WriteLine($"seed {Seed}");
                _stream = MixedStream.Generate(Seed, WarmUp + Measured);
            }
            return _stream;
        }
    }

    /// <summary>Bytes allocated on this thread while the logic processes commands [from, to).</summary>
    private static long MeasureAllocations(ExchangeLogic logic, Command[] stream, int from, int to, ref long seq)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = from; i < to; i++)
        {
            logic.Process(ref stream[i], ++seq);
            if ((i & 63) == 63) logic.FlushEvents(); // as the ring handler does at the end of a batch
        }
        logic.FlushEvents();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Test]
    public void ShouldNotAllocateOverAMillionMixedCommandsAfterWarmUp()
    {
        var stream = Stream;
        var sink = new NullSink();
        var logic = new ExchangeLogic(new EngineConfig(), sink);
        long seq = 0;
        var setup = MixedStream.Setup();
        for (var i = 0; i < setup.Length; i++) logic.Process(ref setup[i], ++seq);
        MeasureAllocations(logic, stream, 0, WarmUp, ref seq);

        var allocated = MeasureAllocations(logic, stream, WarmUp, WarmUp + Measured, ref seq);

        Assert.That(sink.Count, Is.GreaterThan(Measured), "every command produced events");
        Assert.That(allocated, Is.EqualTo(0), $"bytes allocated over {Measured:N0} commands");
    }

    [Test]
    public void ShouldNotAllocateThroughLiquidationsTakeoversAndDeleveraging()
    {
        TestContext.Out.WriteLine($"seed {Seed + 1}");
        var stream = MixedStream.Generate(Seed + 1, 400_000, risky: true);
        var recording = new RecordingSink();
        MixedStream.Run(stream, recording, risky: true);
        var steps = new HashSet<LiquidationStep>();
        foreach (var e in recording.Events) if (e.Type == EventType.Liquidation) steps.Add(e.LiquidationStep);
        Assert.That(steps, Is.SupersetOf(new[] { LiquidationStep.IsolatedStarted, LiquidationStep.CrossStarted,
            LiquidationStep.Order, LiquidationStep.Takeover, LiquidationStep.AutoDeleverage }), "the stream exercises every liquidation path");

        var sink = new NullSink();
        var logic = new ExchangeLogic(new EngineConfig(), sink);
        long seq = 0;
        var setup = MixedStream.Setup(risky: true);
        for (var i = 0; i < setup.Length; i++) logic.Process(ref setup[i], ++seq);
        MeasureAllocations(logic, stream, 0, 100_000, ref seq);
        var allocated = MeasureAllocations(logic, stream, 100_000, stream.Length, ref seq);
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated over 300,000 commands with liquidations");
    }

    [Test]
    public void ShouldReportAllocationsOfAnAllocatingSink()
    {
        // negative control: the same measurement must see a sink that allocates per batch
        var stream = Stream;
        var logic = new ExchangeLogic(new EngineConfig(), new CopyingSink());
        long seq = 0;
        var setup = MixedStream.Setup();
        for (var i = 0; i < setup.Length; i++) logic.Process(ref setup[i], ++seq);
        var allocated = MeasureAllocations(logic, stream, 0, 10_000, ref seq);
        Assert.That(allocated, Is.GreaterThan(0));
    }

    [Test]
    public void ShouldExerciseEveryEventKindInTheMeasuredStream()
    {
        // the zero-allocation claim is only as good as the paths the stream covers
        var sink = new RecordingSink();
        MixedStream.Run(Stream[..100_000], sink);
        var kinds = new HashSet<(EventType, ushort)>();
        foreach (var e in sink.Events) kinds.Add((e.Type, e.Type is EventType.Canceled or EventType.Rejected ? e.Code : (ushort)0));
        Assert.That(kinds, Does.Contain((EventType.Fill, (ushort)0)));
        Assert.That(kinds, Does.Contain((EventType.Replaced, (ushort)0)));
        Assert.That(kinds, Does.Contain((EventType.BookLevel, (ushort)0)));
        Assert.That(kinds, Does.Contain((EventType.OpenOrder, (ushort)0)));
        foreach (var reason in new[] { CancelReason.UserRequest, CancelReason.ImmediateOrCancel, CancelReason.FillOrKill,
                     CancelReason.SelfTradeResting, CancelReason.SelfTradeTaker, CancelReason.MassCancel, CancelReason.ReduceOnly })
            Assert.That(kinds, Does.Contain((EventType.Canceled, (ushort)reason)), reason.ToString());
        foreach (var code in new[] { RejectCode.UnknownOrder, RejectCode.NotOrderOwner, RejectCode.PostOnlyWouldTake })
            Assert.That(kinds, Does.Contain((EventType.Rejected, (ushort)code)), code.ToString());
    }

    private sealed class CopyingSink : IEventSink
    {
        public void Publish(ReadOnlySpan<OutputEvent> events) => GC.KeepAlive(events.ToArray());
    }
}
