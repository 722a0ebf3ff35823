using System.Diagnostics;
using Engine.LoadTest.Bench.Report;
using Engine.LoadTest.Support;
using Engine.Logic;

namespace Engine.LoadTest.Bench;

/// <summary>
/// The business-logic thread alone, one thread, no ring: the floor every other mode is compared with.
/// </summary>
/// <remarks>
/// Open loop: the thread waits (spinning) until a command is due, then processes every due command, flushing the
/// events after each batch (at most <see cref="ExchangeCoreMix.FlushBatch"/>), and records for each command of the
/// batch the time from its intended arrival to the end of the flush. Max throughput: the whole window back to back.
/// </remarks>
public static class LogicMode
{
    /// <summary>Measures the logic thread at one offered rate over <paramref name="count"/> commands of the mix.</summary>
    public static LatencySeries RunAtRate(ExchangeCoreMix mix, long rate, int count, int warmup)
    {
        var sink = new NullEventSink();
        var logic = mix.CreateLogicAfterSetup(sink);
        var histogram = OpenLoop.NewHistogram();
        var commands = mix.Measured;
        var interval = Stopwatch.Frequency / (double)rate;
        var window = MeasuredWindow.Begin();
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000;
        var sequence = mix.FirstMeasuredSequence;
        long last = start;
        var i = 0;
        while (i < count)
        {
            var now = Stopwatch.GetTimestamp();
            var due = Math.Min(count, (int)((now - start) / interval) + 1);
            if (due <= i)
            {
                Thread.SpinWait(8);
                continue;
            }
            var end = Math.Min(due, i + ExchangeCoreMix.FlushBatch);
            for (var k = i; k < end; k++)
            {
                commands[k].ReceiveTime = start + (long)(k * interval);
                logic.Process(ref commands[k], sequence + k);
            }
            logic.FlushEvents();
            last = Stopwatch.GetTimestamp();
            for (var k = Math.Max(i, warmup); k < end; k++) histogram.RecordValue(Math.Max(0, OpenLoop.Nanos(last - (start + (long)(k * interval)))));
            i = end;
        }
        var gc = window.End();
        var achieved = (count - warmup) / ((last - (start + (long)(warmup * interval))) / (double)Stopwatch.Frequency);
        return LatencySeries.From($"logic {OpenLoop.RateLabel(rate)}/s", "logic", histogram, rate, achieved,
            OpenLoop.IsSaturated(rate, achieved), gc);
    }

    /// <summary>Commands per second of the logic thread processing <paramref name="count"/> commands back to back.</summary>
    public static (double Rate, GcReport Gc) MaxThroughput(ExchangeCoreMix mix, int count)
    {
        var logic = mix.CreateLogicAfterSetup(new NullEventSink());
        var window = MeasuredWindow.Begin();
        var start = Stopwatch.GetTimestamp();
        mix.Replay(logic, 0, count);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (count / seconds, window.End());
    }
}
