using Engine.Commands;
using Engine.Events;

namespace Engine.Tests.Gateway.Metrics;

/// <summary>Response events for the metrics tests.</summary>
internal static class ResponseEvents
{
    /// <summary>Receive time used by the tests (ns since the Unix epoch).</summary>
    public const long ReceivedAt = 1_700_000_000_000_000_000;

    public static OutputEvent Accepted(long time = ReceivedAt) => new() { Type = EventType.Accepted, Time = time };

    public static OutputEvent Rejected(RejectCode code, long time = ReceivedAt) =>
        new() { Type = EventType.Rejected, Code = (ushort)code, Time = time };
}
