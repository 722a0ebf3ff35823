using Engine.Commands;
using Engine.Events;
using Engine.Gateway.Metrics;
using Engine.Tests.Support;

namespace Engine.Tests.Gateway.Metrics;

public class EngineMetricsTests
{
    [Test]
    public void ShouldReportTheEnginePositionsWhenCollected()
    {
        var gauges = new FakeEngineGauges
        {
            InputCursor = 120, ProcessedSequence = 100, DurableSequence = 90, JournalBytes = 4096, InputRingSize = 2048,
        };
        using var metrics = new EngineMetrics(gauges);
        using var reader = new MetricsReader(metrics.Meter);

        var values = reader.Collect();

        Assert.That(values["engine.commands.processed"], Is.EqualTo(101));
        Assert.That(values["engine.ring.occupancy"], Is.EqualTo(20));
        Assert.That(values["engine.ring.size"], Is.EqualTo(2048));
        Assert.That(values["engine.journal.lag"], Is.EqualTo(30), "input cursor - durable sequence");
        Assert.That(values["engine.journal.bytes"], Is.EqualTo(4096));
    }

    [Test]
    public void ShouldReadTheGaugesAgainWhenCollectedAgain()
    {
        var gauges = new FakeEngineGauges { InputCursor = 9, ProcessedSequence = 9, DurableSequence = 9 };
        using var metrics = new EngineMetrics(gauges);
        using var reader = new MetricsReader(metrics.Meter);
        reader.Collect();

        gauges.InputCursor = 1_000_009;
        gauges.ProcessedSequence = 999_999;
        var values = reader.Collect();

        Assert.That(values["engine.commands.processed"], Is.EqualTo(1_000_000));
        Assert.That(values["engine.ring.occupancy"], Is.EqualTo(10));
        Assert.That(values["engine.journal.lag"], Is.EqualTo(1_000_000));
    }

    [Test]
    public void ShouldNotReportJournalLagWhenThereIsNoJournal()
    {
        var gauges = new FakeEngineGauges { InputCursor = 5, ProcessedSequence = 5, HasJournal = false };
        using var metrics = new EngineMetrics(gauges);
        using var reader = new MetricsReader(metrics.Meter);

        var values = reader.Collect();

        Assert.That(values, Does.Not.ContainKey("engine.journal.lag"));
        Assert.That(values["engine.journal.bytes"], Is.Zero);
    }

    [Test]
    public void ShouldTreatADurableSequenceOfMinusOneAsNoJournalWhenTheGaugesDoNotSay()
    {
        IEngineGauges gauges = new DefaultJournalGauges(-1);
        Assert.That(gauges.HasJournal, Is.False);
        gauges = new DefaultJournalGauges(0);
        Assert.That(gauges.HasJournal, Is.True);
    }

    [Test]
    public void ShouldNotReportANegativeOccupancyWhenTheGaugesAreStale()
    {
        var gauges = new FakeEngineGauges { InputCursor = 10, ProcessedSequence = 12, DurableSequence = 15 };
        using var metrics = new EngineMetrics(gauges);
        using var reader = new MetricsReader(metrics.Meter);

        var values = reader.Collect();

        Assert.That(values["engine.ring.occupancy"], Is.Zero);
        Assert.That(values["engine.journal.lag"], Is.Zero);
    }

    [Test]
    public void ShouldCountResponsesAndRejectsByReasonWhenFedEngineAndGatewayRejects()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var reader = new MetricsReader(metrics.Meter);
        var accepted = ResponseEvents.Accepted();
        var margin = ResponseEvents.Rejected(RejectCode.InsufficientMargin);
        var tick = ResponseEvents.Rejected(RejectCode.PriceOffTick);
        for (var i = 0; i < 7; i++) metrics.OnResponse(accepted, ResponseEvents.ReceivedAt + 1000);
        for (var i = 0; i < 3; i++) metrics.OnResponse(margin, ResponseEvents.ReceivedAt + 1000);
        metrics.OnResponse(tick, ResponseEvents.ReceivedAt + 1000);
        metrics.GatewayError(RejectCode.NotAuthorized);
        metrics.GatewayError(RejectCode.NotAuthorized);
        metrics.GatewayError(RejectCode.MalformedFrame);
        metrics.GatewayError(RejectCode.PriceOffTick);

        var values = reader.Collect();

