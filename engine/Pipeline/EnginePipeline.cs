using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Engine.Ring;

namespace Engine.Pipeline;

/// <summary>Sizes and wait strategies of the in-process pipeline.</summary>
public sealed class PipelineOptions
{
    /// <summary>Input ring size (power of two).</summary>
    public int InputRingSize { get; init; } = 1 << 16;
    /// <summary>Output ring size (power of two); at least twice the logic's event buffer.</summary>
    public int OutputRingSize { get; init; } = 1 << 17;
    /// <summary>Wait strategy of the logic thread (and of producers when the input ring is full).</summary>
    public Func<IWaitStrategy> InputWait { get; init; } = () => new SleepingWaitStrategy();
    /// <summary>Wait strategy of the publisher thread.</summary>
    public Func<IWaitStrategy> OutputWait { get; init; } = () => new SleepingWaitStrategy();
    /// <summary>Where the journal runs; see <see cref="PipelineLayout"/>.</summary>
    public PipelineLayout Layout { get; init; } = PipelineLayout.JournalThenPublish;
    /// <summary>Business-logic capacities.</summary>
    public EngineConfig Engine { get; init; } = new();
    /// <summary>
    /// When set (Linux), the logic thread runs alone on this CPU and the pipeline's other threads on every other CPU;
    /// null leaves placement to the OS. With spinning or yielding waits this keeps a busy neighbour from taking the
    /// logic's core for a scheduler slice (see <c>docs/benchmarks.md</c>).
    /// </summary>
    public int? LogicCpu { get; init; }
}

/// <summary>Thread layouts of a journaled pipeline.</summary>
public enum PipelineLayout
{
    /// <summary>Two hot threads: the logic, and one thread that journals the commands behind each batch of results
    /// and then publishes them (no durability gate to wait on). The default: on 2 cores a third hot thread thrashes.</summary>
    JournalThenPublish = 0,

    /// <summary>Three threads: the journal beside the logic on the input ring, and a publisher that waits at a
    /// durability gate. Lower latency only when every stage has a core of its own.</summary>
    ParallelJournal = 1,
}

