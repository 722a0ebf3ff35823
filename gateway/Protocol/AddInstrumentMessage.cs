using System.Buffers.Binary;
using Engine.Commands;

namespace Engine.Gateway.Protocol;

/// <summary>Request <see cref="MessageType.AddInstrument"/>: define an instrument. Role: admin.</summary>
/// <remarks>
/// Body of 56 bytes after the frame header; little-endian; prices and quantities 1e-8, money 1e-6.
/// <code>
///  offset size  type field
///     0     4  i32  InstrumentId
///     4     4  i32  MakerFeePpm
///     8     8  i64  RequestId
///    16     8  i64  TickSize
///    24     8  i64  LotSize
///    32     8  i64  MaxOrderQuantity
///    40     4  i32  TakerFeePpm
///    44     2  u16  BandBps
///    46     2  u16  MaxLeverage
///    48     1  u8   LadderLog2
///    49     7  -    (reserved, zero)
/// </code>
/// </remarks>
public readonly struct AddInstrumentMessage : IRequestMessage<AddInstrumentMessage>
{
    /// <summary>Body size in bytes.</summary>
    public const int Size = 56;
    /// <summary>Offset of <see cref="InstrumentId"/>.</summary>
    public const int InstrumentIdOffset = 0;
    /// <summary>Offset of <see cref="MakerFeePpm"/>.</summary>
    public const int MakerFeePpmOffset = 4;
    /// <summary>Offset of <see cref="RequestId"/>.</summary>
    public const int RequestIdOffset = 8;
    /// <summary>Offset of <see cref="TickSize"/>.</summary>
    public const int TickSizeOffset = 16;
    /// <summary>Offset of <see cref="LotSize"/>.</summary>
    public const int LotSizeOffset = 24;
    /// <summary>Offset of <see cref="MaxOrderQuantity"/>.</summary>
    public const int MaxOrderQuantityOffset = 32;
    /// <summary>Offset of <see cref="TakerFeePpm"/>.</summary>
    public const int TakerFeePpmOffset = 40;
    /// <summary>Offset of <see cref="BandBps"/>.</summary>
    public const int BandBpsOffset = 44;
    /// <summary>Offset of <see cref="MaxLeverage"/>.</summary>
    public const int MaxLeverageOffset = 46;
    /// <summary>Offset of <see cref="LadderLog2"/>.</summary>
    public const int LadderLog2Offset = 48;

    /// <summary>New instrument id, 0 to MaxInstruments-1.</summary>
    public int InstrumentId { get; init; }
    /// <summary>Maker fee, parts per million of notional (negative: rebate).</summary>
    public int MakerFeePpm { get; init; }
    /// <summary>Client correlation id.</summary>
    public long RequestId { get; init; }
    /// <summary>Tick size, 1e-8.</summary>
    public long TickSize { get; init; }
    /// <summary>Lot size, 1e-8.</summary>
    public long LotSize { get; init; }
    /// <summary>Largest quantity of one order, 1e-8.</summary>
    public long MaxOrderQuantity { get; init; }
    /// <summary>Taker fee, parts per million.</summary>
    public int TakerFeePpm { get; init; }
    /// <summary>Price band around the reference price, basis points.</summary>
    public ushort BandBps { get; init; }
    /// <summary>Leverage cap (whole number).</summary>
    public ushort MaxLeverage { get; init; }
    /// <summary>Log2 of the price levels in the book window (0: the engine default, 16).</summary>
    public byte LadderLog2 { get; init; }

    /// <inheritdoc/>
    public static MessageType Type => MessageType.AddInstrument;

    /// <inheritdoc/>
    public static int BodySize => Size;

    /// <inheritdoc/>
    public static bool TryRead(ReadOnlySpan<byte> body, out AddInstrumentMessage message)
    {
        if (body.Length != Size)
        {
            message = default;
            return false;
        }
        message = new AddInstrumentMessage
        {
            InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(body[InstrumentIdOffset..]),
            MakerFeePpm = BinaryPrimitives.ReadInt32LittleEndian(body[MakerFeePpmOffset..]),
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(body[RequestIdOffset..]),
            TickSize = BinaryPrimitives.ReadInt64LittleEndian(body[TickSizeOffset..]),
            LotSize = BinaryPrimitives.ReadInt64LittleEndian(body[LotSizeOffset..]),
            MaxOrderQuantity = BinaryPrimitives.ReadInt64LittleEndian(body[MaxOrderQuantityOffset..]),
            TakerFeePpm = BinaryPrimitives.ReadInt32LittleEndian(body[TakerFeePpmOffset..]),
            BandBps = BinaryPrimitives.ReadUInt16LittleEndian(body[BandBpsOffset..]),
            MaxLeverage = BinaryPrimitives.ReadUInt16LittleEndian(body[MaxLeverageOffset..]),
            LadderLog2 = body[LadderLog2Offset],
        };
        return true;
    }

    /// <inheritdoc/>
    public bool TryWrite(Span<byte> body)
    {
        if (body.Length < Size) return false;
        body[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(body[InstrumentIdOffset..], InstrumentId);
        BinaryPrimitives.WriteInt32LittleEndian(body[MakerFeePpmOffset..], MakerFeePpm);
        BinaryPrimitives.WriteInt64LittleEndian(body[RequestIdOffset..], RequestId);
        BinaryPrimitives.WriteInt64LittleEndian(body[TickSizeOffset..], TickSize);
        BinaryPrimitives.WriteInt64LittleEndian(body[LotSizeOffset..], LotSize);
        BinaryPrimitives.WriteInt64LittleEndian(body[MaxOrderQuantityOffset..], MaxOrderQuantity);
        BinaryPrimitives.WriteInt32LittleEndian(body[TakerFeePpmOffset..], TakerFeePpm);
        BinaryPrimitives.WriteUInt16LittleEndian(body[BandBpsOffset..], BandBps);
        BinaryPrimitives.WriteUInt16LittleEndian(body[MaxLeverageOffset..], MaxLeverage);
        body[LadderLog2Offset] = LadderLog2;
        return true;
    }

    /// <inheritdoc/>
    public void ToCommand(ref Command command)
    {
        command.Type = CommandType.AddInstrument;
        command.InstrumentId = InstrumentId;
        command.MakerFeePpm = MakerFeePpm;
        command.RequestId = RequestId;
        command.TickSize = TickSize;
        command.LotSize = LotSize;
        command.MaxOrderQuantity = MaxOrderQuantity;
        command.TakerFeePpm = TakerFeePpm;
        command.BandBps = BandBps;
        command.MaxLeverage = MaxLeverage;
        command.LadderLog2 = LadderLog2;
    }
}
