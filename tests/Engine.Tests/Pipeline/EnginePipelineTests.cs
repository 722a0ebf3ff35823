using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Engine.Pipeline;
using Engine.Ring;
using Engine.Tests.Support;

namespace Engine.Tests.Pipeline;

public class EnginePipelineTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    private sealed class CountingPublisher : IValueEventHandler<OutputEvent>
    {
        public long Count;
        public long LastInputSequence = -1;
        public bool OutOfOrder;

        public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch)
        {
            if (data.InputSequence < LastInputSequence) OutOfOrder = true;
            LastInputSequence = data.InputSequence;
            Volatile.Write(ref Count, Count + 1);
        }
    }

    private sealed class FailingPublisher : IValueEventHandler<OutputEvent>
    {
        public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch) =>
            throw new InvalidOperationException("publisher failed on purpose");
    }

    /// <summary>A journal whose durability the test controls.</summary>
    private sealed class ControlledJournal : ICommandJournal
    {
        public long Seen = -1;

        public Sequence Durable { get; } = new();

        public Exception? Fault => null;

        public void OnEvent(ref Command data, long sequence, bool endOfBatch) => Volatile.Write(ref Seen, sequence);
    }

    private static bool WaitFor(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 30_000;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) return false;
            Thread.Yield();
        }
        return true;
    }

    [Test]
    public void ShouldReleaseResultsOnlyOnceTheJournalIsDurable()
    {
        var journal = new ControlledJournal();
        var publisher = new CountingPublisher();
        var options = new PipelineOptions
        {
            InputWait = () => new BlockingWaitStrategy(),
            OutputWait = () => new BlockingWaitStrategy(),
            Layout = PipelineLayout.ParallelJournal, // the gate: the test holds durability back while the journal has seen everything
        };
        var pipeline = new EnginePipeline<CountingPublisher>(options, publisher, journal);
        pipeline.Start();
        for (var a = 1; a <= 10; a++) pipeline.Submit(Cmd.CreateAccount(a)); // sequences 0..9, one event each

        Assert.That(WaitFor(() => pipeline.ProcessedSequence == 9 && Volatile.Read(ref journal.Seen) == 9), Is.True);
        Assert.That(Volatile.Read(ref publisher.Count), Is.EqualTo(0), "nothing is released before it is durable");
        journal.Durable.SetValue(4);
        Assert.That(WaitFor(() => Volatile.Read(ref publisher.Count) == 5), Is.True, "results of sequences 0..4 are released");
        Assert.That(Volatile.Read(ref publisher.Count), Is.EqualTo(5), "and no more");
        journal.Durable.SetValue(9);
        Assert.That(pipeline.Drain(_timeout), Is.True);
        Assert.That(publisher.Count, Is.EqualTo(10));
        pipeline.Stop(_timeout);
    }

    /// <summary>A journal that is durable when its end-of-batch call returns, like the real writer, and records what it got.</summary>
    private sealed class RecordingJournal(int failAtSequence = int.MaxValue) : ICommandJournal
    {
        public readonly List<long> Sequences = [];
        public int Batches;
        private long _pending = -1;

        public Sequence Durable { get; } = new();

        public Exception? Fault { get; private set; }

        public void OnEvent(ref Command data, long sequence, bool endOfBatch)
        {
            if (Fault != null) return;
            if (sequence == failAtSequence)
            {
                Fault = new IOException("disk full on purpose");
                return;
            }
            Sequences.Add(sequence);
            _pending = sequence;
            if (!endOfBatch) return;
            Batches++;
            Durable.SetValue(_pending);
        }
    }

    /// <summary>Checks, for every event it is handed, that the journal is durable up to the event's input.</summary>
    private sealed class DurabilityCheckingPublisher(RecordingJournal journal) : IValueEventHandler<OutputEvent>
    {
        public long Count;
        public long Violations;
        public long LastInputSequence = -1;

        public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch)
        {
            if (journal.Durable.Value < data.InputSequence) Violations++;
            LastInputSequence = data.InputSequence;
            Volatile.Write(ref Count, Count + 1);
        }
    }

    [TestCase(PipelineLayout.JournalThenPublish)]
    [TestCase(PipelineLayout.ParallelJournal)]
    public void ShouldJournalEveryCommandOnceInOrderAndReleaseNothingBeforeItIsDurable(PipelineLayout layout)
    {
        var commands = All(11, 30_000);
        var reference = new ExchangeLogic(new EngineConfig(), new NullSink());
        for (var i = 0; i < commands.Length; i++) reference.Process(ref commands[i], i);
        reference.FlushEvents();

        var journal = new RecordingJournal();
        var publisher = new DurabilityCheckingPublisher(journal);
        var options = new PipelineOptions
        {
            InputRingSize = 512, // producers must wait for the journal behind the logic many times over
            OutputRingSize = 2048,
            InputWait = () => new BlockingWaitStrategy(),
            OutputWait = () => new BlockingWaitStrategy(),
            Layout = layout,
        };
        var pipeline = new EnginePipeline<DurabilityCheckingPublisher>(options, publisher, journal);
        pipeline.Start();
        foreach (var c in commands) pipeline.Submit(c);
        Assert.That(pipeline.Drain(_timeout), Is.True, "drained");
        pipeline.Stop(_timeout);

        Assert.That(journal.Sequences, Is.EqualTo(Enumerable.Range(0, commands.Length).Select(i => (long)i)), "each command journaled once, in order");
        Assert.That(publisher.Violations, Is.Zero, "no event released before its command was durable");
        Assert.That(publisher.LastInputSequence, Is.EqualTo(commands.Length - 1));
        Assert.That(journal.Batches, Is.LessThan(commands.Length), "the journal writes batches, not one command at a time");
        Assert.That(pipeline.Logic.StateHash(), Is.EqualTo(reference.StateHash()));
        Assert.That(pipeline.Logic.EventHash, Is.EqualTo(reference.EventHash));
    }

    [Test]
    public void ShouldReleaseNothingAfterTheJournalFailsAndReportTheFault()
    {
        var journal = new RecordingJournal(failAtSequence: 100);
        var publisher = new DurabilityCheckingPublisher(journal);
        var options = new PipelineOptions { InputWait = () => new BlockingWaitStrategy(), OutputWait = () => new BlockingWaitStrategy() };
        var pipeline = new EnginePipeline<DurabilityCheckingPublisher>(options, publisher, journal);
        pipeline.Start();
        for (var a = 1; a <= 300; a++) pipeline.Submit(Cmd.CreateAccount(a));

        var ex = Assert.Throws<InvalidOperationException>(() => pipeline.Drain(_timeout));
        Assert.That(ex!.ToString(), Does.Contain("on purpose"));
        Assert.That(publisher.LastInputSequence, Is.LessThan(100), "no result of a command at or after the failure was released");
        Assert.That(publisher.Violations, Is.Zero);
    }

    [Test]
    public void ShouldContinueTheSequenceNumberingAfterARecoveredPosition()
    {
        var publisher = new CountingPublisher();
        var options = new PipelineOptions { InputWait = () => new BlockingWaitStrategy(), OutputWait = () => new BlockingWaitStrategy() };
        using var pipeline = new EnginePipeline<CountingPublisher>(options, publisher, firstSequence: 1_000);
        pipeline.Start();
        Assert.That(pipeline.Submit(Cmd.CreateAccount(1)), Is.EqualTo(1_000));
        Assert.That(pipeline.Submit(Cmd.CreateAccount(2)), Is.EqualTo(1_001));
        Assert.That(pipeline.Drain(_timeout), Is.True);
        Assert.That(publisher.LastInputSequence, Is.EqualTo(1_001));
    }

    private static Command[] All(int seed, int count)
    {
        var list = new List<Command>(MixedStream.Setup());
        list.AddRange(MixedStream.Generate(seed, count));
        return list.ToArray();
    }

    [Test]
    public void ShouldProduceTheSameStateAndEventsAsTheLogicCalledDirectly()
    {
        var commands = All(7, 50_000);
        var direct = new NullSink();
        var reference = new ExchangeLogic(new EngineConfig(), direct);
        for (var i = 0; i < commands.Length; i++) reference.Process(ref commands[i], i); // ring sequences start at 0
        reference.FlushEvents();

        var publisher = new CountingPublisher();
        var options = new PipelineOptions
        {
            InputRingSize = 1024, // small rings: wrap-around many times
            OutputRingSize = 2048,
            InputWait = () => new BlockingWaitStrategy(),
            OutputWait = () => new SleepingWaitStrategy(),
        };
        using var pipeline = new EnginePipeline<CountingPublisher>(options, publisher);
        pipeline.Start();
        foreach (var c in commands) pipeline.Submit(c);
        Assert.That(pipeline.Drain(_timeout), Is.True, "drained");
        pipeline.Stop(_timeout);

        Assert.That(publisher.Count, Is.EqualTo(direct.Count), "every event reached the publisher once");
        Assert.That(publisher.OutOfOrder, Is.False, "events arrive in input order");
        Assert.That(pipeline.Logic.StateHash(), Is.EqualTo(reference.StateHash()));
        Assert.That(pipeline.Logic.EventHash, Is.EqualTo(reference.EventHash));
    }

    [Test]
    public void ShouldReportAPublisherFailureInsteadOfHanging()
    {
        var options = new PipelineOptions { InputWait = () => new BlockingWaitStrategy(), OutputWait = () => new BlockingWaitStrategy() };
        var pipeline = new EnginePipeline<FailingPublisher>(options, new FailingPublisher());
        pipeline.Start();
        pipeline.Submit(Cmd.CreateAccount(1));
        var ex = Assert.Throws<InvalidOperationException>(() => pipeline.Drain(_timeout));
        Assert.That(ex!.InnerException!.Message, Does.Contain("on purpose"));
    }
}
