namespace Engine.Commands;

// All enums here are persisted in commands and events: explicit values, append-only.

/// <summary>Side of an order. Zero is invalid so that an unset field is rejected.</summary>
public enum Side : byte
{
    /// <summary>Buy (bid).</summary>
    Buy = 1,
    /// <summary>Sell (ask).</summary>
    Sell = 2,
}

/// <summary>Order type.</summary>
public enum OrderType : byte
{
    /// <summary>Limit order at a price.</summary>
    Limit = 1,
    /// <summary>Market order: takes liquidity up to the instrument's price band around the reference price; never rests.</summary>
    Market = 2,
}

/// <summary>Time in force.</summary>
public enum TimeInForce : byte
{
    /// <summary>Good till canceled: the unfilled rest goes on the book.</summary>
    GoodTillCancel = 1,
    /// <summary>Immediate or cancel: fill what can be filled now, cancel the rest.</summary>
    ImmediateOrCancel = 2,
    /// <summary>Fill or kill: fill the whole quantity now, or nothing.</summary>
    FillOrKill = 3,
}

/// <summary>Order flags (bit set).</summary>
[Flags]
public enum OrderFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>Post-only: rejected if any part would take liquidity.</summary>
    PostOnly = 1,
    /// <summary>Reduce-only: may only reduce the account's position; never increases it.</summary>
    ReduceOnly = 2,
}

/// <summary>What happens when an order would trade against a resting order of the same account.</summary>
public enum SelfTradeMode : byte
{
    /// <summary>Cancel the resting order and continue matching (the default).</summary>
    CancelResting = 0,
    /// <summary>Cancel the rest of the incoming order.</summary>
    CancelTaker = 1,
    /// <summary>Cancel both the resting order and the rest of the incoming order.</summary>
    CancelBoth = 2,
}

/// <summary>Margin mode of an account on an instrument.</summary>
public enum MarginMode : byte
{
    /// <summary>One collateral pool per account shared by all cross positions.</summary>
    Cross = 0,
    /// <summary>Collateral posted per position; the loss is capped at it.</summary>
    Isolated = 1,
}