        Assert.That(values["engine.responses{result=accepted}"], Is.EqualTo(7));
        Assert.That(values["engine.responses{result=rejected}"], Is.EqualTo(4), "engine rejects only");
        Assert.That(values["engine.rejects{reason=InsufficientMargin}"], Is.EqualTo(3));
        Assert.That(values["engine.rejects{reason=PriceOffTick}"], Is.EqualTo(2), "engine and gateway under one reason");
        Assert.That(values["engine.rejects{reason=NotAuthorized}"], Is.EqualTo(2));
        Assert.That(values["engine.rejects{reason=MalformedFrame}"], Is.EqualTo(1));
        Assert.That(values.Keys.Count(k => k.StartsWith("engine.rejects{", StringComparison.Ordinal)), Is.EqualTo(4),
            "reasons never seen are not reported");
    }

    [Test]
    public void ShouldCountUnknownCodesUnderTheirNumberOrOther()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var reader = new MetricsReader(metrics.Meter);

        metrics.OnResponse(ResponseEvents.Rejected((RejectCode)555), 0);
        metrics.OnResponse(ResponseEvents.Rejected((RejectCode)60_000), 0);
        metrics.GatewayError((RejectCode)1500);
        var values = reader.Collect();

        Assert.That(values["engine.rejects{reason=555}"], Is.EqualTo(1));
        Assert.That(values["engine.rejects{reason=Other}"], Is.EqualTo(2));
    }

    [Test]
    public void ShouldIgnoreEventsThatAreNotResponses()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var reader = new MetricsReader(metrics.Meter);

        metrics.OnResponse(new OutputEvent { Type = EventType.Fill, Time = ResponseEvents.ReceivedAt }, ResponseEvents.ReceivedAt + 5);
        metrics.OnResponse(new OutputEvent { Type = EventType.Canceled, Code = 3 }, ResponseEvents.ReceivedAt + 5);
        var values = reader.Collect();

        Assert.That(values["engine.responses{result=accepted}"], Is.Zero);
        Assert.That(values["engine.responses{result=rejected}"], Is.Zero);
        Assert.That(metrics.Latency().Count, Is.Zero);
    }

    [Test]
    public void ShouldCountSessionsBytesAndSlowConsumersFromManyThreads()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges());
        using var reader = new MetricsReader(metrics.Meter);
        const int threads = 2;
        const int perThread = 10_000;

        Parallel.For(0, threads, _ =>
        {
            for (var i = 0; i < perThread; i++)
            {
                metrics.SessionOpened();
                metrics.BytesReceived(3);
                metrics.BytesSent(5);
                if (i % 2 == 0) metrics.SessionClosed();
                if (i % 100 == 0) metrics.SessionDisconnectedSlow();
            }
        });
        var values = reader.Collect();

        Assert.That(values["engine.sessions"], Is.EqualTo(threads * perThread / 2));
        Assert.That(values["engine.sessions.opened"], Is.EqualTo(threads * perThread));
        Assert.That(values["engine.bytes_received"], Is.EqualTo(3L * threads * perThread));
        Assert.That(values["engine.bytes_sent"], Is.EqualTo(5L * threads * perThread));
        Assert.That(values["engine.slow_consumer.disconnects"], Is.EqualTo(threads * perThread / 100));
    }

    [Test]
    public void ShouldPublishEveryInstrumentOnTheEngineMeter()
    {
        using var metrics = new EngineMetrics(new FakeEngineGauges { DurableSequence = 0 });
        using var reader = new MetricsReader(metrics.Meter);
        metrics.OnResponse(ResponseEvents.Rejected(RejectCode.UnknownOrder), ResponseEvents.ReceivedAt + 1);

        var names = reader.Collect().Keys.Select(k => k.Split('{')[0]).Distinct().Order().ToArray();

        Assert.That(metrics.Meter.Name, Is.EqualTo("Engine"));
        Assert.That(names, Is.EqualTo(new[]
        {
            "engine.bytes_received", "engine.bytes_sent", "engine.commands.processed", "engine.journal.bytes",
            "engine.journal.lag", "engine.latency.max", "engine.latency.p50", "engine.latency.p90", "engine.latency.p99",
            "engine.latency.p999", "engine.rejects", "engine.responses", "engine.ring.occupancy", "engine.ring.size",
            "engine.sessions", "engine.sessions.opened", "engine.slow_consumer.disconnects",
        }));
    }

    [Test]
    public void ShouldStopPublishingWhenDisposed()
    {
        var metrics = new EngineMetrics(new FakeEngineGauges());
        using var reader = new MetricsReader(metrics.Meter);
        Assert.That(reader.Collect(), Is.Not.Empty);

        metrics.Dispose();

        Assert.That(reader.Collect(), Is.Empty);
    }

    /// <summary>Gauges that leave <see cref="IEngineGauges.HasJournal"/> to the interface's default.</summary>
    private sealed class DefaultJournalGauges(long durable) : IEngineGauges
    {
        public long InputCursor => 0;
        public long ProcessedSequence => 0;
        public long DurableSequence => durable;
        public long JournalBytes => 0;
        public int InputRingSize => 1;
    }
}
