namespace Engine.Events;

/// <summary>The kind of an output event.</summary>
/// <remarks>
/// Persisted (event hash, replay verification) and on the wire: explicit values, append-only.
/// Every command yields exactly one response event first (<see cref="Accepted"/>, <see cref="Rejected"/>),
/// then zero or more consequence events (fills, cancels, query rows) that carry the same input sequence.
/// </remarks>
public enum EventType : byte
{
    /// <summary>Not an event.</summary>
    None = 0,

    /// <summary>The command was accepted. For PlaceOrder: the order id; for queries: the number of rows that follow.</summary>
    Accepted = 1,
    /// <summary>The command was refused; <c>Code</c> holds the <see cref="Engine.Commands.RejectCode"/>.</summary>
    Rejected = 2,

    /// <summary>A trade on one side; each trade yields two: taker first, then maker.</summary>
    Fill = 10,
    /// <summary>An order left the book or an incoming order's rest was dropped; <c>Code</c> holds the <see cref="CancelReason"/>.</summary>
    Canceled = 11,
    /// <summary>A replace took effect: new price and new open quantity; <c>Flags</c> says whether priority was kept.</summary>
    Replaced = 12,
    /// <summary>A step of a liquidation; <c>Code</c> holds the <see cref="LiquidationStep"/>.</summary>
    Liquidation = 13,

    /// <summary>Query row: one aggregated price level of a book.</summary>
    BookLevel = 30,
    /// <summary>Query row: one open order of an account.</summary>
    OpenOrder = 31,
    /// <summary>Query row: an account's cross-margin figures.</summary>
    AccountRisk = 32,
    /// <summary>Query row: an account's balance in one asset.</summary>
    Balance = 33,
    /// <summary>Query row: one position of an account (size, entry, mark, PnL, margins).</summary>
    Position = 34,
    /// <summary>Query row: the liquidation figures of the position reported just before.</summary>
    PositionPrices = 35,
}

/// <summary>Which step of a liquidation a <see cref="EventType.Liquidation"/> event reports.</summary>
/// <remarks>Persisted: explicit values, append-only.</remarks>
public enum LiquidationStep : ushort
{
    /// <summary>Not a step.</summary>
    None = 0,
    /// <summary>An isolated position fell to or below maintenance: its liquidation starts.</summary>
    IsolatedStarted = 1,
    /// <summary>A cross account fell to or below maintenance: its liquidation starts.</summary>
    CrossStarted = 2,
    /// <summary>A liquidation order closes (part of) a position at or better than the bankruptcy price through the book.</summary>
    Order = 3,
    /// <summary>The insurance fund took over what the book did not, at the bankruptcy price.</summary>
    Takeover = 4,
    /// <summary>A profitable opposite position was auto-deleveraged at the bankruptcy price.</summary>
    AutoDeleverage = 5,
    /// <summary>Money moved between the position or account and the insurance fund (positive: to the fund).</summary>
    FundTransfer = 6,
    /// <summary>The position or account is healthy again, or closed.</summary>
    Completed = 7,
}

/// <summary>Why an order was canceled.</summary>
/// <remarks>Persisted: explicit values, append-only.</remarks>
public enum CancelReason : ushort
{
    /// <summary>Not a cancel.</summary>
    None = 0,
    /// <summary>The account asked for it (CancelOrder).</summary>
    UserRequest = 1,
    /// <summary>The rest of an IOC or market order that found no more liquidity within its limit.</summary>
    ImmediateOrCancel = 2,
    /// <summary>A fill-or-kill order that could not be filled whole.</summary>
    FillOrKill = 3,
    /// <summary>Self-trade prevention canceled the resting order.</summary>
    SelfTradeResting = 4,
    /// <summary>Self-trade prevention canceled the rest of the incoming order.</summary>
    SelfTradeTaker = 5,
    /// <summary>A mass cancel of the account.</summary>
    MassCancel = 6,
    /// <summary>Canceled by the liquidation process.</summary>
    Liquidation = 7,
    /// <summary>A reduce-only order whose (rest of) quantity would have increased the position.</summary>
    ReduceOnly = 8,
}

/// <summary>Flags on an output event (bit set).</summary>
[Flags]
public enum EventFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>Fill: this side provided liquidity (maker).</summary>
    Maker = 1,
    /// <summary>Fill caused by liquidation (a liquidation order, a takeover or an auto-deleveraging).</summary>
    Liquidation = 2,
    /// <summary>Replaced: the order kept its time priority.</summary>
    PriorityKept = 4,
}
