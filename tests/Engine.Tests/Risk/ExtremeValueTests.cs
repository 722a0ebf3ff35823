using System.Numerics;
using CsCheck;
using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Engine.Risk;
using Engine.State;
using Engine.Tests.Support;

namespace Engine.Tests.Risk;

/// <summary>
/// The largest values the engine accepts, driven through every risk formula: orders at the maximum order notional
/// (<see cref="ExchangeLogic.MaxOrderNotional"/>, 1e11 USD) and the maximum quantity, fills, marks ten times away
/// in both directions, account queries, liquidation through the book, the insurance fund and ADL; and the values
/// just beyond each limit, refused with their code. Every engine invariant is checked after every command.
/// </summary>
public class ExtremeValueTests
{
    // An instrument with coarse units: tick 100 USD, lot 100 units, so one lot moving one tick is 10,000 USD (1e10 money units).
    private const int Big = 1;
    private const long BigTick = 10_000_000_000;
    private const long BigLot = 10_000_000_000;
    private const long BigLotTickValue = 10_000_000_000; // BigTick · BigLot / 1e10 (checked in AddBigInstrument)
    private const long EntryTicks = 1_000; // 100,000 USD a unit
    private const long MaxLots = ExchangeLogic.MaxOrderNotional / (EntryTicks * BigLotTickValue); // 10,000 lots: 1e11 USD at the entry
    private const long MaxOrderLots = 2 * MaxLots;

    /// <summary>The largest balance a deposit may reach (the engine keeps a factor of four of headroom).</summary>
    private const long MaxBalance = long.MaxValue / 4;

    // tiers of the big instrument: (cap money, mmr ppm, max leverage)
    private static readonly (long Cap, int Mmr, ushort Leverage)[] _bigTiers =
    [
        (1_000_000_000_000_000, 5_000, 100),
        (100_000_000_000_000_000, 10_000, 50),
        (long.MaxValue, 50_000, 10),
    ];

    private static LogicHarness NewHarness() =>
        new(new EngineConfig { InitialOrders = 1024, InitialAccounts = 64 }, checkInvariants: true);

    private static void AddBigInstrument(LogicHarness h)
    {
        h.Expect(Cmd.AddInstrument(Big, BigTick, BigLot, MaxOrderLots * BigLot, makerFeePpm: 100, takerFeePpm: 500, bandBps: 10_000,
            maxLeverage: 100, ladderLog2: 12), EventType.Accepted);
        for (var t = 0; t < _bigTiers.Length; t++)
            h.Expect(Cmd.AddTier(Big, (byte)t, _bigTiers[t].Cap, _bigTiers[t].Mmr, _bigTiers[t].Leverage), EventType.Accepted);
        Assert.That(h.Logic.Instruments.LotTickValue[Big], Is.EqualTo(BigLotTickValue));
    }

    private static long Px(long ticks) => ticks * BigTick;

    private static long Qty(long lots) => lots * BigLot;

    /// <summary>Exact maintenance of the big instrument's tiers: ceil(N·mmr/1e6) − cum, never negative.</summary>
    private static BigInteger ExactMaintenance(BigInteger notional)
    {
        if (notional == 0) return 0;
        BigInteger cum = 0;
        for (var t = 0; t < _bigTiers.Length; t++)
        {
            if (t > 0) cum += (BigInteger)_bigTiers[t - 1].Cap * (_bigTiers[t].Mmr - _bigTiers[t - 1].Mmr) / FixedPoint.RateScale;
            if (notional <= _bigTiers[t].Cap || t == _bigTiers.Length - 1)
            {
                var mm = (notional * _bigTiers[t].Mmr + FixedPoint.RateScale - 1) / FixedPoint.RateScale - cum;
                return mm > 0 ? mm : 0;
            }
        }
        throw new InvalidOperationException();
    }

    /// <summary>The position and prices rows of <paramref name="account"/>'s position in <paramref name="instrument"/>.</summary>
    private static (OutputEvent Position, OutputEvent Prices, OutputEvent Risk) QueryPosition(LogicHarness h, int account, int instrument)
    {
        var rows = h.Expect(Cmd.QueryAccount(account), EventType.Accepted);
        Assert.That(rows[0].Count, Is.EqualTo(rows.Count - 1), "rows announced");
        var at = rows.FindIndex(e => e.Type == EventType.Position && e.InstrumentId == instrument);
        Assert.That(at, Is.GreaterThan(0), $"account {account} has a position in {instrument}");
        return (rows[at], rows[at + 1], rows[1]);
    }

