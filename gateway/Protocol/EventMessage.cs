using System.Runtime.InteropServices;
using Engine.Events;

namespace Engine.Gateway.Protocol;

/// <summary>Server <see cref="MessageType.Event"/>: one engine event, its 96 bytes exactly as <see cref="OutputEvent"/> lays them out.</summary>
/// <remarks>
/// The body is the engine's own event record (little-endian), so encoding is one copy. Which fields an event type
/// uses is tabled in docs/protocol.md. <c>SessionId</c> (offset 8) is the session that placed the order concerned
/// (or sent the request answered), 0 for the engine's own actions.
/// </remarks>
public static class EventMessage
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = OutputEvent.Size;

    /// <summary>Reads the body; false when its length is not <see cref="Size"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out OutputEvent e)
    {
        if (body.Length != Size || !BitConverter.IsLittleEndian)
        {
            e = default;
            return false;
        }
        e = MemoryMarshal.Read<OutputEvent>(body);
        return true;
    }

    /// <summary>Writes the body; false when the destination is too short.</summary>
    public static bool TryWrite(in OutputEvent e, Span<byte> body)
    {
        if (body.Length < Size || !BitConverter.IsLittleEndian) return false;
        MemoryMarshal.Write(body, in e);
        return true;
    }
}
