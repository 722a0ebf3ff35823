namespace Engine.Commands;

/// <summary>The fixed-point scales used by every price, quantity, money amount and rate.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Price: 1e-8 of the settlement asset (USD) per one whole unit of the underlying (8 decimals).</item>
/// <item>Quantity: 1e-8 of one whole unit of the underlying (8 decimals).</item>
/// <item>Money (balances, fees, margins, PnL): 1e-6 of the settlement asset (6 decimals, "micro-USD").</item>
/// <item>Rates (fees, maintenance rates, haircuts): parts per million (1e-6).</item>
/// </list>
/// So the notional of price <c>p</c> and quantity <c>q</c> is <c>p * q / 1e10</c> money units. Inside the
/// engine a price is held in ticks and a quantity in lots; an instrument's tick times lot must be a whole
/// number of money units, so that notional is an exact integer product of ticks, lots and that value.
/// </remarks>
public static class FixedPoint
{
    /// <summary>Raw price units per 1 USD.</summary>
    public const long PriceScale = 100_000_000;

    /// <summary>Raw quantity units per 1 unit of the underlying.</summary>
    public const long QuantityScale = 100_000_000;

    /// <summary>Money units per 1 USD.</summary>
    public const long MoneyScale = 1_000_000;

    /// <summary>Divisor from price × quantity (raw) to money units: 1e8 · 1e8 / 1e6.</summary>
    public const long NotionalDivisor = PriceScale * QuantityScale / MoneyScale;

    /// <summary>Parts per million: the scale of every rate.</summary>
    public const int RateScale = 1_000_000;
}
