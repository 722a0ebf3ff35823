namespace Engine.Commands;

/// <summary>Why a command was refused. One enum for the whole system, numbered by subsystem.</summary>
/// <remarks>
/// Persisted and on the wire: explicit values, append-only.
/// Ranges: 1xx protocol and session, 2xx risk and margin, 3xx orders and matching,
/// 4xx accounts, instruments and admin, 9xx gateway-only.
/// </remarks>
public enum RejectCode : ushort
{
    /// <summary>Not a rejection.</summary>
    None = 0,

    // 1xx protocol and session
    /// <summary>The command type is not known.</summary>
    UnknownCommand = 100,
    /// <summary>A field holds a value outside its domain (an enum out of range, for example).</summary>
    InvalidField = 101,
    /// <summary>The session is not logged in.</summary>
    NotLoggedIn = 102,
    /// <summary>The session's role or account grants do not allow this command.</summary>
    NotAuthorized = 103,

    // 2xx risk and margin
    /// <summary>Available margin would fall below zero.</summary>
    InsufficientMargin = 200,
    /// <summary>A reduce-only order would open or increase a position.</summary>
    ReduceOnlyWouldIncrease = 201,
    /// <summary>Leverage is zero or above the instrument's or tier's maximum.</summary>
    LeverageOutOfRange = 202,
    /// <summary>Mode or leverage change refused: the account has a position or open orders on the instrument.</summary>
    PositionOrOrdersOpen = 203,
    /// <summary>The balance does not cover the withdrawal.</summary>
    InsufficientBalance = 204,
    /// <summary>The isolated margin removal exceeds what may leave the position.</summary>
    IsolatedMarginRemovalTooLarge = 205,
    /// <summary>There is no isolated position to adjust.</summary>
    NoIsolatedPosition = 206,
    /// <summary>An amount is zero, negative where it must be positive, or too large.</summary>
    InvalidAmount = 207,

    // 3xx orders and matching
    /// <summary>The instrument does not exist.</summary>
    UnknownInstrument = 300,
    /// <summary>The order does not exist or is no longer open.</summary>
    UnknownOrder = 301,
    /// <summary>The order belongs to another account.</summary>
    NotOrderOwner = 302,
    /// <summary>The price is not a multiple of the instrument's tick size.</summary>
    PriceOffTick = 303,
    /// <summary>The price is outside the instrument's band around its reference price, or outside the book's range.</summary>
    PriceOutsideBand = 304,
    /// <summary>The quantity is zero or negative.</summary>
    QuantityNotPositive = 305,
    /// <summary>The quantity is not a multiple of the instrument's lot size.</summary>
    QuantityOffLot = 306,
    /// <summary>The quantity exceeds the instrument's maximum order quantity.</summary>
    QuantityTooLarge = 307,
    /// <summary>A post-only order would take liquidity.</summary>
    PostOnlyWouldTake = 308,
    /// <summary>The order type is not known.</summary>
    InvalidOrderType = 309,
    /// <summary>The side is not known.</summary>
    InvalidSide = 310,
    /// <summary>The time in force is not known, or not allowed with this order type.</summary>
    InvalidTimeInForce = 311,
    /// <summary>A market order needs a reference price (a mark or a last trade) and there is none.</summary>
    NoReferencePrice = 312,
    /// <summary>The combination of flags is not allowed (post-only with a market order or with IOC/FOK).</summary>
    InvalidFlags = 313,
    /// <summary>The price is zero or negative.</summary>
    PriceNotPositive = 314,
    /// <summary>A replace changes nothing (same price and same quantity), or names neither.</summary>
    NothingToReplace = 315,
    /// <summary>The self-trade mode is not known.</summary>
    InvalidSelfTradeMode = 316,
    /// <summary>The engine has reached its configured maximum number of open orders.</summary>
    OrderCapacityExceeded = 317,
    /// <summary>The price is above the largest the engine accepts (1e9 USD per unit).</summary>
    PriceTooLarge = 318,

    // 4xx accounts, instruments, assets and admin
    /// <summary>The account does not exist.</summary>
    UnknownAccount = 400,
    /// <summary>The account already exists.</summary>
    AccountExists = 401,
    /// <summary>The instrument already exists.</summary>
    InstrumentExists = 402,
    /// <summary>The instrument definition is invalid (tick, lot, fees, band, leverage or book size).</summary>
    InvalidInstrumentSpec = 403,
    /// <summary>The asset does not exist.</summary>
    UnknownAsset = 404,
    /// <summary>The asset already exists.</summary>
    AssetExists = 405,
    /// <summary>An id is outside the configured capacity (accounts, instruments or assets).</summary>
    IdOutOfRange = 406,
    /// <summary>The maintenance tier is invalid (cap not increasing, rate out of range, leverage not decreasing).</summary>
    InvalidTier = 407,
    /// <summary>The asset definition is invalid (haircut or price out of range).</summary>
    InvalidAssetSpec = 408,

    // 9xx gateway-only
    /// <summary>The frame could not be decoded.</summary>
    MalformedFrame = 900,
    /// <summary>The protocol version is not supported.</summary>
    UnsupportedVersion = 901,
    /// <summary>The engine is not accepting commands (stopping, or the journal failed).</summary>
    Unavailable = 902,
}
