using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.QueryBook"/>: ask for the aggregated depth of a book. Role: any.</summary>
/// <remarks>
/// Body of 16 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  InstrumentId
///     4     4  i32  Depth
///     8     8  i64  RequestId
/// </code>
/// </remarks>
public readonly struct QueryBookMessage : IRequestMessage<QueryBookMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 16;
    /// <summary>Offset of <see cref="InstrumentId"/>.</summary>
    public const int InstrumentIdOffset = 0;
    /// <summary>Offset of <see cref="Depth"/>.</summary>
    public const int DepthOffset = 4;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;

    /// <summary>Instrument.</summary>
    public int InstrumentId { get; init; }
    /// <summary>Levels per side (0: the engine default).</summary>
    public int Depth { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.QueryBook;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out QueryBookMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new QueryBookMessage
        {
            InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(body[InstrumentIdOffset..]),
            Depth = BinaryPrimitives.ReadInt32LittleEndian(body[DepthOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[InstrumentIdOffset..], InstrumentId);
        BinaryPrimitives.WriteInt32LittleEndian(body[DepthOffset..], Depth);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.QueryBook;
        command.InstrumentId = InstrumentId;
        command.Depth = Depth;
        command.RequestId = RequestId;
    }
}
