using System.Runtime.InteropServices;
using Engine.Commands;

namespace Engine.Events;

/// <summary>One output event: the entry of the output ring, hashed into the running event hash.</summary>
/// <remarks>
/// Fixed 96 bytes, blittable. Field use per <see cref="EventType"/> is in docs/protocol.md (the wire carries these 96 bytes as they are).
/// <code>
///  offset  size  field
///   0      1     Type            EventType
///   1      1     Side            Side of the order (fills, cancels, book levels)
///   2      2     Code            RejectCode (Rejected) | CancelReason (Canceled)
///   4      1     Flags           EventFlags
///   5      1     CommandType     the input command that caused the event
///   6      2     (reserved, zero)
///   8      4     SessionId       responses and query rows: the requesting session; order events: the order's session; 0 = none
///  12      4     AccountId
///  16      8     InputSequence   ring sequence of the command that caused the event
///  24      4     InstrumentId
///  28      4     Count           Accepted query: rows that follow; BookLevel: orders at the level
///  32      8     ClientOrderId   | RequestId
///  40      8     Price           raw price (fill price, order price, level price)
///  48      8     Quantity        fill quantity | order quantity | level quantity (raw)
///  56      8     OrderId
///  64      8     LeavesQuantity  open quantity after the event (raw)
///  72      8     Fee             money units charged (negative: rebate)
///  80      8     MatchId         trade id shared by the two fills of one trade
///  88      8     Time            receive time of the causing command (ns since the Unix epoch)
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct OutputEvent
{
    /// <summary>Size in bytes; frozen by a test.</summary>
    public const int Size = 96;

    /// <summary>Event kind.</summary>
    [FieldOffset(0)] public EventType Type;
    /// <summary>Side of the order concerned.</summary>
    [FieldOffset(1)] public Side Side;
    /// <summary>Reject code or cancel reason.</summary>
    [FieldOffset(2)] public ushort Code;
    /// <summary>Flags.</summary>
    [FieldOffset(4)] public EventFlags Flags;
    /// <summary>Type of the input command that caused this event.</summary>
    [FieldOffset(5)] public CommandType CommandType;
    /// <summary>Session of the owner of the order or account concerned.</summary>
    [FieldOffset(8)] public int SessionId;
    /// <summary>Account concerned.</summary>
    [FieldOffset(12)] public int AccountId;
    /// <summary>Ring sequence of the causing input command.</summary>
    [FieldOffset(16)] public long InputSequence;
    /// <summary>Instrument concerned.</summary>
    [FieldOffset(24)] public int InstrumentId;
    /// <summary>Row count (Accepted query) or order count (BookLevel).</summary>
    [FieldOffset(28)] public int Count;
    /// <summary>Client order id or request id.</summary>
    [FieldOffset(32)] public long ClientOrderId;
    /// <summary>Raw price.</summary>
    [FieldOffset(40)] public long Price;
    /// <summary>Raw quantity.</summary>
    [FieldOffset(48)] public long Quantity;
    /// <summary>Engine order id.</summary>
    [FieldOffset(56)] public long OrderId;
    /// <summary>Open quantity after the event, raw.</summary>
    [FieldOffset(64)] public long LeavesQuantity;
    /// <summary>Fee in money units.</summary>
    [FieldOffset(72)] public long Fee;
    /// <summary>Trade id.</summary>
    [FieldOffset(80)] public long MatchId;
    /// <summary>Receive time of the causing command.</summary>
    [FieldOffset(88)] public long Time;

    // Aliases for risk rows and liquidation events (same bytes, named for their meaning; see docs/protocol.md).

    /// <summary>AccountRisk: cross equity (collateral + cross unrealized PnL), money. Position: entry price, raw.</summary>
    [FieldOffset(40)] public long Equity;
    /// <summary>AccountRisk: collateral value, money. Balance: balance, 1e-6 of the asset.</summary>
    [FieldOffset(48)] public long Collateral;
    /// <summary>AccountRisk: margin reserved by open orders, money. Position: mark price (raw).</summary>
    [FieldOffset(56)] public long OrderMargin;
    /// <summary>AccountRisk: available for orders, money. Position: unrealized PnL, money. PositionPrices: isolated margin.</summary>
    [FieldOffset(64)] public long Available;
    /// <summary>AccountRisk and Position: maintenance margin, money. Liquidation: maintenance margin, or the amount moved for FundTransfer, money.</summary>
    [FieldOffset(72)] public long Maintenance;
    /// <summary>AccountRisk and Position: initial margin, money.</summary>
    [FieldOffset(80)] public long InitialMargin;

    /// <summary>The reject code of a <see cref="EventType.Rejected"/> event.</summary>
    public readonly RejectCode RejectCode => (RejectCode)Code;

    /// <summary>The reason of a <see cref="EventType.Canceled"/> event.</summary>
    public readonly CancelReason CancelReason => (CancelReason)Code;

    /// <summary>The step of a <see cref="EventType.Liquidation"/> event.</summary>
    public readonly LiquidationStep LiquidationStep => (LiquidationStep)Code;
}
