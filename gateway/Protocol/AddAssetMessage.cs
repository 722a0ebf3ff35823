using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.AddAsset"/>: define a collateral asset. Role: admin.</summary>
/// <remarks>
/// Body of 24 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AssetId
///     4     4  i32  HaircutPpm
///     8     8  i64  RequestId
///    16     8  i64  Price
/// </code>
/// </remarks>
public readonly struct AddAssetMessage : IRequestMessage<AddAssetMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 24;
    /// <summary>Offset of <see cref="AssetId"/>.</summary>
    public const int AssetIdOffset = 0;
    /// <summary>Offset of <see cref="HaircutPpm"/>.</summary>
    public const int HaircutPpmOffset = 4;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="Price"/>.</summary>
    public const int PriceOffset = 16;

    /// <summary>New asset id.</summary>
    public int AssetId { get; init; }
    /// <summary>Collateral haircut, parts per million.</summary>
    public int HaircutPpm { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>Initial price, 1e-8.</summary>
    public long Price { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.AddAsset;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out AddAssetMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new AddAssetMessage
        {
            AssetId = BinaryPrimitives.ReadInt32LittleEndian(body[AssetIdOffset..]),
            HaircutPpm = BinaryPrimitives.ReadInt32LittleEndian(body[HaircutPpmOffset..]),
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
        BinaryPrimitives.WriteInt32LittleEndian(body[HaircutPpmOffset..], HaircutPpm);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteInt64LittleEndian(body[PriceOffset..], Price);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.AddAsset;
        command.AssetId = AssetId;
        command.HaircutPpm = HaircutPpm;
        command.RequestId = RequestId;
        command.Price = Price;
    }
}
