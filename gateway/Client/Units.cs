using Engine.Commands;

namespace Engine.Gateway.Client;

/// <summary>Conversions between human decimals and the wire's fixed-point integers (see <see cref="FixedPoint"/>).</summary>
/// <remarks>
/// Prices and quantities have 8 decimals, money (balances, deposits, fees, margins) 6. A decimal with more decimals than
/// its unit holds is refused rather than rounded. For people and tools, not for the hot path: precompute raw values there.
/// <code>
/// var price = Units.ToRawPrice(100_000.5m);   // 10_000_050_000_000
/// var usd = Units.FromRawMoney(e.Fee);         // 0.25m
/// </code>
/// </remarks>
public static class Units
{
    /// <summary>Decimals of a price.</summary>
    public const int PriceDecimals = 8;

    /// <summary>Decimals of a quantity.</summary>
    public const int QuantityDecimals = 8;

    /// <summary>Decimals of a money amount.</summary>
    public const int MoneyDecimals = 6;

    /// <summary>A price in quote units per unit to its raw value (1e-8).</summary>
    /// <exception cref="ArgumentException">More than 8 decimals, or out of the range of a raw price.</exception>
    public static long ToRawPrice(decimal price) => ToRaw(price, FixedPoint.PriceScale, PriceDecimals, nameof(price));

    /// <summary>A raw price (1e-8) to quote units per unit.</summary>
    public static decimal FromRawPrice(long raw) => raw / (decimal)FixedPoint.PriceScale;

    /// <summary>A quantity in units of the underlying to its raw value (1e-8).</summary>
    /// <exception cref="ArgumentException">More than 8 decimals, or out of the range of a raw quantity.</exception>
    public static long ToRawQuantity(decimal quantity) => ToRaw(quantity, FixedPoint.QuantityScale, QuantityDecimals, nameof(quantity));

    /// <summary>A raw quantity (1e-8) to units of the underlying.</summary>
    public static decimal FromRawQuantity(long raw) => raw / (decimal)FixedPoint.QuantityScale;

    /// <summary>A money amount (USD, or units of a collateral asset) to its raw value (1e-6).</summary>
    /// <exception cref="ArgumentException">More than 6 decimals, or out of the range of a raw amount.</exception>
    public static long ToRawMoney(decimal amount) => ToRaw(amount, FixedPoint.MoneyScale, MoneyDecimals, nameof(amount));

    /// <summary>A raw money amount (1e-6) to USD (or units of the asset).</summary>
    public static decimal FromRawMoney(long raw) => raw / (decimal)FixedPoint.MoneyScale;

    private static long ToRaw(decimal value, long scale, int decimals, string name)
    {
        if (value > long.MaxValue / scale || value < long.MinValue / scale)
            throw new ArgumentOutOfRangeException(name, value, "out of the range of the raw unit");
        var scaled = value * scale;
        if (scaled != decimal.Truncate(scaled))
            throw new ArgumentException($"{value} has more than {decimals} decimals", name);
        return (long)scaled;
    }
}
