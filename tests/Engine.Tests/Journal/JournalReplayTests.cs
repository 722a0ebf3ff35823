using Engine.Commands;
using Engine.Logic;
using Engine.Ring;
using Engine.Tests.Support;
using Journal;

namespace Engine.Tests.Journal;

/// <summary>
/// A random stream published into a real ring, journaled by a <see cref="JournalWriter"/> running in parallel with
/// the logic, then replayed into a fresh <see cref="ExchangeLogic"/>: same state hash, same event hash, same event
/// count as the logic that ran live and as a direct run.
/// </summary>
public class JournalReplayTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private JournalDirectory _dir = null!;
    private int _seed;

    [SetUp]
    public void SetUp()
    {
        _dir = new JournalDirectory();
        var fromEnvironment = Environment.GetEnvironmentVariable("JOURNAL_SEED");
        _seed = fromEnvironment != null ? int.Parse(fromEnvironment) : Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {_seed} (set JOURNAL_SEED={_seed} to replay)");
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private readonly record struct Outcome(ulong State, ulong Events, long EventCount, long Commands);

    private static Outcome Of(ExchangeLogic logic) => new(logic.StateHash(), logic.EventHash, logic.EventsEmitted, logic.CommandsProcessed);

    /// <summary>The logic as the pipeline runs it: flush at the end of every ring batch.</summary>
    private sealed class LogicConsumer(ExchangeLogic logic) : IValueEventHandler<Command>
    {
        public void OnEvent(ref Command data, long sequence, bool endOfBatch)
        {
            logic.Process(ref data, sequence);
            if (endOfBatch) logic.FlushEvents();
        }
    }

    private static Command[] Stream(int seed, int count, bool risky = false)
    {
        var list = new List<Command>(MixedStream.Setup(risky));
        list.AddRange(MixedStream.Generate(seed, count, risky));
        return list.ToArray();
    }

    private static Outcome Direct(Command[] commands)
    {
        var logic = new ExchangeLogic(new EngineConfig(), new NullSink());
        for (var i = 0; i < commands.Length; i++) logic.Process(ref commands[i], i); // ring sequences start at 0
        logic.FlushEvents();
        return Of(logic);
    }

    /// <summary>Publishes through a ring to the writer and a live logic in parallel; returns the live outcome.</summary>
    private Outcome RunThroughRing(Command[] commands, JournalWriterOptions options, int seed, out JournalWriter writer)
    {
        var ring = ValueRingBuffer<Command>.Create(ProducerType.Single, 1024, new BlockingWaitStrategy());
        writer = new JournalWriter(options);
        var live = new ExchangeLogic(new EngineConfig(), new NullSink());
        var journaler = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), writer);
        var logic = ValueBatchEventProcessor.Create(ring, ring.NewBarrier(), new LogicConsumer(live));
        ring.AddGatingSequences(journaler.Sequence, logic.Sequence);
        var journalerTask = journaler.Start("journal");
        var logicTask = logic.Start("logic");

        var random = new Random(seed);
        for (var i = 0; i < commands.Length;)
        {
            var n = Math.Min(commands.Length - i, random.Next(1, 200)); // claims of varied size: varied ring batches
            var hi = ring.Next(n);
            for (var k = 0; k < n; k++) ring[hi - n + 1 + k] = commands[i + k];
            ring.Publish(hi - n + 1, hi);
            i += n;
        }

        var deadline = DateTime.UtcNow + _timeout;
        while ((journaler.Sequence.Value < ring.Cursor || logic.Sequence.Value < ring.Cursor) && DateTime.UtcNow < deadline) Thread.Sleep(1);
        journaler.Halt();
        logic.Halt();
        Assert.That(Task.WaitAll([journalerTask, logicTask], _timeout), Is.True, "processors stopped");
        Assert.That(writer.Fault, Is.Null);
        Assert.That(writer.Journaled.Value, Is.EqualTo(commands.Length - 1), "everything journaled");
        return Of(live);
    }

    [TestCase(JournalDurability.None, false)]
    [TestCase(JournalDurability.Flush, false)]
    [TestCase(JournalDurability.Fsync, false)]
    [TestCase(JournalDurability.Flush, true)]
    public void ShouldReplayToTheSameStateAndEventHashesAsTheLiveRun(JournalDurability durability, bool risky)
    {
        var commands = Stream(_seed, durability == JournalDurability.Fsync ? 20_000 : 60_000, risky);
        var direct = Direct(commands);
        var live = RunThroughRing(commands, _dir.Options(durability, segmentSize: 256 * 1024), _seed, out var writer);
        TestContext.Out.WriteLine(
            $"{commands.Length} commands, {writer.Batches} batches, {writer.Segments} segments, {writer.BytesWritten} bytes " +
            $"({(double)commands.Length * Command.Size / writer.BytesWritten:F2}x)");

        var replayed = new ExchangeLogic(new EngineConfig(), new NullSink());
        var stats = JournalReplayer.Replay(_dir.Path, replayed);
        TestContext.Out.WriteLine($"replay: {stats.Commands} commands in {stats.Seconds * 1000:F0} ms, {stats.CommandsPerSecond:N0}/s");

        Assert.That(live, Is.EqualTo(direct), $"seed {_seed}: the live logic and a direct run");
        Assert.That(Of(replayed), Is.EqualTo(direct), $"seed {_seed}: the replay and a direct run");
        Assert.That(stats.Commands, Is.EqualTo(commands.Length));
        Assert.That(stats.TornTail, Is.Null);
        Assert.That(stats.NextSequence, Is.EqualTo(commands.Length));
        Assert.That(writer.Segments, Is.GreaterThan(1), "the run rolled segments");
    }

    [TestCase(0)]
    [TestCase(12_345)]
    public void ShouldReplayPipelinedToTheSameStateAsTheSingleThreadedReplay(int from)
    {
        var commands = Stream(_seed, 30_000, risky: true);
        var direct = Direct(commands);
        _dir.WriteAll(commands, 100, _dir.Options(segmentSize: 64 * 1024));
        var logic = new ExchangeLogic(new EngineConfig(), new NullSink());
        for (var i = 0; i < from; i++) logic.Process(ref commands[i], i);
        logic.FlushEvents();

        var stats = JournalReplayer.ReplayPipelined(_dir.Path, logic, from);

        Assert.That(stats.Commands, Is.EqualTo(commands.Length - from));
        Assert.That(Of(logic), Is.EqualTo(direct), $"seed {_seed}: a replay on two threads equals a direct run");
    }

    [Test]
    public void ShouldReplayFromTheMiddleOntoTheStateBeforeIt()
    {
        var commands = Stream(_seed, 30_000);
        var direct = Direct(commands);
        _dir.WriteAll(commands, 100, _dir.Options(segmentSize: 64 * 1024));

        // the state just before `from`, as a snapshot would give it
        const int from = 12_345;
        var logic = new ExchangeLogic(new EngineConfig(), new NullSink());
        for (var i = 0; i < from; i++) logic.Process(ref commands[i], i);
        logic.FlushEvents();
        var stats = JournalReplayer.Replay(_dir.Path, logic, from);

        Assert.That(stats.FirstSequence, Is.EqualTo(from));
        Assert.That(stats.Commands, Is.EqualTo(commands.Length - from));
        Assert.That(Of(logic), Is.EqualTo(direct), $"seed {_seed}");
    }

    [Test]
    public void ShouldReplayUpToATornTailAndReportIt()
    {
        var commands = Stream(_seed, 5_000);
        _dir.WriteAll(commands, 100);
        var segment = _dir.Segments[^1].Path;
        var last = JournalDirectory.Batches(segment)[^1];
        using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(last.Offset + last.Length / 2);

        var kept = (commands.Length - 1) / 100 * 100; // the commands before the last (torn) batch
        var expected = Direct(commands[..kept]);
        var lines = new List<string>();
        var logic = new ExchangeLogic(new EngineConfig(), new NullSink());
        var stats = JournalReplayer.Replay(_dir.Path, logic, log: lines.Add);

        Assert.That(stats.TornTail, Is.Not.Null);
        Assert.That(stats.TornTail!.Offset, Is.EqualTo(last.Offset));
        Assert.That(stats.NextSequence, Is.EqualTo(kept));
        Assert.That(Of(logic), Is.EqualTo(expected));
        Assert.That(lines, Has.Count.EqualTo(1).And.Some.Contains("torn tail"));
    }
}
