using Engine.Commands;
using Engine.Events;

namespace Engine.Gateway.Protocol;

/// <summary>Writes whole frames (header and body) into a span; every method returns false when the span is too short.</summary>
/// <remarks>No method allocates. The caller numbers its frames (<c>sequence</c>: 1, 2, 3, ... per connection).</remarks>
public static class FrameWriter
{
    /// <summary>Writes a request frame.</summary>
    public static bool TryWriteRequest<T>(Span<byte> destination, in T message, uint sequence, out int written)
        where T : struct, IRequestMessage<T>
    {
        written = FrameHeader.Size + T.BodySize;
        return destination.Length >= written
               && new FrameHeader(written, T.Type, sequence).TryWrite(destination)
               && message.TryWrite(destination[FrameHeader.Size..written]);
    }

    /// <summary>Writes a <see cref="MessageType.Login"/> frame.</summary>
    public static bool TryWriteLogin(Span<byte> destination, in LoginMessage message, uint sequence, out int written)
    {
        written = FrameHeader.Size + LoginMessage.Size;
        return destination.Length >= written
               && message.TryWrite(destination[FrameHeader.Size..written])
               && new FrameHeader(written, MessageType.Login, sequence).TryWrite(destination);
    }

    /// <summary>Writes a <see cref="MessageType.Heartbeat"/> frame.</summary>
    public static bool TryWriteHeartbeat(Span<byte> destination, long timestamp, uint sequence, out int written)
    {
        written = FrameHeader.Size + HeartbeatMessage.Size;
        return destination.Length >= written
               && new FrameHeader(written, MessageType.Heartbeat, sequence).TryWrite(destination)
               && new HeartbeatMessage(timestamp).TryWrite(destination[FrameHeader.Size..written]);
    }

    /// <summary>Writes a <see cref="MessageType.Logout"/> frame (empty body).</summary>
    public static bool TryWriteLogout(Span<byte> destination, uint sequence, out int written)
    {
        written = FrameHeader.Size;
        return new FrameHeader(written, MessageType.Logout, sequence).TryWrite(destination);
    }

    /// <summary>Writes a <see cref="MessageType.LoginAccepted"/> frame.</summary>
    public static bool TryWriteLoginAccepted(Span<byte> destination, in LoginAcceptedMessage message, uint sequence, out int written)
    {
        written = FrameHeader.Size + LoginAcceptedMessage.Size;
        return destination.Length >= written
               && new FrameHeader(written, MessageType.LoginAccepted, sequence).TryWrite(destination)
               && message.TryWrite(destination[FrameHeader.Size..written]);
    }

    /// <summary>Writes an <see cref="MessageType.Error"/> frame.</summary>
    public static bool TryWriteError(Span<byte> destination, in ErrorMessage message, uint sequence, out int written)
    {
        written = FrameHeader.Size + ErrorMessage.Size;
        return destination.Length >= written
               && new FrameHeader(written, MessageType.Error, sequence).TryWrite(destination)
               && message.TryWrite(destination[FrameHeader.Size..written]);
    }

    /// <summary>Writes an <see cref="MessageType.Event"/> frame.</summary>
    public static bool TryWriteEvent(Span<byte> destination, in OutputEvent e, uint sequence, out int written)
    {
        written = FrameHeader.Size + EventMessage.Size;
        return destination.Length >= written
               && new FrameHeader(written, MessageType.Event, sequence).TryWrite(destination)
               && EventMessage.TryWrite(in e, destination[FrameHeader.Size..written]);
    }
}