/// <summary>
/// The engine in process: a multi-producer input ring, the business-logic thread, an optional journal beside
/// it, an output ring and a publisher thread that hands every event to <typeparamref name="TPublisher"/>.
/// </summary>
/// <remarks>
/// <code>
///  Submit ──► input ring ─┬─► logic thread (ExchangeLogic) ──► output ring ──► publisher thread ──► TPublisher
///  (any thread)  Command   │     one thread owns all state       OutputEvent      releases results of input s
///                          └─► journal thread (ICommandJournal) ── Durable ─────► only when Durable ≥ s
/// </code>
/// Producers block (per the input wait strategy) when the input ring is full; the logic thread blocks when
/// the output ring is full, so a slow publisher slows intake rather than growing a queue.
/// </remarks>
/// <typeparam name="TPublisher">The publisher's handler.</typeparam>
public sealed class EnginePipeline<TPublisher> : IDisposable
    where TPublisher : IValueEventHandler<OutputEvent>
{
    private readonly ValueRingBuffer<Command> _input;
    private readonly ValueRingBuffer<OutputEvent> _output;
    private readonly ValueBatchEventProcessor<Command, LogicHandler> _logicProcessor;
    private readonly ValueBatchEventProcessor<OutputEvent, TPublisher>? _publisher;
    private readonly ValueBatchEventProcessor<OutputEvent, DurabilityGate<TPublisher>>? _gatedPublisher;
    private readonly ValueBatchEventProcessor<OutputEvent, JournalingPublisher<TPublisher>>? _journalingPublisher;
    private readonly Sequence? _journaledBehind;
    private readonly ValueBatchEventProcessor<Command, ICommandJournal>? _journalProcessor;
    private readonly ICommandJournal? _journal;
    private volatile bool _stopping;
    private Task? _logicTask;
    private Task? _publisherTask;
    private Task? _journalTask;
    private readonly int? _logicCpu;

    /// <summary>Builds the pipeline; call <see cref="Start"/> before submitting.</summary>
    /// <param name="options">Sizes, wait strategies and engine capacities.</param>
    /// <param name="publisher">Receives every event, in order.</param>
    /// <param name="journal">When given, journals every command in parallel with the logic, and results are
    /// released only once durable.</param>
    /// <param name="logic">A logic to continue from (recovered from a snapshot and journal); a fresh one when null.
    /// Its sink must not be set yet: the pipeline creates it.</param>
    /// <param name="firstSequence">The sequence the input ring starts at (the one after the recovered state).</param>
    public EnginePipeline(PipelineOptions options, TPublisher publisher, ICommandJournal? journal = null,
        Func<IEventSink, ExchangeLogic>? logic = null, long firstSequence = 0)
    {
        if (options.OutputRingSize < 2 * options.Engine.EventBufferSize)
            throw new ArgumentException("the output ring must hold at least two event buffers");
        if (options.LogicCpu is { } cpu && CpuAffinity.CheckDedicated(cpu) is { } why)
            throw new ArgumentException($"LogicCpu: {why}", nameof(options));
        _logicCpu = options.LogicCpu;
        _input = ValueRingBuffer<Command>.Create(ProducerType.Multi, options.InputRingSize, options.InputWait());
        _output = ValueRingBuffer<OutputEvent>.Create(ProducerType.Single, options.OutputRingSize, options.OutputWait());
        if (firstSequence > 0) _input.ResetTo(firstSequence - 1);
        var handler = new LogicHandler(_output);
        Logic = logic != null ? logic(handler) : new ExchangeLogic(options.Engine, handler);
        handler.Logic = Logic;
        _logicProcessor = ValueBatchEventProcessor.Create(_input, _input.NewBarrier(), handler);
        _input.AddGatingSequences(_logicProcessor.Sequence);
        if (journal != null && options.Layout == PipelineLayout.JournalThenPublish)
        {
            _journal = journal;
            var stage = new JournalingPublisher<TPublisher>(_input, _logicProcessor.Sequence, journal, publisher, JournalBatchLimit);
            _journaledBehind = stage.Journaled;
            _input.AddGatingSequences(stage.Journaled);
            _journalingPublisher = ValueBatchEventProcessor.Create(_output, _output.NewBarrier(), stage);
            _output.AddGatingSequences(_journalingPublisher.Sequence);
        }
        else if (journal != null)
        {
            _journal = journal;
            _journalProcessor = new ValueBatchEventProcessor<Command, ICommandJournal>(_input, _input.NewBarrier(), journal);
            _input.AddGatingSequences(_journalProcessor.Sequence);
            var gate = new DurabilityGate<TPublisher>(publisher, journal.Durable, () => _stopping);
            _gatedPublisher = ValueBatchEventProcessor.Create(_output, _output.NewBarrier(), gate);
            _output.AddGatingSequences(_gatedPublisher.Sequence);
        }
        else
        {
            _publisher = ValueBatchEventProcessor.Create(_output, _output.NewBarrier(), publisher);
            _output.AddGatingSequences(_publisher.Sequence);
        }
    }

    /// <summary>Commands the two-thread layout journals per batch at most (the journal writer may cut smaller ones).</summary>
    private const int JournalBatchLimit = 4096;

    private Sequence PublisherSequence => (_publisher?.Sequence ?? _gatedPublisher?.Sequence ?? _journalingPublisher!.Sequence);

    private Sequence? JournalSequence => _journalProcessor?.Sequence ?? _journaledBehind;

    /// <summary>Sequence of the last command the journal made durable (-1 without a journal).</summary>
    public long DurableSequence => _journal?.Durable.Value ?? -1;

    /// <summary>The business logic. Read its state only when the pipeline is stopped or drained.</summary>
    public ExchangeLogic Logic { get; }

    /// <summary>The input ring, for producers that claim and publish slots themselves (batch claims).</summary>
    public ValueRingBuffer<Command> Input => _input;

    /// <summary>Sequence of the last command the logic thread finished.</summary>
    public long ProcessedSequence => _logicProcessor.Sequence.Value;

    /// <summary>Starts the logic and publisher threads (pinned first when <see cref="PipelineOptions.LogicCpu"/> is set).</summary>
    /// <exception cref="InvalidOperationException">A thread could not be pinned; the pipeline is stopped.</exception>
    public void Start()
    {
        Action? pinLogic = null, pinOther = null;
        using var pinned = new CountdownEvent(_logicCpu == null ? 0 : _journalProcessor == null ? 2 : 3);
        string? pinError = null;
        if (_logicCpu is { } cpu)
        {
            // each thread pins itself before its loop; Start waits for all of them and fails if any could not
            Action Pin(ulong mask) => () =>
            {
                try
                {
                    CpuAffinity.PinCurrentThread(mask);
                }
                catch (Exception ex) when (ex is InvalidOperationException or PlatformNotSupportedException)
                {
                    Interlocked.CompareExchange(ref pinError, ex.Message, null);
                }
                finally
                {
                    pinned.Signal();
                }
            };
            pinLogic = Pin(CpuAffinity.Only(cpu));
            pinOther = Pin(CpuAffinity.AllBut(cpu));
        }
        _publisherTask = _publisher?.Start("engine-publisher", pinOther) ?? _gatedPublisher?.Start("engine-publisher", pinOther)
            ?? _journalingPublisher!.Start("engine-journal-publisher", pinOther);
        _journalTask = _journalProcessor?.Start("engine-journal", pinOther);
        _logicTask = _logicProcessor.Start("engine-logic", pinLogic);
        pinned.Wait();
        if (pinError != null)
        {
            Stop(TimeSpan.FromSeconds(10));
            throw new InvalidOperationException($"the pipeline's threads could not be pinned (LogicCpu {_logicCpu}): {pinError}");
        }
    }

    /// <summary>Copies a command into the next input slot and publishes it; returns its sequence.</summary>
    /// <remarks>Thread-safe; blocks while the ring is full.</remarks>
    public long Submit(in Command command)
    {
        var sequence = _input.Next();
        _input[sequence] = command;
        _input.Publish(sequence);
        return sequence;
    }

    /// <summary>Waits until every submitted command is processed and every event published, or the timeout passes.</summary>
    public bool Drain(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var spinner = new SpinWait();
        while (_logicProcessor.Sequence.Value < _input.Cursor || PublisherSequence.Value < _output.Cursor
               || (JournalSequence != null && JournalSequence.Value < _input.Cursor))
        {
            ThrowIfFaulted();
            if (Environment.TickCount64 > deadline) return false;
            spinner.SpinOnce(sleep1Threshold: 20);
        }
        return true;
    }

    /// <summary>Drains, then stops both threads.</summary>
    public void Stop(TimeSpan timeout)
    {
        var drained = Drain(timeout);
        _stopping = true;
        _logicProcessor.Halt();
        _logicTask?.Wait(timeout);
        _journalProcessor?.Halt();
        _journalTask?.Wait(timeout);
        _publisher?.Halt();
        _gatedPublisher?.Halt();
        _journalingPublisher?.Halt();
        WaitQuietly(_publisherTask, timeout);
        if (drained) ThrowIfFaulted();
    }

    private static void WaitQuietly(Task? task, TimeSpan timeout)
    {
        try
        {
            task?.Wait(timeout);
        }
        catch (AggregateException)
        {
            // a stage fault is reported by ThrowIfFaulted
        }
    }

    private void ThrowIfFaulted()
    {
        var fault = _logicProcessor.Fault ?? _publisher?.Fault ?? _gatedPublisher?.Fault ?? _journalingPublisher?.Fault
            ?? _journalProcessor?.Fault ?? _journal?.Fault;
        if (fault != null) throw new InvalidOperationException("an engine stage failed", fault);
    }

    /// <summary>Stops the pipeline.</summary>
    public void Dispose() => Stop(TimeSpan.FromSeconds(10));
}
