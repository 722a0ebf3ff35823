using System.Runtime.CompilerServices;
using Engine.Commands;
using Engine.State;

namespace Engine.Risk;

/// <summary>
/// The margin formulas of the margin model, in fixed point: no floating point, exact integer products,
/// every rounding in the venue's favour (margins round up, equity never rounds up).
/// </summary>
/// <remarks>
/// Money in 1e-6 USD, rates in ppm, prices in raw 1e-8 USD or in ticks as named. A position's value at a
/// mark of <c>m</c> ticks is <c>lots · m · LotTickValue</c> money units exactly.
/// </remarks>
internal static class MarginMath
{
    /// <summary>Products of a notional and a rate stay in 64 bits below this notional (9.2e12 money units).</summary>
    private const long FastNotional = long.MaxValue / FixedPoint.RateScale;

    /// <summary>Index of the maintenance tier for <paramref name="notional"/> (the first whose cap covers it; the last beyond).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Tier(InstrumentTable instruments, int instrument, long notional)
    {
        var count = instruments.TierCount[instrument];
        var at = instrument * InstrumentTable.MaxTiers;
        var caps = instruments.TierCap;
        var t = 0;
        while (t < count - 1 && notional > caps[at + t]) t++;
        return t;
    }

    /// <summary>Maintenance margin <c>N·mmr − cum</c> of a notional, rounded up; never negative.</summary>
    public static long Maintenance(InstrumentTable instruments, int instrument, long notional)
    {
        if (notional == 0) return 0;
        var count = instruments.TierCount[instrument];
        if (count == 0) return RateOf(notional, DefaultMmrPpm(instruments.MaxLeverage[instrument]));
        var at = instrument * InstrumentTable.MaxTiers + Tier(instruments, instrument, notional);
        var mm = RateOf(notional, instruments.TierMmrPpm[at]) - instruments.TierCum[at];
        return mm > 0 ? mm : 0;
    }

    /// <summary>Maintenance rate used when an instrument has no tiers: half the initial margin rate at its maximum leverage.</summary>
    public static int DefaultMmrPpm(int maxLeverage) => FixedPoint.RateScale / (2 * maxLeverage);

    /// <summary><c>ceil(notional · ppm / 1e6)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long RateOf(long notional, int ppm)
    {
        if (notional <= FastNotional) return (notional * ppm + FixedPoint.RateScale - 1) / FixedPoint.RateScale;
        return (long)(((Int128)notional * ppm + FixedPoint.RateScale - 1) / FixedPoint.RateScale);
    }

    /// <summary>Initial margin <c>ceil(notional / leverage)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Initial(long notional, int leverage)
    {
        var q = notional / leverage;
        return q * leverage == notional ? q : q + 1;
    }

    /// <summary>Largest leverage allowed for a notional: the instrument's cap, lowered by the tier's.</summary>
    public static int MaxLeverage(InstrumentTable instruments, int instrument, long notional)
    {
        var max = instruments.MaxLeverage[instrument];
        if (instruments.TierCount[instrument] == 0) return max;
        var tierMax = instruments.TierMaxLeverage[instrument * InstrumentTable.MaxTiers + Tier(instruments, instrument, notional)];
        return tierMax < max ? tierMax : max;
    }

    /// <summary>Ceiling division for a positive divisor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -(-a / b);

    /// <summary>Floor division for a positive divisor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    /// <summary>
    /// The mark (raw price) at which a position's margin balance equals its maintenance margin, maintenance
    /// recomputed at that mark with its tier: solves <c>B + q·P − C = |q|·P·mmr − cum</c> for P, where
    /// <c>B</c> is the margin backing the position (isolated margin, or for cross the account's equity
    /// excluding this position's PnL and net of the other positions' maintenance), <c>C</c> the signed
    /// entry cost and <c>q</c> the signed size. Returns 0 when no positive price liquidates the position.
    /// </summary>
    /// <remarks>
    /// With q in lots and prices in ticks, q·P money = lots·P·LotTickValue. Per tier t:
    /// <c>P = (C − B − cum_t) / (q·v − |q|·v·mmr_t)</c> (v = LotTickValue). The answer is the tier whose
    /// notional range contains |q|·P·v; Binance's closed form, evaluated exactly in Int128.
    /// </remarks>
    public static long LiquidationPrice(InstrumentTable instruments, int instrument, long lots, long cost, long backing)
    {
        if (lots == 0) return 0;
        var v = instruments.LotTickValue[instrument];
        var tick = instruments.TickSize[instrument];
        var count = instruments.TierCount[instrument];
        var absLots = lots < 0 ? -lots : lots;
        var tiers = count == 0 ? 1 : count;
        long fallback = 0;
        for (var t = 0; t < tiers; t++)
        {
            int mmr;
            long cum;
            long lowCap;
            long highCap;
            if (count == 0)
            {
                mmr = DefaultMmrPpm(instruments.MaxLeverage[instrument]);
                cum = 0;
                lowCap = 0;
                highCap = long.MaxValue;
            }
            else
            {
                var at = instrument * InstrumentTable.MaxTiers + t;
                mmr = instruments.TierMmrPpm[at];
                cum = instruments.TierCum[at];
                lowCap = t == 0 ? 0 : instruments.TierCap[at - 1];
                highCap = t == count - 1 ? long.MaxValue : instruments.TierCap[at];
            }
            // raw price P = (C − B − cum) · 1e6 · tick / (v · (q·1e6 − |q|·mmr))
            var numerator = ((Int128)cost - backing - cum) * FixedPoint.RateScale * tick;
            var denominator = (Int128)v * ((Int128)lots * FixedPoint.RateScale - (Int128)absLots * mmr);
            if (denominator == 0) continue;
            // long: the price below which equity is short of maintenance, rounded up (liquidate no later);
            // short: rounded down
            var price = lots > 0 ? CeilDiv128(numerator, denominator) : FloorDiv128(numerator, denominator);
            if (price <= 0) continue;
            var notional = (Int128)absLots * price * v / tick;
            var clamped = price > long.MaxValue ? long.MaxValue : (long)price; // beyond 63 bits: "never", as a price
            if (notional > lowCap && notional <= highCap) return clamped;
            if (fallback == 0) fallback = clamped; // rounding put it just across a tier edge
        }
        return fallback;
    }

    /// <summary>The mark (raw price) at which a position's margin balance is zero: <c>P = (C − B) / q</c>.</summary>
    public static long BankruptcyPrice(InstrumentTable instruments, int instrument, long lots, long cost, long backing)
    {
        if (lots == 0) return 0;
        var v = instruments.LotTickValue[instrument];
        var tick = instruments.TickSize[instrument];
        var numerator = ((Int128)cost - backing) * tick;
        var denominator = (Int128)lots * v;
        var price = lots > 0 ? CeilDiv128(numerator, denominator) : FloorDiv128(numerator, denominator);
        return price <= 0 ? 0 : price > long.MaxValue ? long.MaxValue : (long)price;
    }

    private static Int128 FloorDiv128(Int128 a, Int128 b)
    {
        if (b < 0)
        {
            a = -a;
            b = -b;
        }
        var q = a / b;
        return a % b != 0 && a < 0 ? q - 1 : q;
    }

    private static Int128 CeilDiv128(Int128 a, Int128 b)
    {
        if (b < 0)
        {
            a = -a;
            b = -b;
        }
        var q = a / b;
        return a % b != 0 && a > 0 ? q + 1 : q;
    }
}
