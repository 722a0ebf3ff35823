using BenchmarkDotNet.Attributes;
using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Mix = Engine.LoadTest.Support.ExchangeCoreMix;

namespace Engine.Benchmarks.Logic;

/// <summary>
/// The business logic (<see cref="ExchangeLogic"/>) alone, on exchange-core's benchmark mix and on single
/// order operations, with a sink that drops the events (the event hash is still computed in FlushEvents).
/// </summary>
/// <remarks>
/// Conversion: every invocation processes a fixed batch of commands and declares it as
/// <c>OperationsPerInvoke</c>, so BenchmarkDotNet reports time per <b>command</b>:
/// <c>Mean = iteration time / (InvocationCount × batch)</c>, and <c>1e9 / Mean(ns)</c> is commands per second.
/// State: order ids are assigned by the engine, so a recorded stream only replays on the engine state it was
/// generated against. Each iteration therefore starts from a fresh engine with the setup applied
/// (<c>[IterationSetup]</c>, not timed) and runs exactly <see cref="Invocations"/> invocations
/// (<c>[InvocationCount]</c>), each on the next batch of the pre-generated stream; the stream holds exactly
/// one iteration's worth, and running past it throws rather than measure a diverged replay.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[InvocationCount(Invocations, 1)]
public class OrderBookBenchmarks
{
    /// <summary>Invocations per iteration.</summary>
    public const int Invocations = 16;
    /// <summary>Mix commands per invocation: 16 × 131,072 ≈ 2.1M commands per iteration (~150 ms).</summary>
    public const int MixBatch = 1 << 17;
    /// <summary>
    /// Single-order operations per invocation: 16 × 1,024 = 16,384 per iteration, so the book stays within
    /// ~17k orders (a larger batch measures cache misses of a 100k+ order table instead: 262,144 per iteration
    /// made a cancel 300 ns instead of ~110 ns).
    /// </summary>
    public const int MicroBatch = 1 << 10;
    private const int MicroOrders = Invocations * MicroBatch;

    private readonly CaptureSink _sink = new(MicroOrders);
    private Mix _mix = null!;
    private Command[] _placeCommands = null!;
    private Command[] _cancelCommands = null!;
    private Command[] _moveCommands = null!;
    private ExchangeLogic _logic = null!;
    private int _cursor;
    private long _sequence;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _mix = Mix.Generate(Invocations * MixBatch);
        _placeCommands = _mix.CreatePassiveOrders(MicroOrders, seed: 7);
    }

    [IterationSetup(Target = nameof(ExchangeCoreMix))]
    public void SetupMix()
    {
        _logic = _mix.CreateLogicAfterSetup(_sink);
        _cursor = 0;
    }

    /// <summary>exchange-core's mix (9% GTC, 3% IOC, 6% cancel, 82% move, ~6% trading); time per command.</summary>
    [Benchmark(OperationsPerInvoke = MixBatch)]
    public void ExchangeCoreMix()
    {
        if (_cursor + MixBatch > _mix.Measured.Length) throw new InvalidOperationException("more invocations than the stream holds");
        _mix.Replay(_logic, _cursor, MixBatch);
        _cursor += MixBatch;
    }

    [IterationSetup(Target = nameof(PlaceLimitOrder))]
    public void SetupPlace()
    {
        _logic = _mix.CreateLogicAfterSetup(_sink, MicroOrders);
        _cursor = 0;
        _sequence = _mix.FirstMeasuredSequence;
    }

    /// <summary>A GTC limit order that rests without trading (the book grows from 1,000 to 17,384 orders over an iteration); time per order.</summary>
    [Benchmark(OperationsPerInvoke = MicroBatch)]
    public void PlaceLimitOrder() => RunMicro(_placeCommands);

    [IterationSetup(Target = nameof(CancelOrder))]
    public void SetupCancel()
    {
        PlaceMicroOrders();
        var accepted = _sink.Accepted;
        _cancelCommands = new Command[accepted.Count];
        for (var i = 0; i < accepted.Count; i++) _cancelCommands[i] = Cmd.Cancel(accepted[i].AccountId, accepted[i].OrderId);
        new Random(11).Shuffle(_cancelCommands);
    }

    /// <summary>Cancel of a resting order, in random order across the book; time per cancel.</summary>
    [Benchmark(OperationsPerInvoke = MicroBatch)]
    public void CancelOrder() => RunMicro(_cancelCommands);

    [IterationSetup(Target = nameof(MoveOrder))]
    public void SetupMove()
    {
        PlaceMicroOrders();
        var accepted = _sink.Accepted.ToArray();
        new Random(13).Shuffle(accepted);
        _moveCommands = _mix.CreatePassiveMoves(accepted, seed: 17);
    }

    /// <summary>ReplaceOrder changing only the price, to another passive price (the mix's "move"); time per move.</summary>
    [Benchmark(OperationsPerInvoke = MicroBatch)]
    public void MoveOrder() => RunMicro(_moveCommands);

    /// <summary>Fresh engine with the setup and the 16,384 passive orders placed; their Accepted events captured.</summary>
    private void PlaceMicroOrders()
    {
        _logic = _mix.CreateLogicAfterSetup(_sink, MicroOrders);
        _sequence = _mix.FirstMeasuredSequence;
        _sink.Accepted.Clear();
        _sink.Capture = true;
        for (var i = 0; i < _placeCommands.Length; i++) _logic.Process(ref _placeCommands[i], _sequence++);
        _logic.FlushEvents();
        _sink.Capture = false;
        if (_sink.Accepted.Count != _placeCommands.Length) throw new InvalidOperationException("a passive order was not accepted");
        _cursor = 0;
    }

    private void RunMicro(Command[] commands)
    {
        if (_cursor + MicroBatch > commands.Length) throw new InvalidOperationException("more invocations than the commands prepared");
        var logic = _logic;
        var sequence = _sequence;
        var end = _cursor + MicroBatch;
        for (var i = _cursor; i < end; i++)
        {
            logic.Process(ref commands[i], sequence++);
            if ((i & (Mix.FlushBatch - 1)) == Mix.FlushBatch - 1) logic.FlushEvents();
        }
        logic.FlushEvents();
        _cursor = end;
        _sequence = sequence;
    }

    /// <summary>Drops events, except while <see cref="Capture"/> is set (setup only): then keeps the order acceptances.</summary>
    private sealed class CaptureSink(int capacity) : IEventSink
    {
        public bool Capture;
        public readonly List<OutputEvent> Accepted = new(capacity);

        public void Publish(ReadOnlySpan<OutputEvent> events)
        {
            if (!Capture) return;
            foreach (var e in events)
                if (e.Type == EventType.Accepted && e.CommandType == CommandType.PlaceOrder) Accepted.Add(e);
        }
    }
}
