using System.Buffers.Binary;

namespace Engine.Gateway.Protocol;

/// <summary><see cref="MessageType.Heartbeat"/>, both directions: proof of life when a side has nothing else to send.</summary>
/// <remarks>
/// Body of 8 bytes. Each side sends one after a heartbeat interval without sending anything; a side that receives
/// nothing for three intervals closes the connection.
/// <code>
///  offset size  type  field
///     0     8  i64   Timestamp: the sender's clock, nanoseconds since the Unix epoch (informative only)
/// </code>
/// </remarks>
public readonly struct HeartbeatMessage
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 8;
    /// <summary>Offset of <see cref="Timestamp"/>.</summary>
    public const int TimestampOffset = 0;

    /// <summary>Creates a heartbeat.</summary>
    public HeartbeatMessage(long timestamp) => Timestamp = timestamp;

    /// <summary>Sender's time, ns since the Unix epoch.</summary>
    public long Timestamp { get; }

    /// <summary>Reads the body; false when its length is not <see cref="Size"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out HeartbeatMessage message)
    {
        message = body.Length == Size ? new HeartbeatMessage(BinaryPrimitives.ReadInt64LittleEndian(body[TimestampOffset..])) : default;
        return body.Length == Size;
    }

    /// <summary>Writes the body; false when the destination is too short.</summary>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        BinaryPrimitives.WriteInt64LittleEndian(body[TimestampOffset..], Timestamp);
        return true;
    }
}
