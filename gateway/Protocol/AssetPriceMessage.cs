using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.AssetPrice"/>: the price of a collateral asset in the settlement asset; re-values the cross accounts holding it. Role: price feed.</summary>
/// <remarks>
/// Body of 24 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AssetId
///     4     4  -    (reserved, zero)
///     8     8  i64  RequestId
///    16     8  i64  Price
/// </code>
/// </remarks>
public readonly struct AssetPriceMessage : IRequestMessage<AssetPriceMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 24;
    /// <summary>Offset of <see cref="AssetId"/>.</summary>
    public const int AssetIdOffset = 0;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="Price"/>.</summary>
    public const int PriceOffset = 16;

    /// <summary>Collateral asset (0 is the settlement asset and has no price).</summary>
    public int AssetId { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>Price, 1e-8.</summary>
    public long Price { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.AssetPrice;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out AssetPriceMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new AssetPriceMessage
        {
            AssetId = BinaryPrimitives.ReadInt32LittleEndian(body[AssetIdOffset..]),
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
        BinaryPrimitives.WriteInt32LittleEndian(body[AssetIdOffset..], AssetId);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteInt64LittleEndian(body[PriceOffset..], Price);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.AssetPrice;
        command.AssetId = AssetId;
        command.RequestId = RequestId;
        command.Price = Price;
    }
}
