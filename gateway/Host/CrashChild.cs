using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Engine.Pipeline;
using Engine.Ring;
using Journal;

namespace Gateway.Host;

/// <summary>
/// The crash test's child: recovers from a journal directory, prints what it recovered, then feeds
/// <see cref="CrashLoad"/> from there through the journaled pipeline, printing every acknowledged sequence.
/// </summary>
/// <remarks>
/// Output lines: <c>recovered &lt;next&gt; &lt;state&gt; &lt;events&gt;</c>, then <c>A &lt;sequence&gt;</c> whenever
/// results up to that input sequence are released (they are durable), then <c>done &lt;state&gt; &lt;events&gt;</c>.
/// Checkpoints (Snapshot responses) are appended to <c>&lt;dir&gt;/checkpoints</c> as they are released.
/// </remarks>
internal static class CrashChild
{
    public static int Run(string directory, int seed, long commands, JournalDurability durability, int ratePerSecond)
    {
        var config = new EngineConfig();
        var recovered = EngineRecovery.Recover(directory, config, Console.Error.WriteLine);
        var next = recovered.NextSequence;
        Console.Out.WriteLine($"recovered {next} {recovered.Logic.StateHash():x16} {recovered.Logic.EventHash:x16}");
        Console.Out.Flush();
        recovered.Logic.Snapshots = new SnapshotStore(directory); // every checkpoint also writes a snapshot
        using var journal = new JournalWriter(new JournalWriterOptions { Directory = directory, Durability = durability });
        var publisher = new AckPublisher(Path.Combine(directory, "checkpoints"));
        var options = new PipelineOptions
        {
            InputRingSize = 1 << 12,
            OutputRingSize = 1 << 14,
            InputWait = () => new SleepingWaitStrategy(),
            OutputWait = () => new SleepingWaitStrategy(),
        };
        var pipeline = new EnginePipeline<AckPublisher>(options, publisher, journal,
            sink =>
            {
                recovered.Logic.ReplaceSink(sink);
                return recovered.Logic;
            },
            next);
        pipeline.Start();
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = next; i < commands; i++)
        {
            pipeline.Submit(CrashLoad.At(seed, i));
            // paced load, so that a kill lands while commands are in flight
            while (ratePerSecond > 0 && (i - next) % 256 == 0 && started.Elapsed.TotalSeconds * ratePerSecond < i - next) Thread.Sleep(1);
        }
        if (!pipeline.Drain(TimeSpan.FromMinutes(2))) throw new TimeoutException("the pipeline did not drain");
        pipeline.Stop(TimeSpan.FromSeconds(30));
        Console.Out.WriteLine($"done {pipeline.Logic.StateHash():x16} {pipeline.Logic.EventHash:x16}");
        return 0;
    }

    /// <summary>Prints the highest released input sequence at the end of each batch; records checkpoints.</summary>
    private sealed class AckPublisher(string checkpoints) : IValueEventHandler<OutputEvent>
    {
        private readonly StreamWriter _checkpoints = new(checkpoints, append: true);
        private long _acked = -1;

        public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch)
        {
            if (data.Type is EventType.Accepted or EventType.Rejected) _acked = data.InputSequence;
            if (data.Type == EventType.Accepted && data.CommandType == CommandType.Snapshot)
            {
                _checkpoints.WriteLine($"{data.InputSequence} {(ulong)data.OrderId:x16} {(ulong)data.MatchId:x16}");
                _checkpoints.Flush();
            }
            if (endOfBatch)
            {
                Console.Out.WriteLine($"A {_acked}");
                Console.Out.Flush();
            }
        }

        public void OnShutdown() => _checkpoints.Dispose();
    }
}
