namespace Engine.Gateway.Protocol;

/// <summary>The type byte of a frame (offset 2 of the <see cref="FrameHeader"/>).</summary>
/// <remarks>
/// On the wire: explicit values, append-only, never renumbered (docs/protocol.md lists them and a test keeps the two
/// equal). Ranges: 1-9 session (both directions), 10-59 requests from clients, 60-79 queries, 80-99 system, 100-127 from
/// the server.
/// Request codes equal the engine's <see cref="Engine.Commands.CommandType"/> where one exists, plus 10.
/// </remarks>
public enum MessageType : byte
{
    /// <summary>Client: log in with a key. First frame of every connection.</summary>
    Login = 1,
    /// <summary>Both directions: keep-alive; sent when a side has sent nothing for one heartbeat interval.</summary>
    Heartbeat = 2,
    /// <summary>Client: end the session; the server answers with <see cref="Logout"/> and closes.</summary>
    Logout = 3,

    /// <summary>Client (trader): place a limit or market order.</summary>
    PlaceOrder = 11,
    /// <summary>Client (trader): cancel an open order by its engine order id.</summary>
    CancelOrder = 12,
    /// <summary>Client (trader): change the price and/or open quantity of an open order.</summary>
    ReplaceOrder = 13,
    /// <summary>Client (trader): cancel every open order of an account, or of one instrument.</summary>
    MassCancel = 14,

    /// <summary>Client (price feed): the mark price of an instrument.</summary>
    MarkPrice = 30,
    /// <summary>Client (price feed): the price of a collateral asset.</summary>
    AssetPrice = 31,

    /// <summary>Client (admin): define an instrument.</summary>
    AddInstrument = 50,
    /// <summary>Client (admin): append a maintenance tier to an instrument.</summary>
    AddInstrumentTier = 51,
    /// <summary>Client (admin): define a collateral asset.</summary>
    AddAsset = 52,
    /// <summary>Client (admin): create an account.</summary>
    CreateAccount = 53,
    /// <summary>Client (admin): credit an account.</summary>
    Deposit = 54,
    /// <summary>Client (admin): debit an account.</summary>
    Withdraw = 55,
    /// <summary>Client (trader): set the leverage of an account on an instrument.</summary>
    SetLeverage = 56,
    /// <summary>Client (trader): set isolated or cross margin for an account on an instrument.</summary>
    SetMarginMode = 57,
    /// <summary>Client (trader): add or remove isolated margin of a position.</summary>
    AdjustIsolatedMargin = 58,

    /// <summary>Client (trader): an account's risk, balances, positions and open orders.</summary>
    QueryAccount = 70,
    /// <summary>Client (any role): the aggregated depth of a book.</summary>
    QueryBook = 71,

    /// <summary>Client (admin): take a snapshot; the response carries the state and event hashes.</summary>
    Snapshot = 90,

    /// <summary>Server: the login succeeded.</summary>
    LoginAccepted = 100,
    /// <summary>Server: a frame was refused by the gateway (it never reached the engine), or the connection is closing.</summary>
    Error = 101,
    /// <summary>Server: one engine event (response, fill, cancel, liquidation step, query row).</summary>
    Event = 110,
}
