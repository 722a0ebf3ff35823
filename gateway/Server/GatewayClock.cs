using System.Diagnostics;

namespace Engine.Gateway.Server;

/// <summary>The gateway's clock: nanoseconds since the Unix epoch, monotonic within a process.</summary>
/// <remarks>
/// The wall clock is read once; after that time advances with <see cref="Stopwatch"/>, so stamps never go backwards
/// and cost one timestamp read. This is the receive time the gateway stamps on commands (the engine's only clock).
/// </remarks>
public static class GatewayClock
{
    private static readonly long _epochAtStart = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
    private static readonly long _timestampAtStart = Stopwatch.GetTimestamp();
    private static readonly double _nanosPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>Now, in nanoseconds since the Unix epoch.</summary>
    public static long NowNanoseconds()
    {
        var elapsed = Stopwatch.GetTimestamp() - _timestampAtStart;
        return _epochAtStart + (Stopwatch.Frequency == 1_000_000_000 ? elapsed : (long)(elapsed * _nanosPerTick));
    }
}
