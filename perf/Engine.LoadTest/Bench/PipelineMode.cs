using System.Diagnostics;
using Engine.Events;
using Engine.LoadTest.Bench.Report;
using Engine.LoadTest.Support;
using Engine.Logic;
using Engine.Pipeline;
using Engine.Ring;
using HdrHistogram;
using Journal;

namespace Engine.LoadTest.Bench;

/// <summary>How the in-process pipeline is built for a run.</summary>
/// <param name="Wait">Wait strategy of the engine's threads: blocking, sleeping, yielding or spin.</param>
/// <param name="Durability">Journal durability (none, flush, fsync), or "off" for no journal at all.</param>
/// <param name="InputRingSize">Input ring slots.</param>
/// <param name="Layout">"two" (journal then publish) or "three" (journal beside the logic, gated publisher).</param>
/// <param name="PublisherWait">Wait strategy of the publishing thread (journal-and-publish, or the gated publisher); null: <paramref name="Wait"/>.</param>
/// <param name="InputRingSize">Input ring slots; the output ring gets twice as many.</param>
/// <param name="Pin">Logic thread alone on the last CPU (<see cref="PipelineOptions.LogicCpu"/>); producer, journal and publisher on the others.</param>
/// <param name="JournalRaw">The journal stores batches uncompressed (no LZ4).</param>
public sealed record PipelineSetup(string Wait, string Durability, string Layout = "two", int InputRingSize = 1 << 16, string? PublisherWait = null, bool Pin = false, bool JournalRaw = false)
{
    /// <summary>The engine's layout for <see cref="Layout"/>.</summary>
    public PipelineLayout PipelineLayout => Layout switch
    {
        "two" => PipelineLayout.JournalThenPublish,
        "three" => PipelineLayout.ParallelJournal,
        _ => throw new ArgumentException($"--layout {Layout}: two or three"),
    };

    /// <summary>A fresh wait strategy of the configured kind.</summary>
    public IWaitStrategy NewWait() => NewWait(Wait);

    /// <summary>A fresh wait strategy for the publishing thread.</summary>
    public IWaitStrategy NewPublisherWait() => NewWait(PublisherWait ?? Wait);

    private static IWaitStrategy NewWait(string wait) => wait switch
    {
        "blocking" => new BlockingWaitStrategy(),
        "sleeping" => new SleepingWaitStrategy(),
        "yielding" => new YieldingWaitStrategy(),
        "spin" => new BusySpinWaitStrategy(),
        _ => throw new ArgumentException($"wait strategy {wait}: blocking, sleeping, yielding or spin"),
    };
}

/// <summary>
/// The full in-process pipeline: a producer thread publishing into the input ring, the logic thread, the journal
/// (with the chosen durability, files in a temporary directory) and the publisher behind the durability gate.
/// </summary>
/// <remarks>
/// <code>
///  producer (this thread) ─ paced batches ─► input ring ─┬─► logic ─► output ring ─► gated publisher ─► LatencyRecorder
///  stamps ReceiveTime = intended time                   └─► journal (durability) ──────┘   now − event.Time
/// </code>
/// Every command is answered by at least one event; the recorder takes the first event of each input sequence,
/// whose <see cref="OutputEvent.Time"/> is the command's intended send time (the logic copies its clock into every
/// event), so the latency is from intended send to release by the publisher: producer lag, ring, logic, journal
/// write and the gate, all included.
/// </remarks>
public static class PipelineMode
{
    /// <summary>Measures the pipeline at one offered rate.</summary>
    public static LatencySeries RunAtRate(ExchangeCoreMix mix, PipelineSetup setup, long rate, int count, int warmup)
    {
        using var run = new PipelineRun(mix, setup);
        var histogram = OpenLoop.NewHistogram();
        run.Recorder.Arm(histogram, mix.FirstMeasuredSequence + warmup);
        var commands = mix.Measured;
        var ring = run.Pipeline.Input;
        var interval = Stopwatch.Frequency / (double)rate;
        var window = MeasuredWindow.Begin();
        var gen = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000;
        var sent = 0;
        while (sent < count)
        {
            var now = Stopwatch.GetTimestamp();
            var due = Math.Min(count, (int)((now - start) / interval) + 1);
            if (due <= sent)
            {
                Thread.Yield(); // two cores: let the engine's threads have the core rather than spin
                continue;
            }
            var n = Math.Min(due - sent, 1024);
            var hi = ring.Next(n);
            var lo = hi - n + 1;
            for (var k = 0; k < n; k++)
            {
                ref var slot = ref ring[lo + k];
                slot = commands[sent + k];
                slot.ReceiveTime = start + (long)((sent + k) * interval);
            }
            ring.Publish(lo, hi);
            sent += n;
        }
        run.WaitAnswered(mix.FirstMeasuredSequence + count - 1);
        var producerGc = window.End();
        var gc = new GcReport(GC.CollectionCount(0) - gen.Item1, GC.CollectionCount(1) - gen.Item2, GC.CollectionCount(2) - gen.Item3,
            producerGc.AllocatedBytes);
        var firstIntended = start + (long)(warmup * interval);
        var achieved = (count - warmup) / ((run.Recorder.LastAnswerTicks - firstIntended) / (double)Stopwatch.Frequency);
        return LatencySeries.From($"pipeline {OpenLoop.RateLabel(rate)}/s", "pipeline", histogram, rate, achieved,
            OpenLoop.IsSaturated(rate, achieved), gc);
    }