    /// <summary>Checks a big-instrument position row against an exact recomputation at <paramref name="markTicks"/>.</summary>
    private static void AssertPositionRow(LogicHarness h, int account, long signedLots, long entryTicks, long markTicks, int leverage)
    {
        var (row, prices, _) = QueryPosition(h, account, Big);
        var notional = (BigInteger)Math.Abs(signedLots) * markTicks * BigLotTickValue;
        Assert.Multiple(() =>
        {
            Assert.That(row.Side, Is.EqualTo(signedLots > 0 ? Side.Buy : Side.Sell), "side");
            Assert.That(row.Quantity, Is.EqualTo(Qty(Math.Abs(signedLots))), "quantity");
            Assert.That(row.Equity, Is.EqualTo(Px(entryTicks)), "entry price");
            Assert.That((BigInteger)row.Available, Is.EqualTo((BigInteger)signedLots * (markTicks - entryTicks) * BigLotTickValue), "unrealized PnL");
            Assert.That((BigInteger)row.Maintenance, Is.EqualTo(ExactMaintenance(notional)), "maintenance");
            Assert.That((BigInteger)row.InitialMargin, Is.EqualTo((notional + leverage - 1) / leverage), "initial margin");
            Assert.That(prices.Price, Is.GreaterThanOrEqualTo(0), "liquidation price");
            Assert.That(prices.Quantity, Is.GreaterThanOrEqualTo(0), "bankruptcy price");
            if (signedLots > 0) Assert.That(prices.Price, Is.LessThan(Px(markTicks)), "a healthy long is liquidated below the mark");
            else Assert.That(prices.Price, Is.GreaterThan(Px(markTicks)), "a healthy short is liquidated above the mark");
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ShouldTradeRevalueAndLiquidateMaximumNotionalPositionsWhenMarksMoveTenfold(bool fundedInsurance)
    {
        var h = NewHarness();
        AddBigInstrument(h);
        h.Expect(Cmd.MarkPrice(Big, Px(EntryTicks)), EventType.Accepted);
        if (fundedInsurance) h.Expect(Cmd.Deposit(ExchangeLogic.InsuranceAccount, 0, MaxBalance), EventType.Accepted);
        // 1: isolated long at 50x; 2: cross short with the largest balance; 3: liquidity; 4: cross long at 50x with little collateral
        var deposits = new[] { 0, 100_000_000_000_000_000, MaxBalance, 100_000_000_000_000_000, 3_000_000_000_000_000 };
        for (var a = 1; a <= 4; a++)
        {
            h.Expect(Cmd.CreateAccount(a), EventType.Accepted);
            h.Expect(Cmd.Deposit(a, 0, deposits[a]), EventType.Accepted);
        }
        h.Expect(Cmd.SetMarginMode(1, Big, MarginMode.Isolated), EventType.Accepted);
        h.Expect(Cmd.SetLeverage(1, Big, 50), EventType.Accepted);
        h.Expect(Cmd.SetLeverage(2, Big, 10), EventType.Accepted);
        h.Expect(Cmd.SetLeverage(4, Big, 50), EventType.Accepted);

        // the largest order notional, exactly, rests and trades; one lot more is refused
        h.ExpectReject(Cmd.Limit(2, Big, Side.Sell, Px(EntryTicks), Qty(MaxLots + 1)), RejectCode.QuantityTooLarge);
        h.Expect(Cmd.Limit(2, Big, Side.Sell, Px(EntryTicks), Qty(MaxLots)), EventType.Accepted);
        var fill = h.Expect(Cmd.Limit(1, Big, Side.Buy, Px(EntryTicks), Qty(MaxLots)), EventType.Accepted);
        Assert.That(fill.FindAll(e => e.Type == EventType.Fill), Has.Count.EqualTo(2), "one trade of the largest notional");
        Assert.That(fill.Find(e => e.Type == EventType.Fill).Fee, Is.EqualTo(ExchangeLogic.MaxOrderNotional / 2_000), "taker fee 500 ppm of 1e17");
        h.Expect(Cmd.Limit(2, Big, Side.Sell, Px(EntryTicks), Qty(MaxLots)), EventType.Accepted);
        h.Expect(Cmd.Limit(4, Big, Side.Buy, Px(EntryTicks), Qty(MaxLots)), EventType.Accepted);
        // the largest quantity at a price where its notional is small; one lot more is refused
        h.Expect(Cmd.Limit(3, Big, Side.Buy, Px(1), Qty(MaxOrderLots), tif: TimeInForce.ImmediateOrCancel), EventType.Accepted);
        h.ExpectReject(Cmd.Limit(3, Big, Side.Buy, Px(1), Qty(MaxOrderLots + 1), tif: TimeInForce.ImmediateOrCancel), RejectCode.QuantityTooLarge);

        AssertPositionRow(h, 1, MaxLots, EntryTicks, EntryTicks, 50);
        AssertPositionRow(h, 2, -2 * MaxLots, EntryTicks, EntryTicks, 10);
        AssertPositionRow(h, 4, MaxLots, EntryTicks, EntryTicks, 50);

        // liquidity just above the isolated long's bankruptcy price (980 ticks)
        h.Expect(Cmd.Limit(3, Big, Side.Buy, Px(990), Qty(MaxLots / 2)), EventType.Accepted);

        // ten times up: 1e18 notional per long, 2e18 short; the short loses 1.8e18 and stays above maintenance
        var up = h.Expect(Cmd.MarkPrice(Big, Px(10 * EntryTicks)), EventType.Accepted);
        Assert.That(up.FindAll(e => e.Type == EventType.Liquidation), Is.Empty, "no one is liquidated ten times up");
        AssertPositionRow(h, 1, MaxLots, EntryTicks, 10 * EntryTicks, 50);
        AssertPositionRow(h, 2, -2 * MaxLots, EntryTicks, 10 * EntryTicks, 10);
        AssertPositionRow(h, 4, MaxLots, EntryTicks, 10 * EntryTicks, 50);

        h.Expect(Cmd.MarkPrice(Big, Px(EntryTicks)), EventType.Accepted);

        // ten times down: both longs are far below bankruptcy
        var down = h.Expect(Cmd.MarkPrice(Big, Px(EntryTicks / 10)), EventType.Accepted);
        var steps = down.FindAll(e => e.Type == EventType.Liquidation);
        Assert.Multiple(() =>
        {
            Assert.That(steps.Exists(e => e.LiquidationStep == LiquidationStep.IsolatedStarted && e.AccountId == 1), "isolated long liquidated");
            Assert.That(steps.Exists(e => e.LiquidationStep == LiquidationStep.CrossStarted && e.AccountId == 4), "cross long liquidated");
            Assert.That(down.Exists(e => e.Type == EventType.Fill && e.AccountId == 3 && e.Price == Px(990)), "the book took part at 990");
            Assert.That(steps.Exists(e => e.LiquidationStep == (fundedInsurance ? LiquidationStep.Takeover : LiquidationStep.AutoDeleverage)),
                fundedInsurance ? "the fund took the rest over" : "the rest was auto-deleveraged");
            Assert.That(steps.FindAll(e => e.LiquidationStep == LiquidationStep.Order).TrueForAll(e => e.Price > 0), "liquidation limits are prices");
        });
        for (var a = 0; a <= 4; a++) h.Expect(Cmd.QueryAccount(a), EventType.Accepted);
        Assert.That(h.Logic.Positions.Lots[h.Logic.Positions.Find(1, Big)], Is.Zero, "isolated long closed");
        Assert.That(h.Logic.Positions.Lots[h.Logic.Positions.Find(4, Big)], Is.Zero, "cross long closed");

        // what is left (the short, the fund's or the liquidity's longs) through the marks again
        foreach (var mark in new[] { EntryTicks, 10 * EntryTicks, EntryTicks / 10, EntryTicks })
        {
            h.Expect(Cmd.MarkPrice(Big, Px(mark)), EventType.Accepted);
            for (var a = 0; a <= 4; a++) h.Expect(Cmd.QueryAccount(a), EventType.Accepted);
        }
    }

    [Test]
    public void ShouldTradeAndLiquidateAnInstrumentWhoseOneLotAtOneTickIsTheMaximumNotional()
    {
        // tick 100,000 USD and lot 1e6 units: one lot at one tick is 1e11 USD, the most one order may carry, so the
        // coarsest instrument on which any order can be placed
        const int instrument = 2;
        const long tick = 10_000_000_000_000;
        const long lot = 100_000_000_000_000;
        var h = NewHarness();
        h.Expect(Cmd.AddInstrument(instrument, tick, lot, 10 * lot, makerFeePpm: 0, takerFeePpm: 0, bandBps: 10_000, maxLeverage: 10, ladderLog2: 6),
            EventType.Accepted);
        Assert.That(h.Logic.Instruments.LotTickValue[instrument], Is.EqualTo(ExchangeLogic.MaxOrderNotional));
        h.Expect(Cmd.MarkPrice(instrument, tick), EventType.Accepted);
        h.Expect(Cmd.Deposit(ExchangeLogic.InsuranceAccount, 0, MaxBalance), EventType.Accepted);
        for (var a = 1; a <= 2; a++)
        {
            h.Expect(Cmd.CreateAccount(a), EventType.Accepted);
            h.Expect(Cmd.Deposit(a, 0, 20_000_000_000_000_000), EventType.Accepted); // 2e10 USD, for 1e10 of initial margin at 10x
            h.Expect(Cmd.SetLeverage(a, instrument, 10), EventType.Accepted);
        }
        h.ExpectReject(Cmd.Limit(2, instrument, Side.Sell, 2 * tick, lot), RejectCode.QuantityTooLarge);
        h.ExpectReject(Cmd.Limit(2, instrument, Side.Sell, tick, 2 * lot), RejectCode.QuantityTooLarge);
        h.Expect(Cmd.Limit(2, instrument, Side.Sell, tick, lot), EventType.Accepted);
        h.Expect(Cmd.Limit(1, instrument, Side.Buy, tick, lot), EventType.Accepted);
        h.Expect(Cmd.QueryAccount(1), EventType.Accepted);
        h.Expect(Cmd.QueryAccount(2), EventType.Accepted);

        // ten times up: the short (2e10 USD of collateral against a 9e11 USD loss) is liquidated; no book, so the fund takes it
        var up = h.Expect(Cmd.MarkPrice(instrument, 10 * tick), EventType.Accepted);
        Assert.That(up.Exists(e => e.Type == EventType.Liquidation && e.LiquidationStep == LiquidationStep.CrossStarted && e.AccountId == 2));
        Assert.That(up.Exists(e => e.Type == EventType.Liquidation && e.LiquidationStep == LiquidationStep.Takeover));
        Assert.That(h.Logic.Positions.Lots[h.Logic.Positions.Find(2, instrument)], Is.Zero);
        for (var a = 0; a <= 2; a++) h.Expect(Cmd.QueryAccount(a), EventType.Accepted);
        h.Expect(Cmd.MarkPrice(instrument, tick), EventType.Accepted);
        for (var a = 0; a <= 2; a++) h.Expect(Cmd.QueryAccount(a), EventType.Accepted);
    }

    [Test]
    public void ShouldRejectOrdersAndReplacesBeyondTheNotionalAndQuantityLimits()
    {
        var h = NewHarness();
        AddBigInstrument(h);
        h.Expect(Cmd.AddInstrument(3, BigTick, BigLot, long.MaxValue, 0, 0, 10_000, 100, 12), EventType.Accepted); // no quantity limit
        h.Expect(Cmd.MarkPrice(Big, Px(EntryTicks)), EventType.Accepted);
        h.Expect(Cmd.MarkPrice(3, Px(EntryTicks)), EventType.Accepted);
        h.Expect(Cmd.CreateAccount(1), EventType.Accepted);
        h.Expect(Cmd.Deposit(1, 0, MaxBalance), EventType.Accepted);

        // notional: exactly the maximum rests; a lot or a tick more is refused, whichever way it is asked
        var id = h.Expect(Cmd.Limit(1, Big, Side.Buy, Px(EntryTicks), Qty(MaxLots)), EventType.Accepted)[0].OrderId;
        h.ExpectReject(Cmd.Limit(1, Big, Side.Buy, Px(EntryTicks), Qty(MaxLots + 1)), RejectCode.QuantityTooLarge);
        h.ExpectReject(Cmd.Limit(1, Big, Side.Buy, Px(EntryTicks + 1), Qty(MaxLots)), RejectCode.QuantityTooLarge);
        h.ExpectReject(Cmd.Replace(1, id, Px(EntryTicks + 1), 0), RejectCode.QuantityTooLarge);
        h.ExpectReject(Cmd.Replace(1, id, 0, Qty(MaxLots + 1)), RejectCode.QuantityTooLarge);
        h.Expect(Cmd.Replace(1, id, Px(EntryTicks / 2), Qty(MaxOrderLots)), EventType.Accepted);
        // a market order is limited at the band's edge (twice the mark here): half the lots fit
        h.ExpectReject(Cmd.Market(1, Big, Side.Buy, Qty(MaxLots)), RejectCode.QuantityTooLarge);
        h.Expect(Cmd.Market(1, Big, Side.Buy, Qty(MaxLots / 2)), EventType.Accepted);
        // quantity: the instrument's maximum, then one lot more
        h.ExpectReject(Cmd.Limit(1, Big, Side.Buy, Px(1), Qty(MaxOrderLots + 1)), RejectCode.QuantityTooLarge);
        h.ExpectReject(Cmd.Replace(1, id, 0, Qty(MaxOrderLots + 1)), RejectCode.QuantityTooLarge);
        // no quantity limit: the largest quantity the command can carry is refused by its notional, not by an overflow
        h.ExpectReject(Cmd.Limit(1, 3, Side.Buy, Px(1), long.MaxValue / BigLot * BigLot), RejectCode.QuantityTooLarge);
        h.ExpectReject(Cmd.Limit(1, 3, Side.Buy, long.MaxValue / BigTick * BigTick, BigLot), RejectCode.PriceOutsideBand);
        h.ExpectReject(Cmd.Market(1, 3, Side.Sell, long.MaxValue / BigLot * BigLot), RejectCode.QuantityTooLarge);
        h.ExpectReject(Cmd.Limit(1, 3, Side.Buy, Px(1), long.MaxValue), RejectCode.QuantityOffLot);
    }

    private static IEnumerable<TestCaseData> InvalidInstruments()
    {
        const long t = 10_000_000, l = 100_000;
        yield return new TestCaseData(Cmd.AddInstrument(5, 0, l, l, 0, 0, 100, 10)).SetName("{m}(tick 0)");
        yield return new TestCaseData(Cmd.AddInstrument(5, -t, -l, l, 0, 0, 100, 10)).SetName("{m}(negative tick and lot)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, 0, l, 0, 0, 100, 10)).SetName("{m}(lot 0)");
        yield return new TestCaseData(Cmd.AddInstrument(5, 1, 1, l, 0, 0, 100, 10)).SetName("{m}(tick·lot not whole money)");
        yield return new TestCaseData(Cmd.AddInstrument(5, long.MaxValue, long.MaxValue, long.MaxValue, 0, 0, 100, 10)).SetName("{m}(long.MaxValue tick and lot)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l - 1, 0, 0, 100, 10)).SetName("{m}(max quantity below a lot)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, 100_001, 100_001, 100, 10)).SetName("{m}(maker fee above 10%)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, int.MinValue, 0, 100, 10)).SetName("{m}(maker fee int.MinValue)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, 0, int.MaxValue, 100, 10)).SetName("{m}(taker fee int.MaxValue)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, -200, 100, 100, 10)).SetName("{m}(rebate above taker fee)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, 0, 0, 0, 10)).SetName("{m}(band 0)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, 0, 0, ushort.MaxValue, 10)).SetName("{m}(band 65535 bps)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, 0, 0, 100, 0)).SetName("{m}(leverage 0)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, 0, 0, 100, ushort.MaxValue)).SetName("{m}(leverage 65535)");
        yield return new TestCaseData(Cmd.AddInstrument(5, t, l, l, 0, 0, 100, 10, ladderLog2: 25)).SetName("{m}(ladder 2^25)");
    }

    [TestCaseSource(nameof(InvalidInstruments))]
    public void ShouldRejectInstrumentSpecWhenAFieldIsOutOfItsDomain(Command spec)
    {
        var h = NewHarness();
        h.ExpectReject(spec, RejectCode.InvalidInstrumentSpec);
    }

    [Test]
    public void ShouldRejectTiersWhenCapsRatesOrLeveragesAreOutOfOrder()
    {
        var h = NewHarness();
        AddBigInstrument(h);
        h.ExpectReject(Cmd.AddTier(Big, 3, long.MaxValue, 60_000, 5), RejectCode.InvalidTier); // cap not above the last (long.MaxValue)
        h.Expect(Cmd.AddInstrument(4, BigTick, BigLot, BigLot, 0, 0, 100, 1000), EventType.Accepted);
        h.ExpectReject(Cmd.AddTier(4, 1, 1, 1_000, 10), RejectCode.InvalidTier);                      // not appended in order
        h.ExpectReject(Cmd.AddTier(4, 0, 0, 1_000, 10), RejectCode.InvalidTier);                      // cap 0
        h.ExpectReject(Cmd.AddTier(4, 0, long.MaxValue, 0, 10), RejectCode.InvalidTier);              // rate 0
        h.ExpectReject(Cmd.AddTier(4, 0, long.MaxValue, FixedPoint.RateScale, 1), RejectCode.InvalidTier); // rate 100%
        h.ExpectReject(Cmd.AddTier(4, 0, long.MaxValue, int.MinValue, 1), RejectCode.InvalidTier);
        h.ExpectReject(Cmd.AddTier(4, 0, long.MaxValue, 1_000, 1001), RejectCode.InvalidTier);        // above the instrument's leverage
        h.ExpectReject(Cmd.AddTier(4, 0, long.MaxValue, 1_000, 1000), RejectCode.InvalidTier);        // maintenance not below initial
        // the widest legal pair: the lowest rate up to half of 2^63, the highest beyond (its maintenance amount is 4.6e18)
        h.Expect(Cmd.AddTier(4, 0, long.MaxValue / 2, 1, 1000), EventType.Accepted);
        h.Expect(Cmd.AddTier(4, 1, long.MaxValue, 999_999, 1), EventType.Accepted);
        h.ExpectReject(Cmd.AddTier(4, 2, long.MaxValue, 999_999, 1), RejectCode.InvalidTier);
        var cum = (BigInteger)(long.MaxValue / 2) * (999_999 - 1) / FixedPoint.RateScale;
        Assert.That((BigInteger)h.Logic.Instruments.TierCum[4 * InstrumentTable.MaxTiers + 1], Is.EqualTo(cum), "maintenance amount");
        foreach (var n in new[] { long.MaxValue / 2, long.MaxValue / 2 + 1, long.MaxValue })
        {
            var rate = n <= long.MaxValue / 2 ? 1 : 999_999;
            var exact = ((BigInteger)n * rate + FixedPoint.RateScale - 1) / FixedPoint.RateScale - (rate == 1 ? 0 : cum);
            Assert.That((BigInteger)MarginMath.Maintenance(h.Logic.Instruments, 4, n), Is.EqualTo(exact), $"maintenance of {n}");
        }
    }

    [Test]
    public void ShouldRejectAmountsAndPricesBeyondTheLimitsWithTheirCodes()
    {
        var h = NewHarness();
        AddBigInstrument(h);
        h.ExpectReject(Cmd.AddAsset(1, 0, 0), RejectCode.InvalidAssetSpec);
        h.ExpectReject(Cmd.AddAsset(1, long.MinValue, 0), RejectCode.InvalidAssetSpec);
        h.ExpectReject(Cmd.AddAsset(1, FixedPoint.PriceScale, FixedPoint.RateScale), RejectCode.InvalidAssetSpec);
        h.ExpectReject(Cmd.AddAsset(1, FixedPoint.PriceScale, -1), RejectCode.InvalidAssetSpec);
        h.Expect(Cmd.AddAsset(1, FixedPoint.PriceScale, 0), EventType.Accepted);
        h.Expect(Cmd.CreateAccount(1), EventType.Accepted);

        h.ExpectReject(Cmd.Deposit(1, 0, 0), RejectCode.InvalidAmount);
        h.ExpectReject(Cmd.Deposit(1, 0, long.MinValue), RejectCode.InvalidAmount);
        h.ExpectReject(Cmd.Deposit(1, 0, long.MaxValue), RejectCode.InvalidAmount);
        h.ExpectReject(Cmd.Deposit(1, 0, MaxBalance + 1), RejectCode.InvalidAmount);
        h.Expect(Cmd.Deposit(1, 0, MaxBalance - 1), EventType.Accepted);
        h.Expect(Cmd.Deposit(1, 0, 1), EventType.Accepted);
        h.ExpectReject(Cmd.Deposit(1, 0, 1), RejectCode.InvalidAmount);
        h.ExpectReject(Cmd.Deposit(1, 0, long.MaxValue), RejectCode.InvalidAmount);
        h.Expect(Cmd.Deposit(1, 1, MaxBalance / 2), EventType.Accepted); // an asset at 1 USD: collateral stays below 2^63

        h.ExpectReject(Cmd.Withdraw(1, 0, 0), RejectCode.InvalidAmount);
        h.ExpectReject(Cmd.Withdraw(1, 0, long.MinValue), RejectCode.InvalidAmount);
        h.ExpectReject(Cmd.Withdraw(1, 0, long.MaxValue), RejectCode.InsufficientBalance);
        h.ExpectReject(Cmd.Withdraw(1, 1, MaxBalance / 2 + 1), RejectCode.InsufficientBalance);

        h.ExpectReject(Cmd.SetLeverage(1, Big, 0), RejectCode.LeverageOutOfRange);
        h.ExpectReject(Cmd.SetLeverage(1, Big, ushort.MaxValue), RejectCode.LeverageOutOfRange);
        h.ExpectReject(Cmd.SetMarginMode(1, Big, (MarginMode)255), RejectCode.InvalidField);
        h.ExpectReject(Cmd.MarkPrice(Big, 0), RejectCode.PriceNotPositive);
        h.ExpectReject(Cmd.MarkPrice(Big, long.MinValue), RejectCode.PriceNotPositive);
        h.ExpectReject(Cmd.AssetPrice(1, 0), RejectCode.PriceNotPositive);
        h.ExpectReject(Cmd.AssetPrice(1, long.MinValue), RejectCode.PriceNotPositive);
        h.ExpectReject(Cmd.AssetPrice(0, FixedPoint.PriceScale), RejectCode.InvalidAssetSpec);

        // an isolated position of the largest notional, and margin moved in and out at the limits
        h.Expect(Cmd.MarkPrice(Big, Px(EntryTicks)), EventType.Accepted);
        h.Expect(Cmd.CreateAccount(2), EventType.Accepted);
        h.Expect(Cmd.Deposit(2, 0, MaxBalance), EventType.Accepted);
        h.Expect(Cmd.SetMarginMode(1, Big, MarginMode.Isolated), EventType.Accepted);
        h.ExpectReject(Cmd.AdjustIsolatedMargin(1, Big, 1), RejectCode.NoIsolatedPosition);
        h.Expect(Cmd.Limit(2, Big, Side.Sell, Px(EntryTicks), Qty(MaxLots)), EventType.Accepted);
        h.Expect(Cmd.Limit(1, Big, Side.Buy, Px(EntryTicks), Qty(MaxLots)), EventType.Accepted);
        h.ExpectReject(Cmd.AdjustIsolatedMargin(1, Big, 0), RejectCode.InvalidAmount);
        h.ExpectReject(Cmd.AdjustIsolatedMargin(1, Big, long.MaxValue), RejectCode.InsufficientMargin);
        h.ExpectReject(Cmd.AdjustIsolatedMargin(1, Big, -long.MaxValue), RejectCode.IsolatedMarginRemovalTooLarge);
        const long added = 50_000_000_000_000_000; // ten times the initial margin
        var before = h.Logic.Positions.LiqPrice[h.Logic.Positions.Find(1, Big)];
        var after = h.Expect(Cmd.AdjustIsolatedMargin(1, Big, added), EventType.Accepted)[0].Price;
        Assert.That(after, Is.GreaterThan(0).And.LessThan(before), "the long's liquidation price moved down");
        h.ExpectReject(Cmd.AdjustIsolatedMargin(1, Big, -added - 1), RejectCode.IsolatedMarginRemovalTooLarge);
        h.Expect(Cmd.AdjustIsolatedMargin(1, Big, -added), EventType.Accepted);
        // everything but the initial margin back in: no positive mark liquidates the long
        Assert.That(h.Expect(Cmd.AdjustIsolatedMargin(1, Big, ExchangeLogic.MaxOrderNotional), EventType.Accepted)[0].Price, Is.Zero);
        h.Expect(Cmd.QueryAccount(1), EventType.Accepted);
    }

    // ---- MarginMath with extreme inputs, against exact (BigInteger) arithmetic ----

    /// <summary>An engine with the big instrument (tiers up to long.MaxValue) and a BTC-like one without tiers.</summary>
    private static ExchangeLogic MathFixture()
    {
        var h = NewHarness();
        AddBigInstrument(h);
        h.Expect(Cmd.AddInstrument(2, 10_000_000, 100_000, 100_000, 0, 0, 100, 125), EventType.Accepted);
        return h.Logic;
    }

    [Test]
    public void ShouldComputeMaintenanceExactlyWhenNotionalIsHuge()
    {
        var logic = MathFixture();
        const long fast = long.MaxValue / FixedPoint.RateScale;
        long[] notionals = [1, fast - 1, fast, fast + 1, 1_000_000_000_000_000, 100_000_000_000_000_000, 100_000_000_000_000_001,
            ExchangeLogic.MaxOrderNotional * 10, long.MaxValue / 2, long.MaxValue - 1, long.MaxValue];
        Assert.Multiple(() =>
        {
            foreach (var n in notionals)
            {
                Assert.That((BigInteger)MarginMath.Maintenance(logic.Instruments, Big, n), Is.EqualTo(ExactMaintenance(n)), $"tiered, notional {n}");
                var flat = ((BigInteger)n * MarginMath.DefaultMmrPpm(125) + FixedPoint.RateScale - 1) / FixedPoint.RateScale;
                Assert.That((BigInteger)MarginMath.Maintenance(logic.Instruments, 2, n), Is.EqualTo(flat), $"untiered, notional {n}");
                Assert.That((BigInteger)MarginMath.RateOf(n, 999_999), Is.EqualTo(((BigInteger)n * 999_999 + 999_999) / 1_000_000), $"rate, notional {n}");
            }
        });
    }

    /// <summary>A position (instrument, signed lots, entry ticks, backing) whose liquidation and bankruptcy prices fit in 63 bits.</summary>
    private static readonly Gen<(int Instrument, long Lots, long EntryTicks, long Backing)> _genPosition =
        Gen.Select(Gen.OneOfConst(Big, 2), Gen.Long[1, 1_000_000_000_000], Gen.Long[1, 10_000_000_000], Gen.Bool, Gen.Long[-1_000, 1_000])
            .Select((instrument, absLots, entry, isLong, backingPermille) =>
            {
                var v = instrument == Big ? BigLotTickValue : 100;
                // keep the entry notional within 63 bits, then back the position by -100%..+100% of it (or its cost)
                var tick = instrument == Big ? BigTick : 10_000_000;
                absLots = 1 + (absLots - 1) % (long.MaxValue / 4 / v);
                var maxEntry = Math.Max(1, Math.Min(long.MaxValue / 4 / v / absLots, long.MaxValue / 4 / tick));
                entry = 1 + entry % maxEntry;
                var cost = absLots * entry * v;
                var backing = (long)((Int128)cost * backingPermille / 1_000);
                return (instrument, isLong ? absLots : -absLots, entry, backing);
            });

    /// <summary>Σ tick·1e6·(equity − exact maintenance) at raw price P: the sign the liquidation price is defined by.</summary>
    private static BigInteger Margin(ExchangeLogic logic, int instrument, long lots, long cost, long backing, BigInteger price)
    {
        var ins = logic.Instruments;
        BigInteger tick = ins.TickSize[instrument], v = ins.LotTickValue[instrument], scale = FixedPoint.RateScale;
        var absLots = BigInteger.Abs(lots);
        var scaledNotional = absLots * price * v; // notional · tick
        var count = ins.TierCount[instrument];
        int mmr;
        BigInteger cum = 0;
        if (count == 0) mmr = MarginMath.DefaultMmrPpm(ins.MaxLeverage[instrument]);
        else
        {
            var t = 0;
            while (t < count - 1 && scaledNotional > (BigInteger)ins.TierCap[instrument * InstrumentTable.MaxTiers + t] * tick) t++;
            mmr = ins.TierMmrPpm[instrument * InstrumentTable.MaxTiers + t];
            cum = ins.TierCum[instrument * InstrumentTable.MaxTiers + t];
        }
        var equity = ((BigInteger)backing - cost) * tick * scale + lots * price * v * scale;
        return equity - (scaledNotional * mmr - cum * tick * scale);
    }

    [Test]
    public void ShouldSolveTheLiquidationAndBankruptcyEquationsWhenLotsAndCostsAreHuge()
    {
        var logic = MathFixture();
        _genPosition.Sample(p =>
        {
            var v = logic.Instruments.LotTickValue[p.Instrument];
            var cost = p.Lots * p.EntryTicks * v;
            var liquidation = MarginMath.LiquidationPrice(logic.Instruments, p.Instrument, p.Lots, cost, p.Backing);
            var bankruptcy = MarginMath.BankruptcyPrice(logic.Instruments, p.Instrument, p.Lots, cost, p.Backing);
            var step = p.Lots > 0 ? -1 : 1; // toward the liquidating side
            var tick = logic.Instruments.TickSize[p.Instrument];
            // positions exist only while they meet maintenance at the mark: take the entry as the mark
            if (Margin(logic, p.Instrument, p.Lots, cost, p.Backing, (BigInteger)p.EntryTicks * tick) <= 0) return;
            if (liquidation < 0 || bankruptcy < 0) throw new CsCheckException($"negative price: liquidation {liquidation}, bankruptcy {bankruptcy}");
            // the liquidation price: at it the position still meets maintenance (exactly), one unit further it does not
            if (liquidation > 0)
            {
                if (Margin(logic, p.Instrument, p.Lots, cost, p.Backing, liquidation) < 0)
                    throw new CsCheckException($"below maintenance at its own liquidation price {liquidation}");
                var further = (BigInteger)liquidation + step;
                if (further > 0 && Margin(logic, p.Instrument, p.Lots, cost, p.Backing, further) >= 0)
                    throw new CsCheckException($"still above maintenance one unit past the liquidation price {liquidation}");
            }
            else if ((Margin(logic, p.Instrument, p.Lots, cost, p.Backing, 1) >= 0) != (p.Lots > 0))
            {
                // none: a long that no positive price liquidates, or a short that every price does
                throw new CsCheckException("no liquidation price although one exists");
            }
            // the bankruptcy price: equity zero, rounded the same way
            BigInteger Equity(BigInteger price) => ((BigInteger)p.Backing - cost) * tick + p.Lots * price * v;
            if (bankruptcy > 0)
            {
                if (Equity(bankruptcy) < 0) throw new CsCheckException($"negative equity at the bankruptcy price {bankruptcy}");
                var further = (BigInteger)bankruptcy + step;
                if (further > 0 && Equity(further) >= 0) throw new CsCheckException($"equity left one unit past the bankruptcy price {bankruptcy}");
                if (liquidation > 0 && (p.Lots > 0 ? bankruptcy > liquidation : bankruptcy < liquidation))
                    throw new CsCheckException($"bankruptcy {bankruptcy} on the wrong side of liquidation {liquidation}");
            }
            else if ((Equity(1) >= 0) != (p.Lots > 0))
            {
                throw new CsCheckException("no bankruptcy price although one exists");
            }
        }, iter: 20_000, writeLine: TestContext.Out.WriteLine);
    }

    // ---- values beyond the 63-bit range the engine accepts today (these fail until it refuses or widens them) ----

    [Test]
    public void ShouldRejectAnInstrumentWhoseLotTickValueExceeds63Bits()
    {
        // tick 1e10 USD and lot 1e10 units: one lot moving one tick is 1e20 USD, 1e26 money units; AddInstrument
        // accepts it and stores tick·lot / 1e10 truncated to 64 bits (a negative value)
        var h = NewHarness();
        h.ExpectReject(Cmd.AddInstrument(5, 1_000_000_000_000_000_000, 1_000_000_000_000_000_000, long.MaxValue, 0, 0, 100, 10),
            RejectCode.InvalidInstrumentSpec);
    }

    [Test]
    public void ShouldCountTheCollateralOfTheLargestAssetBalancesWithoutWrapping()
    {
        // an asset at 8 USD and the largest balance a deposit may reach: its value (1.8e19 money units) does not fit in
        // 64 bits, and the collateral wraps negative
        var deposit = NewHarness();
        deposit.Expect(Cmd.AddAsset(1, 8 * FixedPoint.PriceScale, 0), EventType.Accepted);
        deposit.Expect(Cmd.CreateAccount(1), EventType.Accepted);
        var response = deposit.Send(Cmd.Deposit(1, 1, MaxBalance))[0];
        // a modest balance (1e6 units) and the largest asset price AssetPrice accepts
        var price = NewHarness();
        price.Expect(Cmd.AddAsset(1, FixedPoint.PriceScale, 0), EventType.Accepted);
        price.Expect(Cmd.CreateAccount(1), EventType.Accepted);
        price.Expect(Cmd.Deposit(1, 1, 1_000_000_000_000), EventType.Accepted);
        var priced = price.Send(Cmd.AssetPrice(1, long.MaxValue))[0];
        Assert.Multiple(() =>
        {
            if (response.Type == EventType.Rejected) Assert.That(response.RejectCode, Is.EqualTo(RejectCode.InvalidAmount));
            else Assert.That(deposit.Logic.Accounts.Collateral[1], Is.GreaterThan(0), "collateral of 2.3e18 units at 8 USD");
            if (priced.Type == EventType.Accepted) Assert.That(price.Logic.Accounts.Collateral[1], Is.GreaterThan(0), "collateral of 1e6 units at 9.2e10 USD");
        });
    }

    [Test]
    public void ShouldKeepMoneyConservedWhenDepositsSumBeyond63Bits()
    {
        // each account may hold long.MaxValue / 4; the engine's Σ deposits (the conservation reference) is a long and
        // wraps at the fifth such account, so the invariant check reports money as not conserved
        var h = NewHarness();
        for (var a = 1; a <= 5; a++)
        {
            h.Expect(Cmd.CreateAccount(a), EventType.Accepted);
            var response = h.Send(Cmd.Deposit(a, 0, MaxBalance))[0]; // the harness checks every invariant
            if (response.Type == EventType.Rejected) Assert.That(response.RejectCode, Is.EqualTo(RejectCode.InvalidAmount));
        }
    }

    [Test]
    public void ShouldReportThePricesOfAShortWithHugeIsolatedMarginWithoutWrapping()
    {
        // tick 1 USD, lot 1e-6 units (one lot moving one tick is one money unit): a short of one lot with 1.15e12 USD of
        // isolated margin is liquidated near 1.1e26 raw, beyond 63 bits; LiquidationPrice and BankruptcyPrice cast
        // their Int128 results to long and report wrapped prices (bankruptcy 1,049 USD, below the liquidation price)
        var h = NewHarness();
        h.Expect(Cmd.AddInstrument(5, FixedPoint.PriceScale, 100, 1_000_000_000, 0, 0, 10_000, 100, 12), EventType.Accepted);
        h.Expect(Cmd.MarkPrice(5, 1_000 * FixedPoint.PriceScale), EventType.Accepted);
        for (var a = 1; a <= 2; a++)
        {
            h.Expect(Cmd.CreateAccount(a), EventType.Accepted);
            h.Expect(Cmd.Deposit(a, 0, MaxBalance), EventType.Accepted);
        }
        h.Expect(Cmd.SetMarginMode(1, 5, MarginMode.Isolated), EventType.Accepted);
        h.Expect(Cmd.Limit(2, 5, Side.Buy, 1_000 * FixedPoint.PriceScale, 100), EventType.Accepted);
        h.Expect(Cmd.Limit(1, 5, Side.Sell, 1_000 * FixedPoint.PriceScale, 100), EventType.Accepted);
        var added = h.Send(Cmd.AdjustIsolatedMargin(1, 5, MaxBalance / 2))[0];
        var unitLiquidation = MarginMath.LiquidationPrice(h.Logic.Instruments, 5, -1, -1_000, MaxBalance);
        var unitBankruptcy = MarginMath.BankruptcyPrice(h.Logic.Instruments, 5, -1, -1_000, MaxBalance);
        Assert.Multiple(() =>
        {
            Assert.That(unitLiquidation, Is.GreaterThan(1_000 * FixedPoint.PriceScale), "MarginMath: liquidation above the entry");
            Assert.That(unitBankruptcy, Is.GreaterThanOrEqualTo(unitLiquidation), "MarginMath: a short goes bankrupt above its liquidation price");
            if (added.Type == EventType.Rejected) return; // refusing such a margin is as good
            var (_, prices, _) = QueryPosition(h, 1, 5);
            Assert.That(prices.Price, Is.GreaterThan(1_000 * FixedPoint.PriceScale), "query: liquidation above the mark");
            Assert.That(prices.Quantity, Is.GreaterThanOrEqualTo(prices.Price), "query: bankruptcy at or above liquidation");
        });
    }

    [Test]
    public void ShouldValueTheLargestPositionsOnTheirFullNotionalWhenTheMarkMovesTenfold()
    {
        // ten orders of the largest notional build a 1e18 position (the fund, never liquidated, is the short side);
        // ten times up its value is 1e19 money units, beyond 63 bits: lots · mark · value wraps, and the notional,
        // maintenance and initial margin are computed from the wrapped value (the PnL wraps back by chance)
        var h = NewHarness();
        AddBigInstrument(h);
        h.Expect(Cmd.MarkPrice(Big, Px(EntryTicks)), EventType.Accepted);
        h.Expect(Cmd.Deposit(ExchangeLogic.InsuranceAccount, 0, MaxBalance), EventType.Accepted);
        h.Expect(Cmd.CreateAccount(2), EventType.Accepted);
        h.Expect(Cmd.Deposit(2, 0, 200_000_000_000_000_000), EventType.Accepted);
        h.Expect(Cmd.SetLeverage(ExchangeLogic.InsuranceAccount, Big, 10), EventType.Accepted);
        h.Expect(Cmd.SetLeverage(2, Big, 10), EventType.Accepted);
        var accepted = true;
        for (var i = 0; i < 10 && accepted; i++)
        {
            accepted &= h.Send(Cmd.Limit(ExchangeLogic.InsuranceAccount, Big, Side.Sell, Px(EntryTicks), Qty(MaxLots)))[0].Type == EventType.Accepted;
            accepted &= h.Send(Cmd.Limit(2, Big, Side.Buy, Px(EntryTicks), Qty(MaxLots)))[0].Type == EventType.Accepted;
        }
        accepted &= h.Send(Cmd.MarkPrice(Big, Px(10 * EntryTicks)))[0].Type == EventType.Accepted;
        if (!accepted) return; // a position or mark limit that refuses this is as good
        AssertPositionRow(h, 2, 10 * MaxLots, EntryTicks, 10 * EntryTicks, 10);
    }

    [Test]
    public void ShouldRoundInitialMarginUpWithoutOverflowWhenNotionalIsNearLongMax()
    {
        // ceil(notional / leverage) is computed as (notional + leverage - 1) / leverage, which wraps within
        // leverage - 1 of long.MaxValue
        Assert.That(MarginMath.Initial(long.MaxValue, 10), Is.EqualTo(long.MaxValue / 10 + 1));
        Assert.That(MarginMath.Initial(long.MaxValue - 1, 1000), Is.EqualTo((long.MaxValue - 1) / 1000 + 1));
    }
}
