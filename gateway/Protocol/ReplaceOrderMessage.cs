using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.ReplaceOrder"/>: change the price and/or open quantity of an open order. Role: trader, for a granted account.</summary>
/// <remarks>
/// Body of 40 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AccountId
///     4     4  -    (reserved, zero)
///     8     8  i64  RequestId
///    16     8  i64  OrderId
///    24     8  i64  Price
///    32     8  i64  Quantity
/// </code>
/// </remarks>
public readonly struct ReplaceOrderMessage : IRequestMessage<ReplaceOrderMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 40;
    /// <summary>Offset of <see cref="AccountId"/>.</summary>
    public const int AccountIdOffset = 0;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="OrderId"/>.</summary>
    public const int OrderIdOffset = 16;
    /// <summary>Offset of <see cref="Price"/>.</summary>
    public const int PriceOffset = 24;
    /// <summary>Offset of <see cref="Quantity"/>.</summary>
    public const int QuantityOffset = 32;

    /// <summary>Account that owns the order.</summary>
    public int AccountId { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>Engine order id.</summary>
    public long OrderId { get; init; }
    /// <summary>New price, 1e-8 (0 keeps the price).</summary>
    public long Price { get; init; }
    /// <summary>New open quantity, 1e-8 (0 keeps it).</summary>
    public long Quantity { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.ReplaceOrder;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out ReplaceOrderMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new ReplaceOrderMessage
        {
            AccountId = BinaryPrimitives.ReadInt32LittleEndian(body[AccountIdOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
            OrderId = BinaryPrimitives.ReadInt64LittleEndian(body[OrderIdOffset..]),
            Price = BinaryPrimitives.ReadInt64LittleEndian(body[PriceOffset..]),
            Quantity = BinaryPrimitives.ReadInt64LittleEndian(body[QuantityOffset..]),
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[AccountIdOffset..], AccountId);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteInt64LittleEndian(body[OrderIdOffset..], OrderId);
        BinaryPrimitives.WriteInt64LittleEndian(body[PriceOffset..], Price);
        BinaryPrimitives.WriteInt64LittleEndian(body[QuantityOffset..], Quantity);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.ReplaceOrder;
        command.AccountId = AccountId;
        command.RequestId = RequestId;
        command.OrderId = OrderId;
        command.Price = Price;
        command.Quantity = Quantity;
    }
}
