using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.SetLeverage"/>: set the leverage of an account on an instrument (only when flat with no orders). Role: trader, for a granted account.</summary>
/// <remarks>
/// Body of 24 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  AccountId
///     4     4  i32  InstrumentId
///     8     8  i64  RequestId
///    16     2  u16  Leverage
///    18     6  -    (reserved, zero)
/// </code>
/// </remarks>
public readonly struct SetLeverageMessage : IRequestMessage<SetLeverageMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 24;
    /// <summary>Offset of <see cref="AccountId"/>.</summary>
    public const int AccountIdOffset = 0;
    /// <summary>Offset of <see cref="InstrumentId"/>.</summary>
    public const int InstrumentIdOffset = 4;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="Leverage"/>.</summary>
    public const int LeverageOffset = 16;

    /// <summary>Account.</summary>
    public int AccountId { get; init; }
    /// <summary>Instrument.</summary>
    public int InstrumentId { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>Leverage (whole number).</summary>
    public ushort Leverage { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.SetLeverage;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out SetLeverageMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new SetLeverageMessage
        {
            AccountId = BinaryPrimitives.ReadInt32LittleEndian(body[AccountIdOffset..]),
            InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(body[InstrumentIdOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
            Leverage = BinaryPrimitives.ReadUInt16LittleEndian(body[LeverageOffset..]),
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
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteUInt16LittleEndian(body[LeverageOffset..], Leverage);
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.SetLeverage;
        command.AccountId = AccountId;
        command.InstrumentId = InstrumentId;
        command.RequestId = RequestId;
        command.Leverage = Leverage;
    }
}
