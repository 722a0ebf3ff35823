using System.Runtime.InteropServices;

namespace Engine.Commands;

/// <summary>One input command: the ring entry and, byte for byte, the journal record.</summary>
/// <remarks>
/// Fixed 64 bytes (one cache line), blittable, no references. Fields that only some command types use
/// overlap; the table says which name to use per type. Units: see <see cref="FixedPoint"/>.
/// <code>
///  offset  size  field (aliases)
///   0      1     Type                     CommandType
///   1      1     OrderType                | TierIndex
///   2      1     Side                     \ BandBps (ushort, AddInstrument)
///   3      1     TimeInForce              /
///   4      1     Flags                    OrderFlags | MarginMode
///   5      1     SelfTrade                SelfTradeMode | LadderLog2 (AddInstrument)
///   6      2     Leverage (ushort)        | MaxLeverage
///   8      4     SessionId                gateway stamp: the session that sent it (0 = internal)
///  12      4     AccountId                | MakerFeePpm (AddInstrument)
///  16      8     ReceiveTime              gateway stamp: ns since the Unix epoch; the engine's only clock
///  24      4     InstrumentId             | AssetId
///  28      4     Aux                      TakerFeePpm | Depth | MmrPpm | HaircutPpm
///  32      8     ClientOrderId            | RequestId (client correlation id)
///  40      8     Price                    | TickSize | NotionalCap | Amount
///  48      8     Quantity                 | LotSize
///  56      8     OrderId                  | MaxOrderQuantity
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct Command
{
    /// <summary>Size of the struct in bytes; frozen by a test, since it is the journal record size.</summary>
    public const int Size = 64;

    /// <summary>The command kind.</summary>
    [FieldOffset(0)] public CommandType Type;
    /// <summary>PlaceOrder: limit or market.</summary>
    [FieldOffset(1)] public OrderType OrderType;
    /// <summary>AddInstrumentTier: index of the tier (0-based, appended in order).</summary>
    [FieldOffset(1)] public byte TierIndex;
    /// <summary>PlaceOrder: buy or sell.</summary>
    [FieldOffset(2)] public Side Side;
    /// <summary>AddInstrument: price band in basis points around the reference price.</summary>
    [FieldOffset(2)] public ushort BandBps;
    /// <summary>PlaceOrder: time in force.</summary>
    [FieldOffset(3)] public TimeInForce TimeInForce;
    /// <summary>PlaceOrder: post-only, reduce-only.</summary>
    [FieldOffset(4)] public OrderFlags Flags;
    /// <summary>SetMarginMode: the new mode.</summary>
    [FieldOffset(4)] public MarginMode MarginMode;
    /// <summary>PlaceOrder and ReplaceOrder: self-trade prevention mode.</summary>
    [FieldOffset(5)] public SelfTradeMode SelfTrade;
    /// <summary>AddInstrument: log2 of the number of price levels in the book's price ladder.</summary>
    [FieldOffset(5)] public byte LadderLog2;
    /// <summary>SetLeverage: the new leverage (whole number).</summary>
    [FieldOffset(6)] public ushort Leverage;
    /// <summary>AddInstrument and AddInstrumentTier: the maximum leverage.</summary>
    [FieldOffset(6)] public ushort MaxLeverage;
    /// <summary>Gateway stamp: the session that sent the command; 0 for internal commands.</summary>
    [FieldOffset(8)] public int SessionId;
    /// <summary>The account the command acts for.</summary>
    [FieldOffset(12)] public int AccountId;
    /// <summary>AddInstrument: maker fee in parts per million of notional (negative: rebate).</summary>
    [FieldOffset(12)] public int MakerFeePpm;
    /// <summary>Gateway stamp: receive time in nanoseconds since the Unix epoch.</summary>
    [FieldOffset(16)] public long ReceiveTime;
    /// <summary>The instrument.</summary>
    [FieldOffset(24)] public int InstrumentId;
    /// <summary>AddAsset, Deposit, Withdraw, AssetPrice: the asset.</summary>
    [FieldOffset(24)] public int AssetId;
    /// <summary>AddInstrument: taker fee in parts per million of notional.</summary>
    [FieldOffset(28)] public int TakerFeePpm;
    /// <summary>QueryBook: the number of levels per side.</summary>
    [FieldOffset(28)] public int Depth;
    /// <summary>AddInstrumentTier: maintenance margin rate in parts per million.</summary>
    [FieldOffset(28)] public int MmrPpm;
    /// <summary>AddAsset: collateral haircut in parts per million.</summary>
    [FieldOffset(28)] public int HaircutPpm;
    /// <summary>MassCancel: 1 to restrict to <see cref="InstrumentId"/>, 0 for all instruments.</summary>
    [FieldOffset(28)] public int InstrumentFilter;
    /// <summary>Client-chosen id of an order, echoed in every event about it.</summary>
    [FieldOffset(32)] public long ClientOrderId;
    /// <summary>Client-chosen correlation id of a non-order request, echoed in its response.</summary>
    [FieldOffset(32)] public long RequestId;
    /// <summary>Price, raw (1e-8 USD per unit). ReplaceOrder: 0 keeps the price.</summary>
    [FieldOffset(40)] public long Price;
    /// <summary>AddInstrument: tick size, raw price units.</summary>
    [FieldOffset(40)] public long TickSize;
    /// <summary>AddInstrumentTier: the tier's upper notional bound in money units (inclusive).</summary>
    [FieldOffset(40)] public long NotionalCap;
    /// <summary>Deposit, Withdraw, AdjustIsolatedMargin: amount in 1e-6 units of the asset (money units for USD).</summary>
    [FieldOffset(40)] public long Amount;
    /// <summary>Quantity, raw (1e-8 units). ReplaceOrder: the new open quantity, 0 keeps it.</summary>
    [FieldOffset(48)] public long Quantity;
    /// <summary>AddInstrument: lot size, raw quantity units.</summary>
    [FieldOffset(48)] public long LotSize;
    /// <summary>CancelOrder and ReplaceOrder: the engine-assigned order id.</summary>
    [FieldOffset(56)] public long OrderId;
    /// <summary>AddInstrument: maximum quantity of one order, raw quantity units.</summary>
    [FieldOffset(56)] public long MaxOrderQuantity;
}
