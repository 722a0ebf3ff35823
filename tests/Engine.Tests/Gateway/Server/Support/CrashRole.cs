namespace Engine.Tests.Gateway.Server.Support;

/// <summary>What a trader of the TCP crash test sends. The price ranges never overlap, so only the taker's IOC orders
/// ever trade, and only against the maker: every other order rests until its owner cancels it.</summary>
/// <remarks>
/// <code>
///  97,500 .. 98,500   RestingBuyer's bids        (rest; 40 % of its requests cancel one)
///  99,000 .. 99,500   Taker's resting bids       (rest; some are canceled)
///  99,950             Taker's IOC sells (odd runs): reach only the maker's bids
///  99,970 .. 99,990   Maker's bids
/// 100,000 .. 100,020  Maker's asks
/// 100,050             Taker's IOC buys (even runs): reach only the maker's asks
/// 101,500 .. 102,500  RestingSeller's asks       (rest; 40 % of its requests cancel one)
/// </code>
/// Everything lies inside the BTC-PERP band (5 % around the 100,000 mark) and inside one price ladder window.
/// </remarks>
public enum CrashRole
{
    /// <summary>GTC bids far below every offer, and cancels of them.</summary>
    RestingBuyer,

    /// <summary>GTC asks far above every bid, and cancels of them.</summary>
    RestingSeller,

    /// <summary>GTC quotes on both sides of 100,000, reached only by the taker.</summary>
    Maker,

    /// <summary>IOC orders against the maker (buying in even runs, selling in odd runs), GTC bids far below, and cancels of them.</summary>
    Taker,
}
