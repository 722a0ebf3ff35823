using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>A client request with a fixed body that becomes one engine <see cref="Command"/>.</summary>
/// <remarks>Static members let generic code (the client's send path, the server's decoder) work without boxing.</remarks>
/// <typeparam name="TSelf">The message struct itself.</typeparam>
public interface IRequestMessage<TSelf> where TSelf : struct, IRequestMessage<TSelf>
{
    /// <summary>The frame type of this message.</summary>
    static abstract MessageType Type { get; }

    /// <summary>The exact body size in bytes.</summary>
    static abstract int BodySize { get; }

    /// <summary>Reads the body; false when its length is not exactly <see cref="BodySize"/>.</summary>
    static abstract bool TryRead(ReadOnlySpan<byte> body, out TSelf message);

    /// <summary>Writes the body (reserved bytes zeroed); false when the destination is too short.</summary>
    bool TryWrite(Span<byte> body);

    /// <summary>Copies the request's fields into a command (the gateway's stamps are not touched).</summary>
    void ToCommand(ref Command command);
}
