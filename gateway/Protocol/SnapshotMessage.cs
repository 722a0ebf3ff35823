using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.Snapshot"/>: take a snapshot of the whole state at this point; the response carries the state and event hashes. Role: admin.</summary>
/// <remarks>
/// Body of 16 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     8  -    (reserved, zero)
///     8     8  i64  RequestId
/// </code>
/// </remarks>
public readonly struct SnapshotMessage : IRequestMessage<SnapshotMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 16;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;

    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.Snapshot;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out SnapshotMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new SnapshotMessage
        {
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.Snapshot;
        command.RequestId = RequestId;
    }
}
