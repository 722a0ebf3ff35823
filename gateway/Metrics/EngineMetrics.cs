using Engine.Commands;
using Engine.Events;

namespace Engine.Gateway.Metrics;

/// <summary>Placeholder until the metrics branch lands: the contract the server calls.</summary>
public sealed class EngineMetrics : IDisposable
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "Engine";

    /// <summary>Creates the metrics.</summary>
    public EngineMetrics(IEngineGauges gauges) => _ = gauges;

    /// <summary>Publisher thread: a response.</summary>
    public void OnResponse(in OutputEvent e, long nowNanoseconds) { }

    /// <summary>A session opened.</summary>
    public void SessionOpened() { }

    /// <summary>A session closed.</summary>
    public void SessionClosed() { }

    /// <summary>A gateway error frame.</summary>
    public void GatewayError(RejectCode code) { }

    /// <summary>A slow consumer was cut off.</summary>
    public void SessionDisconnectedSlow() { }

    /// <summary>Bytes received.</summary>
    public void BytesReceived(long n) { }

    /// <summary>Bytes sent.</summary>
    public void BytesSent(long n) { }

    /// <summary>Disposes.</summary>
    public void Dispose() { }
}
