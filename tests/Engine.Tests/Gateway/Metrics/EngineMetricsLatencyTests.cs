using Engine.Commands;
using Engine.Gateway.Metrics;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Metrics;

public class EngineMetricsLatencyTests
{
    // HdrHistogram with 3 significant digits: a percentile is reported at most 0.1% above the true value
    private const double Precision = 0.1;

    private static void RecordMicroseconds(EngineMetrics metrics, int from, int to)
    {
        var e = ResponseEvents.Accepted();
        for (var us = from; us <= to; us++) metrics.OnResponse(e, ResponseEvents.ReceivedAt + us * 1000L);
    }

    [Test]
    public void ShouldReportPercentilesWhenFedOneToOneThousandMicroseconds()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        RecordMicroseconds(metrics, 1, 1000);

        var latency = metrics.Latency();

        Assert.That(latency.Count, Is.EqualTo(1000));
        Assert.That(latency.P50, Is.EqualTo(500_000).Within(Precision).Percent);
        Assert.That(latency.P90, Is.EqualTo(900_000).Within(Precision).Percent);
        Assert.That(latency.P99, Is.EqualTo(990_000).Within(Precision).Percent);
        Assert.That(latency.P999, Is.EqualTo(999_000).Within(Precision).Percent);
        Assert.That(latency.Max, Is.EqualTo(1_000_000).Within(Precision).Percent);
        Assert.That(latency.Mean, Is.EqualTo(500_500).Within(Precision).Percent);
    }

    [Test]
    public void ShouldExposePercentilesAsGaugesInMicroseconds()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var reader = new MetricsReader(metrics.Meter);
        RecordMicroseconds(metrics, 1, 1000);

        var values = reader.Collect();

        Assert.That(values["engine.latency.p50"], Is.EqualTo(500).Within(Precision).Percent);
        Assert.That(values["engine.latency.p90"], Is.EqualTo(900).Within(Precision).Percent);
        Assert.That(values["engine.latency.p99"], Is.EqualTo(990).Within(Precision).Percent);
        Assert.That(values["engine.latency.p999"], Is.EqualTo(999).Within(Precision).Percent);
        Assert.That(values["engine.latency.max"], Is.EqualTo(1000).Within(Precision).Percent);
    }

    [Test]
    public void ShouldNotReportLatencyGaugesWhenNothingWasRecorded()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var reader = new MetricsReader(metrics.Meter);

        var values = reader.Collect();

        Assert.That(values.Keys.Where(k => k.StartsWith("engine.latency.", StringComparison.Ordinal)), Is.Empty);
        Assert.That(metrics.Latency().Count, Is.Zero);
    }

    [Test]
    public void ShouldRecordRejectedResponsesToo()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());

        metrics.OnResponse(ResponseEvents.Rejected(RejectCode.InsufficientMargin), ResponseEvents.ReceivedAt + 7_000);

        Assert.That(metrics.Latency().Max, Is.EqualTo(7_000).Within(Precision).Percent);
    }

    [Test]
    public void ShouldNotRecordLatencyWhenTheReceiveTimeIsUnsetOrLater()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());

        metrics.OnResponse(ResponseEvents.Accepted(time: 0), ResponseEvents.ReceivedAt);
        metrics.OnResponse(ResponseEvents.Accepted(time: -5), ResponseEvents.ReceivedAt);
        metrics.OnResponse(ResponseEvents.Accepted(), ResponseEvents.ReceivedAt - 1);

        Assert.That(metrics.Latency().Count, Is.Zero);
    }

    [Test]
    public void ShouldRecordTheHighestTrackableLatencyWhenALatencyIsLarger()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());

        metrics.OnResponse(ResponseEvents.Accepted(time: 1), long.MaxValue);

        var latency = metrics.Latency();
        Assert.That(latency.Count, Is.EqualTo(1));
        Assert.That(latency.Max, Is.EqualTo((double)EngineMetrics.HighestTrackableLatency).Within(Precision).Percent);
    }

    [Test]
    public void ShouldAccumulateAcrossReadsAndStartAgainWhenReset()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        RecordMicroseconds(metrics, 1, 500);
        Assert.That(metrics.Latency().Count, Is.EqualTo(500));
        RecordMicroseconds(metrics, 501, 1000);
        Assert.That(metrics.Latency().P50, Is.EqualTo(500_000).Within(Precision).Percent, "reads do not reset");

        metrics.ResetLatency();
        Assert.That(metrics.Latency().Count, Is.Zero);
        RecordMicroseconds(metrics, 2000, 2000);

        var latency = metrics.Latency();
        Assert.That(latency.Count, Is.EqualTo(1));
        Assert.That(latency.P50, Is.EqualTo(2_000_000).Within(Precision).Percent);
    }

    [Test]
    public void ShouldGiveConsistentSnapshotsWhileThePublisherRecords()
    {
        // one writer records latencies of 1,000..1,999 ns while this thread reads: every snapshot is a coherent
        // histogram (ordered percentiles inside the recorded range, counts that only grow) and nothing is lost
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        const int total = 200_000;
        var writer = new Thread(() =>
        {
            var e = ResponseEvents.Accepted();
            for (var i = 0; i < total; i++) metrics.OnResponse(e, ResponseEvents.ReceivedAt + 1000 + i % 1000);
        });
        writer.Start();

        var snapshots = 0;
        var lastCount = 0L;
        var failures = new List<string>();
        while (writer.IsAlive || snapshots == 0)
        {
            var s = metrics.Latency();
            snapshots++;
            if (s.Count < lastCount) failures.Add($"count went back from {lastCount} to {s.Count}");
            lastCount = s.Count;
            if (s.Count == 0) continue;
            if (!(1000 <= s.P50 && s.P50 <= s.P90 && s.P90 <= s.P99 && s.P99 <= s.P999 && s.P999 <= s.Max && s.Max <= 2001))
                failures.Add($"incoherent snapshot: {s.P50} {s.P90} {s.P99} {s.P999} {s.Max}");
        }
        writer.Join();

        Assert.That(failures, Is.Empty);
        Assert.That(metrics.Latency().Count, Is.EqualTo(total));
        TestContext.Out.WriteLine($"{snapshots} snapshots during {total} recordings");
    }
}
