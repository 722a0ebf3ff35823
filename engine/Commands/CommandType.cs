namespace Engine.Commands;

/// <summary>The kind of an input command; the first byte of every ring entry and journal record.</summary>
/// <remarks>
/// Persisted (journal) and on the wire: values are explicit and append-only; never renumber.
/// Ranges: 1-19 trading, 20-29 prices, 40-59 admin, 60-79 queries, 80-99 system.
/// </remarks>
public enum CommandType : byte
{
    /// <summary>Not a command; an empty ring slot.</summary>
    None = 0,

    /// <summary>Place a limit or market order.</summary>
    PlaceOrder = 1,
    /// <summary>Cancel one open order by order id.</summary>
    CancelOrder = 2,
    /// <summary>Change the price and/or the open quantity of an open order.</summary>
    ReplaceOrder = 3,
    /// <summary>Cancel every open order of an account, optionally only in one instrument.</summary>
    MassCancel = 4,

    /// <summary>Mark price of an instrument.</summary>
    MarkPrice = 20,
    /// <summary>Price of a collateral asset in the settlement asset.</summary>
    AssetPrice = 21,

    /// <summary>Admin: define an instrument (tick, lot, fees, band, leverage cap).</summary>
    AddInstrument = 40,
    /// <summary>Admin: append a maintenance tier to an instrument.</summary>
    AddInstrumentTier = 41,
    /// <summary>Admin: define a collateral asset with a haircut and a price.</summary>
    AddAsset = 42,
    /// <summary>Admin: create an account.</summary>
    CreateAccount = 43,
    /// <summary>Admin: credit an account's balance in an asset.</summary>
    Deposit = 44,
    /// <summary>Admin: debit an account's balance in an asset.</summary>
    Withdraw = 45,
    /// <summary>Admin: choose an account's leverage on an instrument.</summary>
    SetLeverage = 46,
    /// <summary>Admin: choose isolated or cross margin for an account on an instrument.</summary>
    SetMarginMode = 47,
    /// <summary>Admin: add (positive amount) or remove (negative) isolated margin of a position.</summary>
    AdjustIsolatedMargin = 48,

    /// <summary>Query: an account's balances, open orders and positions.</summary>
    QueryAccount = 60,
    /// <summary>Query: the aggregated depth of an instrument's book.</summary>
    QueryBook = 61,

    /// <summary>System: take a snapshot of the whole state at this sequence.</summary>
    Snapshot = 80,
}
