namespace Engine.Book;

/// <summary>What the book reports while it matches; implemented by the business logic.</summary>
internal interface IMatchObserver
{
    /// <summary>A trade of <paramref name="lots"/> at <paramref name="priceTicks"/>. Both orders' Leaves are already reduced; a fully filled maker is still linked.</summary>
    void OnTrade(int taker, int maker, long priceTicks, long lots);

    /// <summary>A maker left the book; the book has unlinked it.</summary>
    void OnMakerRemoved(int maker, MakerRemoval reason);

    /// <summary>The signed position, in lots, of the account and instrument of <paramref name="order"/>.</summary>
    long PositionLots(int order);
}

/// <summary>Why a maker left the book during a match.</summary>
internal enum MakerRemoval
{
    /// <summary>Fully filled.</summary>
    Filled,
    /// <summary>Canceled by self-trade prevention.</summary>
    SelfTrade,
    /// <summary>A reduce-only maker whose (rest of) quantity would increase its account's position.</summary>
    ReduceOnly,
}

/// <summary>How a match ended.</summary>
internal enum MatchOutcome
{
    /// <summary>The taker is filled or no more liquidity within its limit.</summary>
    Done,
    /// <summary>Self-trade prevention stopped the taker (CancelTaker or CancelBoth).</summary>
    SelfTradeStop,
}
