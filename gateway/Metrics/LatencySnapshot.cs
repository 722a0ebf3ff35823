namespace Engine.Gateway.Metrics;

/// <summary>Percentiles of the response latency recorded by <see cref="EngineMetrics.OnResponse"/>, in nanoseconds.</summary>
/// <remarks>
/// Latency is the publisher's clock at the response minus the command's receive time
/// (<see cref="Engine.Events.OutputEvent.Time"/>). Values carry HdrHistogram's precision of three significant
/// digits: each percentile is the highest value equivalent to the true one, at most 0.1% above it.
/// All figures are zero when <see cref="Count"/> is zero.
/// </remarks>
public readonly struct LatencySnapshot
{
    /// <summary>Creates a snapshot; all values in nanoseconds.</summary>
    /// <param name="count">Number of latencies recorded.</param>
    /// <param name="p50">Median.</param>
    /// <param name="p90">90th percentile.</param>
    /// <param name="p99">99th percentile.</param>
    /// <param name="p999">99.9th percentile.</param>
    /// <param name="max">Largest latency recorded.</param>
    /// <param name="mean">Mean latency.</param>
    public LatencySnapshot(long count, long p50, long p90, long p99, long p999, long max, double mean)
    {
        Count = count;
        P50 = p50;
        P90 = p90;
        P99 = p99;
        P999 = p999;
        Max = max;
        Mean = mean;
    }

    /// <summary>Number of latencies recorded.</summary>
    public long Count { get; }

    /// <summary>Median latency, ns.</summary>
    public long P50 { get; }

    /// <summary>90th percentile, ns.</summary>
    public long P90 { get; }

    /// <summary>99th percentile, ns.</summary>
    public long P99 { get; }

    /// <summary>99.9th percentile, ns.</summary>
    public long P999 { get; }

    /// <summary>Largest latency recorded, ns.</summary>
    public long Max { get; }

    /// <summary>Mean latency, ns.</summary>
    public double Mean { get; }

    /// <summary>Sum of the latencies recorded (mean times count, at the histogram's precision), ns.</summary>
    public double Sum => Mean * Count;
}
