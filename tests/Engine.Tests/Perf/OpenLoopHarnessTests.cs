using Engine.LoadTest.Bench;
using Engine.LoadTest.Support;
using Engine.Pipeline;
using Engine.Tests.Pipeline;

namespace Engine.Tests.Perf;

/// <summary>
/// The bench harness's end-to-end modes on a small mix: what they measure and when they call a rate saturated. Nothing
/// here is timed against a goal (the machines are shared); the assertions are about counts, ordering and the
/// coordinated-omission correction, which hold on any machine.
/// </summary>
public class OpenLoopHarnessTests
{
    private static readonly Lazy<ExchangeCoreMix> _mix = new(() => ExchangeCoreMix.Generate(20_000, new MixOptions()));

    [Test]
    public void ShouldMeasureEveryCommandAfterTheWarmUpWhenTheLogicKeepsUp()
    {
        var series = LogicMode.RunAtRate(_mix.Value, rate: 20_000, count: 4_000, warmup: 400);

        Assert.That(series.Count, Is.EqualTo(3_600), "one latency per command after the warm-up");
        Assert.That(series.Saturated, Is.False, "20K commands/s is far below what the logic thread does");
        Assert.That(series.AchievedRate, Is.EqualTo(20_000).Within(5).Percent);
        AssertOrdered(series);
    }

    [Test]
    public void ShouldChargeTheBacklogToLatencyWhenTheOfferedRateCannotBeMet()
    {
        // 2 billion commands/s: every command is due almost at once, so the n-th waits for the n-1 before it. Measured
        // from the intended send time, the last latencies must be about the whole run, not one command's service time.
        const int count = 20_000;
        var series = LogicMode.RunAtRate(_mix.Value, rate: 2_000_000_000, count: count, warmup: 0);

        Assert.That(series.Saturated, Is.True);
        var runNanos = count / series.AchievedRate * 1e9;
        Assert.That(series.PercentilesNs["max"], Is.GreaterThan(0.5 * runNanos), "the backlog is in the latencies");
        // the backlog grows through the run: the median command waited for a large part of it, not one service time
        Assert.That(series.PercentilesNs["50"], Is.GreaterThan(0.25 * runNanos), "the median command waited for a quarter of the run or more");
        Assert.That(series.PercentilesNs["50"], Is.GreaterThan(100 * runNanos / count), "far more than one command's mean service time");
        AssertOrdered(series);
    }

    [TestCase("two")]
    [TestCase("three")]
    public void ShouldMeasureTheJournaledPipelineFromIntendedSendToRelease(string layout)
    {
        var setup = new PipelineSetup("blocking", "flush", layout, InputRingSize: 1024);
        var series = PipelineMode.RunAtRate(_mix.Value, setup, rate: 20_000, count: 4_000, warmup: 400);

        Assert.That(series.Count, Is.EqualTo(3_600), "the first event of each measured command, once");
        Assert.That(series.Saturated, Is.False);
        Assert.That(series.Mode, Is.EqualTo("pipeline"));
        AssertOrdered(series);

        var (rate, _) = PipelineMode.MaxThroughput(_mix.Value, setup, 10_000);
        Assert.That(rate, Is.GreaterThan(0));
    }

    [Test]
    [Platform("Linux")]
    public void ShouldPinTheLogicThreadAloneAndGiveTheProducerItsCpusBackWhenTheRunEnds()
    {
        Assume.That(Environment.ProcessorCount, Is.GreaterThanOrEqualTo(2), "needs 2 CPUs");
        var setup = new PipelineSetup("blocking", "flush", InputRingSize: 1024, Pin: true);
        var series = PipelineMode.RunAtRate(_mix.Value, setup, rate: 20_000, count: 4_000, warmup: 400);

        Assert.That(series.Count, Is.EqualTo(3_600));
        Assert.That(PipelinePinningTests.AllowedCpus(PipelinePinningTests.CurrentThreadId()), Is.EqualTo(CpuAffinity.AllCpus),
            "the producer (this thread) is unpinned after the run");
    }

    private static void AssertOrdered(Engine.LoadTest.Bench.Report.LatencySeries series)
    {
        var p = series.PercentilesNs;
        Assert.That(new[] { p["50"], p["90"], p["95"], p["99"], p["99.9"], p["99.99"], p["max"] }, Is.Ordered);
        Assert.That(p["50"], Is.GreaterThan(0));
        Assert.That(series.Distribution, Is.Not.Empty);
    }
}