    /// <summary>The journal's batches, commands and bytes after the last <see cref="MaxThroughput"/> run (setup included).</summary>
    public static (long Batches, long Commands, long Bytes) LastJournal { get; private set; }

    /// <summary>Commands per second through the whole pipeline with the producer publishing as fast as the ring lets it.</summary>
    public static (double Rate, GcReport Gc) MaxThroughput(ExchangeCoreMix mix, PipelineSetup setup, int count, int batch = 256)
    {
        using var run = new PipelineRun(mix, setup);
        var commands = mix.Measured;
        var ring = run.Pipeline.Input;
        var window = MeasuredWindow.Begin();
        var gen = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < count;)
        {
            var n = Math.Min(batch, count - sent);
            var hi = ring.Next(n);
            var lo = hi - n + 1;
            for (var k = 0; k < n; k++)
            {
                ref var slot = ref ring[lo + k];
                slot = commands[sent + k];
                slot.ReceiveTime = start;
            }
            ring.Publish(lo, hi);
            sent += n;
        }
        run.WaitAnswered(mix.FirstMeasuredSequence + count - 1);
        var seconds = (run.Recorder.LastAnswerTicks - start) / (double)Stopwatch.Frequency;
        var producer = window.End();
        if (run.Journal != null) LastJournal = (run.Journal.Batches, run.Journal.Commands, run.Journal.BytesWritten);
        return (count / seconds, new GcReport(GC.CollectionCount(0) - gen.Item1, GC.CollectionCount(1) - gen.Item2,
            GC.CollectionCount(2) - gen.Item3, producer.AllocatedBytes));
    }

    /// <summary>A pipeline built on the mix's setup, with a journal in a temporary directory removed on dispose.</summary>
    private sealed class PipelineRun : IDisposable
    {
        private readonly string? _directory;
        private bool _pinned;

        /// <summary>The CPU <c>--pin</c> gives the logic thread: the last one.</summary>
        public static int LogicCpu => Environment.ProcessorCount - 1;

        public PipelineRun(ExchangeCoreMix mix, PipelineSetup setup)
        {
            Recorder = new LatencyRecorder();
            JournalWriter? journal = null;
            if (setup.Durability != "off")
            {
                _directory = Path.Combine(Path.GetTempPath(), $"engine-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
                journal = new JournalWriter(new JournalWriterOptions
                {
                    Directory = _directory,
                    Durability = Enum.Parse<JournalDurability>(setup.Durability, ignoreCase: true),
                    CompressMinBytes = setup.JournalRaw ? int.MaxValue : JournalWriterOptions.DefaultCompressMinBytes,
                });
            }
            var options = new PipelineOptions
            {
                InputRingSize = setup.InputRingSize,
                OutputRingSize = 2 * setup.InputRingSize,
                InputWait = setup.NewWait,
                OutputWait = setup.NewPublisherWait,
                Engine = ExchangeCoreMix.CreateConfig(),
                Layout = setup.PipelineLayout,
                LogicCpu = setup.Pin ? LogicCpu : null,
            };
            Journal = journal;
            Pipeline = new EnginePipeline<LatencyRecorder>(options, Recorder, journal, firstSequence: 1);
            Pipeline.Start();
            if (setup.Pin)
            {
                // the pipeline pins its own threads (LogicCpu); the producer joins the non-logic CPUs
                CpuAffinity.PinCurrentThread(CpuAffinity.AllBut(LogicCpu));
                _pinned = true;
            }
            foreach (var command in mix.Setup) Pipeline.Submit(command);
            WaitAnswered(mix.Setup.Length);
        }

        public EnginePipeline<LatencyRecorder> Pipeline { get; }

        public LatencyRecorder Recorder { get; }

        public JournalWriter? Journal { get; }

        public void WaitAnswered(long inputSequence)
        {
            var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
            while (Volatile.Read(ref Recorder.LastInput) < inputSequence)
            {
                if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"the pipeline did not answer input {inputSequence} within 120 s");
                Thread.Sleep(1);
            }
        }

        public void Dispose()
        {
            if (_pinned) CpuAffinity.PinCurrentThread(CpuAffinity.AllCpus);
            Pipeline.Stop(TimeSpan.FromSeconds(30));
            if (_directory != null && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The publisher's handler: the first event of each input sequence ends that command's latency.</summary>
    private sealed class LatencyRecorder : IValueEventHandler<OutputEvent>
    {
        public long LastInput;
        public long LastAnswerTicks;
        private LongHistogram? _histogram;
        private long _recordFrom = long.MaxValue;
        private long _last;

        public void Arm(LongHistogram histogram, long recordFrom)
        {
            _histogram = histogram;
            Volatile.Write(ref _recordFrom, recordFrom);
        }

        public void OnEvent(ref OutputEvent data, long sequence, bool endOfBatch)
        {
            if (data.InputSequence > _last)
            {
                _last = data.InputSequence;
                if (_last >= _recordFrom)
                {
                    var now = Stopwatch.GetTimestamp();
                    _histogram!.RecordValue(Math.Max(0, OpenLoop.Nanos(now - data.Time)));
                }
            }
            if (endOfBatch)
            {
                LastAnswerTicks = Stopwatch.GetTimestamp();
                Volatile.Write(ref LastInput, _last);
            }
        }
    }
}
