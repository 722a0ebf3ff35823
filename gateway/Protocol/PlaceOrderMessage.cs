using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.PlaceOrder"/>: place a limit or market order. Role: trader, for a granted account.</summary>
/// <remarks>
/// Body of 40 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AccountId
///     4     4  i32  InstrumentId
///     8     8  i64  ClientOrderId
///    16     8  i64  Price
///    24     8  i64  Quantity
///    32     1  u8   Side (Side)
///    33     1  u8   OrderType (OrderType)
///    34     1  u8   TimeInForce (TimeInForce)
///    35     1  u8   Flags (OrderFlags)
///    36     1  u8   SelfTrade (SelfTradeMode)
///    37     3  -    (reserved, zero)
/// </code>
/// </remarks>
public readonly struct PlaceOrderMessage : IRequestMessage<PlaceOrderMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 40;
    /// <summary>Offset of <see cref="AccountId"/>.</summary>
    public const int AccountIdOffset = 0;
    /// <summary>Offset of <see cref="InstrumentId"/>.</summary>
    public const int InstrumentIdOffset = 4;
    /// <summary>Offset of <see cref="ClientOrderId"/>.</summary>
    public const int ClientOrderIdOffset = 8;
    /// <summary>Offset of <see cref="Price"/>.</summary>
    public const int PriceOffset = 16;
    /// <summary>Offset of <see cref="Quantity"/>.</summary>
    public const int QuantityOffset = 24;
    /// <summary>Offset of <see cref="Side"/>.</summary>
    public const int SideOffset = 32;
    /// <summary>Offset of <see cref="OrderType"/>.</summary>
    public const int OrderTypeOffset = 33;
    /// <summary>Offset of <see cref="TimeInForce"/>.</summary>
    public const int TimeInForceOffset = 34;
    /// <summary>Offset of <see cref="Flags"/>.</summary>
    public const int FlagsOffset = 35;
    /// <summary>Offset of <see cref="SelfTrade"/>.</summary>
    public const int SelfTradeOffset = 36;

    /// <summary>Account the order is for.</summary>
    public int AccountId { get; init; }
    /// <summary>Instrument.</summary>
    public int InstrumentId { get; init; }
    /// <summary>Client-chosen id, echoed in every event about the order.</summary>
    public long ClientOrderId { get; init; }
    /// <summary>Limit price, 1e-8 quote units per unit (0 for market orders).</summary>
    public long Price { get; init; }
    /// <summary>Quantity, 1e-8 units.</summary>
    public long Quantity { get; init; }
    /// <summary>Side: 1 buy, 2 sell.</summary>
    public Side Side { get; init; }
    /// <summary>OrderType: 1 limit, 2 market.</summary>
    public OrderType OrderType { get; init; }
    /// <summary>TimeInForce: 1 GTC, 2 IOC, 3 FOK.</summary>
    public TimeInForce TimeInForce { get; init; }
    /// <summary>OrderFlags bits: 1 post-only, 2 reduce-only.</summary>
    public OrderFlags Flags { get; init; }
    /// <summary>SelfTradeMode: 0 cancel resting, 1 cancel taker, 2 cancel both.</summary>
    public SelfTradeMode SelfTrade { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.PlaceOrder;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out PlaceOrderMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new PlaceOrderMessage
        {
            AccountId = BinaryPrimitives.ReadInt32LittleEndian(body[AccountIdOffset..]),
            InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(body[InstrumentIdOffset..]),
            ClientOrderId = BinaryPrimitives.ReadInt64LittleEndian(body[ClientOrderIdOffset..]),
            Price = BinaryPrimitives.ReadInt64LittleEndian(body[PriceOffset..]),
            Quantity = BinaryPrimitives.ReadInt64LittleEndian(body[QuantityOffset..]),
            Side = (Side)body[SideOffset],
            OrderType = (OrderType)body[OrderTypeOffset],
            TimeInForce = (TimeInForce)body[TimeInForceOffset],
            Flags = (OrderFlags)body[FlagsOffset],
            SelfTrade = (SelfTradeMode)body[SelfTradeOffset],
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[AccountIdOffset..], AccountId);
        BinaryPrimitives.WriteInt32LittleEndian(body[InstrumentIdOffset..], InstrumentId);
        BinaryPrimitives.WriteInt64LittleEndian(body[ClientOrderIdOffset..], ClientOrderId);
        BinaryPrimitives.WriteInt64LittleEndian(body[PriceOffset..], Price);
        BinaryPrimitives.WriteInt64LittleEndian(body[QuantityOffset..], Quantity);
        body[SideOffset] = (byte)Side;
        body[OrderTypeOffset] = (byte)OrderType;
        body[TimeInForceOffset] = (byte)TimeInForce;
        body[FlagsOffset] = (byte)Flags;
        body[SelfTradeOffset] = (byte)SelfTrade;
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.PlaceOrder;
        command.AccountId = AccountId;
        command.InstrumentId = InstrumentId;
        command.ClientOrderId = ClientOrderId;
        command.Price = Price;
        command.Quantity = Quantity;
        command.Side = Side;
        command.OrderType = OrderType;
        command.TimeInForce = TimeInForce;
        command.Flags = Flags;
        command.SelfTrade = SelfTrade;
    }
}
