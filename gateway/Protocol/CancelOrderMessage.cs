using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.CancelOrder"/>: cancel an open order by its engine order id. Role: trader, for a granted account.</summary>
/// <remarks>
/// Body of 24 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AccountId
///     4     4  -    (reserved, zero)
///     8     8  i64  RequestId
///    16     8  i64  OrderId
/// </code>
/// </remarks>
public readonly struct CancelOrderMessage : IRequestMessage<CancelOrderMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 24;
    /// <summary>Offset of <see cref="AccountId"/>.</summary>
    public const int AccountIdOffset = 0;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="OrderId"/>.</summary>
    public const int OrderIdOffset = 16;

    /// <summary>Account that owns the order.</summary>
    public int AccountId { get; init; }
    /// <summary>Client correlation id, echoed in the response.</summary>
    public long RequestId { get; init; }
    /// <summary>Engine order id (from the order's Accepted event).</summary>
    public long OrderId { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.CancelOrder;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out CancelOrderMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new CancelOrderMessage
        {
            AccountId = BinaryPrimitives.ReadInt32LittleEndian(body[AccountIdOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
            OrderId = BinaryPrimitives.ReadInt64LittleEndian(body[OrderIdOffset..]),
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
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.CancelOrder;
        command.AccountId = AccountId;
        command.RequestId = RequestId;
        command.OrderId = OrderId;
    }
}
