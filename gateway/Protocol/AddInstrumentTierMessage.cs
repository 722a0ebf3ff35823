using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.AddInstrumentTier"/>: append a maintenance tier to an instrument (in increasing notional order). Role: admin.</summary>
/// <remarks>
/// Body of 32 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  InstrumentId
///     4     4  i32  MmrPpm
///     8     8  i64  RequestId
///    16     8  i64  NotionalCap
///    24     2  u16  MaxLeverage
///    26     1  u8   TierIndex
///    27     5  -    (reserved, zero)
/// </code>
/// </remarks>
public readonly struct AddInstrumentTierMessage : IRequestMessage<AddInstrumentTierMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 32;
    /// <summary>Offset of <see cref="InstrumentId"/>.</summary>
    public const int InstrumentIdOffset = 0;
    /// <summary>Offset of <see cref="MmrPpm"/>.</summary>
    public const int MmrPpmOffset = 4;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="NotionalCap"/>.</summary>
    public const int NotionalCapOffset = 16;
    /// <summary>Offset of <see cref="MaxLeverage"/>.</summary>
    public const int MaxLeverageOffset = 24;
    /// <summary>Offset of <see cref="TierIndex"/>.</summary>
    public const int TierIndexOffset = 26;

    /// <summary>Instrument.</summary>
    public int InstrumentId { get; init; }
    /// <summary>Maintenance margin rate, parts per million.</summary>
    public int MmrPpm { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>Upper notional bound of the tier (inclusive), 1e-6 money units.</summary>
    public long NotionalCap { get; init; }
    /// <summary>Leverage cap within the tier.</summary>
    public ushort MaxLeverage { get; init; }
    /// <summary>Index of the tier, 0-based, appended in order.</summary>
    public byte TierIndex { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.AddInstrumentTier;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out AddInstrumentTierMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new AddInstrumentTierMessage
        {
            InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(body[InstrumentIdOffset..]),
            MmrPpm = BinaryPrimitives.ReadInt32LittleEndian(body[MmrPpmOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
            NotionalCap = BinaryPrimitives.ReadInt64LittleEndian(body[NotionalCapOffset..]),
            MaxLeverage = BinaryPrimitives.ReadUInt16LittleEndian(body[MaxLeverageOffset..]),
            TierIndex = body[TierIndexOffset],
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[InstrumentIdOffset..], InstrumentId);
        BinaryPrimitives.WriteInt32LittleEndian(body[MmrPpmOffset..], MmrPpm);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteInt64LittleEndian(body[NotionalCapOffset..], NotionalCap);
        BinaryPrimitives.WriteUInt16LittleEndian(body[MaxLeverageOffset..], MaxLeverage);
        body[TierIndexOffset] = TierIndex;
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.AddInstrumentTier;
        command.InstrumentId = InstrumentId;
        command.MmrPpm = MmrPpm;
        command.RequestId = RequestId;
        command.NotionalCap = NotionalCap;
        command.MaxLeverage = MaxLeverage;
        command.TierIndex = TierIndex;
    }
}
