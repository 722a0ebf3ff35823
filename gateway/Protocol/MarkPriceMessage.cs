using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.MarkPrice"/>: the mark price of an instrument; re-margins its positions. Role: price feed.</summary>
/// <remarks>
/// Body of 24 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  InstrumentId
///     4     4  -    (reserved, zero)
///     8     8  i64  RequestId
///    16     8  i64  Price
/// </code>
/// </remarks>
public readonly struct MarkPriceMessage : IRequestMessage<MarkPriceMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 24;
    /// <summary>Offset of <see cref="InstrumentId"/>.</summary>
    public const int InstrumentIdOffset = 0;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="Price"/>.</summary>
    public const int PriceOffset = 16;

    /// <summary>Instrument.</summary>
    public int InstrumentId { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>Mark price, 1e-8.</summary>
    public long Price { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.MarkPrice;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out MarkPriceMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new MarkPriceMessage
        {
            InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(body[InstrumentIdOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
            Price = BinaryPrimitives.ReadInt64LittleEndian(body[PriceOffset..]),
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[InstrumentIdOffset..], InstrumentId);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteInt64LittleEndian(body[PriceOffset..], Price);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.MarkPrice;
        command.InstrumentId = InstrumentId;
        command.RequestId = RequestId;
        command.Price = Price;
    }
}
