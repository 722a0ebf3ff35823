using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Metrics;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Metrics;

[Category("Allocation")]
public class EngineMetricsAllocationTests
{
    private const int Events = 100_000;

    private static OutputEvent[] Responses()
    {
        // accepted and rejected under several codes, latencies from 1 µs to ~1 s, some without a receive time
        var events = new OutputEvent[4096];
        var codes = new[] { RejectCode.InsufficientMargin, RejectCode.PriceOffTick, RejectCode.UnknownOrder, (RejectCode)60_000 };
        var random = new Random(7);
        for (var i = 0; i < events.Length; i++)
        {
            var time = i % 17 == 0 ? 0 : ResponseEvents.ReceivedAt - (long)Math.Pow(10, 3 + random.NextDouble() * 6);
            events[i] = i % 3 == 0 ? ResponseEvents.Rejected(codes[i % codes.Length], time) : ResponseEvents.Accepted(time);
        }
        return events;
    }

    private static long Measure(EngineMetrics metrics, OutputEvent[] events)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Events; i++) metrics.OnResponse(events[i & (events.Length - 1)], ResponseEvents.ReceivedAt);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Test]
    public void ShouldNotAllocateOnResponseWhileAListenerCollects()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges { InputCursor = 10, ProcessedSequence = 5, DurableSequence = 3 });
        using var reader = new MetricsReader(metrics.Meter);
        var events = Responses();
        var collections = 0;
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                reader.Collect(); // drains the latency recorder, swapping its histograms under the writer
                Interlocked.Increment(ref collections);
            }
        });
        collector.Start();
        try
        {
            Measure(metrics, events); // warm up: code tiered up, the recorder's spare histogram created
            while (Volatile.Read(ref collections) < 3) Thread.Sleep(1); // the collector's first, slow, collections
            GC.Collect();
            GC.WaitForPendingFinalizers();

            // 100,000 responses take about a millisecond, a collection about as long: repeat the measured batch
            // until collections have completed while it ran (bounded), and add up what every batch allocated
            var allocated = 0L;
            var batches = 0;
            var collectionsBefore = Volatile.Read(ref collections);
            do
            {
                allocated += Measure(metrics, events);
                batches++;
            }
            while (Volatile.Read(ref collections) - collectionsBefore < 3 && batches < 1000);
            var collectionsDuring = Volatile.Read(ref collections) - collectionsBefore;
            TestContext.Out.WriteLine($"{batches} batches of {Events} responses, {collectionsDuring} collections meanwhile");

            Assert.That(allocated, Is.Zero, $"{allocated} bytes over {batches} x {Events} responses");
            Assert.That(collectionsDuring, Is.GreaterThanOrEqualTo(3), "the listener collected while the responses were counted");
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        Assert.That(metrics.Latency().Count, Is.GreaterThan(Events));
    }

    [Test]
    public void ShouldReportTheAllocationOfABoxingLoop()
    {
        // negative control: the same measurement sees allocation when there is some
        var before = GC.GetAllocatedBytesForCurrentThread();
        object? last = null;
        for (var i = 0; i < 1000; i++) last = i;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(last, Is.EqualTo(999));
        Assert.That(allocated, Is.GreaterThan(0));
    }
}
