using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using Engine.Tests.Support;

namespace Engine.Tests.Risk;

/// <summary>
/// Minimal command lists for engine bugs the risk streams and extreme values found. Each test states what the margin
/// model (docs: margin-model.md) requires; they fail until the engine is fixed.
/// </summary>
public class RiskRegressionTests
{
    private const long UsdPrice = FixedPoint.PriceScale;
    private const long Btc = FixedPoint.QuantityScale;
    private const long BtcTick = 10_000_000; // 0.1 USD
    private const long BtcLot = 100_000;     // 0.001 BTC

    private static long Usd(long dollars) => dollars * FixedPoint.MoneyScale;

    private static long UsdBalance(LogicHarness h, int account) => h.Logic.Accounts.Balance[account * h.Logic.Accounts.AssetCapacity];

    private static LogicHarness BtcMarket(int takerFeePpm = 0)
    {
        var h = new LogicHarness();
        h.Expect(Cmd.AddInstrument(1, BtcTick, BtcLot, 100 * Btc, makerFeePpm: 0, takerFeePpm: takerFeePpm, bandBps: 1_000, maxLeverage: 100,
            ladderLog2: 12), EventType.Accepted);
        h.Expect(Cmd.MarkPrice(1, 1_000 * UsdPrice), EventType.Accepted);
        return h;
    }

    [Test]
    public void ShouldPayTheSurplusToTheFundWhenTheBookFillsAnIsolatedLiquidationAboveBankruptcy()
    {
        // An isolated long of 1 BTC at 1,000 USD with 100 USD of margin (10x) goes bankrupt at 900. The book takes it at
        // 903 and 902, both better than bankruptcy: the margin model says the position's loss is capped at its margin,
        // the owner's wallet is not touched, and "a fill better than the bankruptcy price pays the difference to the
        // insurance fund" (+2.5 USD). The engine releases half the margin to the owner's wallet after the first fill
        // (+25.75 USD) and then has the fund pay the second half's deficit (-23.25 USD).
        var h = BtcMarket();
        for (var a = 1; a <= 3; a++) h.Expect(Cmd.CreateAccount(a), EventType.Accepted);
        h.Expect(Cmd.Deposit(1, 0, Usd(200)), EventType.Accepted);
        h.Expect(Cmd.Deposit(2, 0, Usd(100_000)), EventType.Accepted);
        h.Expect(Cmd.Deposit(3, 0, Usd(100_000)), EventType.Accepted);
        h.Expect(Cmd.Deposit(ExchangeLogic.InsuranceAccount, 0, Usd(10_000)), EventType.Accepted);
        h.Expect(Cmd.SetMarginMode(1, 1, MarginMode.Isolated), EventType.Accepted);
        h.Expect(Cmd.SetLeverage(1, 1, 10), EventType.Accepted);
        h.Expect(Cmd.Limit(2, 1, Side.Sell, 1_000 * UsdPrice, Btc), EventType.Accepted);
        h.Expect(Cmd.Limit(1, 1, Side.Buy, 1_000 * UsdPrice, Btc), EventType.Accepted);
        h.Expect(Cmd.Limit(3, 1, Side.Buy, 903 * UsdPrice, Btc / 2), EventType.Accepted);
        h.Expect(Cmd.Limit(3, 1, Side.Buy, 902 * UsdPrice, Btc / 2), EventType.Accepted);
        Assert.That(UsdBalance(h, 1), Is.EqualTo(Usd(100)), "100 USD moved into the isolated margin");

        var events = h.Expect(Cmd.MarkPrice(1, 904 * UsdPrice), EventType.Accepted);

        var transfers = events.FindAll(e => e.Type == EventType.Liquidation && e.LiquidationStep == LiquidationStep.FundTransfer);
        Assert.Multiple(() =>
        {
            Assert.That(events.Exists(e => e.Type == EventType.Liquidation && e.LiquidationStep == LiquidationStep.IsolatedStarted), "liquidated");
            Assert.That(transfers.TrueForAll(e => e.Maintenance >= 0), "the fund pays nothing when every fill beat the bankruptcy price");
            Assert.That(UsdBalance(h, 1), Is.EqualTo(Usd(100)), "the owner's wallet is not touched by an isolated liquidation");
            Assert.That(UsdBalance(h, ExchangeLogic.InsuranceAccount), Is.EqualTo(Usd(10_000) + Usd(5) / 2), "the surplus over bankruptcy goes to the fund");
        });
    }

    [Test]
    public void ShouldReportAPriceForTheLiquidationOrderWhenNoPriceSavesAShort()
    {
        // Account 1 holds only a collateral coin; it realizes a 1,500 USD loss (its USD balance goes negative), opens a
        // 1 BTC short, and the coin depegs to 0.01 USD: equity is below zero at every price, so the short has no finite
        // bankruptcy price and the engine buys it back with a limit of long.MaxValue / 4 ticks. The Liquidation Order
        // event reports that limit as ticks · tick size, which wraps to a negative price (-0.1 USD).
        var h = BtcMarket();
        h.Expect(Cmd.AddAsset(1, UsdPrice, 0), EventType.Accepted);
        for (var a = 1; a <= 2; a++) h.Expect(Cmd.CreateAccount(a), EventType.Accepted);
        h.Expect(Cmd.Deposit(1, 1, Usd(20_000)), EventType.Accepted);
        h.Expect(Cmd.Deposit(2, 0, Usd(1_000_000)), EventType.Accepted);
        h.Expect(Cmd.Limit(2, 1, Side.Sell, 1_000 * UsdPrice, 15 * Btc), EventType.Accepted);
        h.Expect(Cmd.Limit(1, 1, Side.Buy, 1_000 * UsdPrice, 15 * Btc), EventType.Accepted);
        h.Expect(Cmd.Limit(2, 1, Side.Buy, 900 * UsdPrice, 15 * Btc), EventType.Accepted);
        h.Expect(Cmd.Limit(1, 1, Side.Sell, 900 * UsdPrice, 15 * Btc), EventType.Accepted);
        h.Expect(Cmd.Limit(2, 1, Side.Buy, 1_000 * UsdPrice, Btc), EventType.Accepted);
        h.Expect(Cmd.Limit(1, 1, Side.Sell, 1_000 * UsdPrice, Btc), EventType.Accepted);

        var events = h.Expect(Cmd.AssetPrice(1, UsdPrice / 100), EventType.Accepted);

        var order = events.Find(e => e.Type == EventType.Liquidation && e.LiquidationStep == LiquidationStep.Order);
        Assert.That(order.Type, Is.EqualTo(EventType.Liquidation), "a liquidation order was placed");
        Assert.That(order.Price, Is.GreaterThan(0), "the liquidation order's limit is a price");
    }

    [Test]
    public void ShouldKeepEveryInvariantWhenAMarkRoundsBelowOneTick()
    {
        // A positive mark below half a tick rounds to 0 ticks, which the engine reads as "no mark": positions keep the
        // cached PnL of the previous mark while the valuation (and the invariant check) falls back to the entry cost.
        var h = new LogicHarness().WithMarket(2);
        h.Expect(Cmd.MarkPrice(LogicHarness.Instrument, LogicHarness.Px(10_000)), EventType.Accepted);
        h.Place(1, Side.Sell, 10_000, 10);
        h.Place(2, Side.Buy, 10_000, 10);
        h.Expect(Cmd.MarkPrice(LogicHarness.Instrument, LogicHarness.Px(11_000)), EventType.Accepted);

        var events = h.Send(Cmd.MarkPrice(LogicHarness.Instrument, LogicHarness.Tick / 2 - 1)); // the harness checks every invariant

        if (events[0].Type == EventType.Accepted) Assert.That(h.Logic.Instruments.MarkTicks[LogicHarness.Instrument], Is.GreaterThan(0));
    }

    [Test]
    public void ShouldKeepEveryInvariantWhenTheMarkIsLongMaxValue()
    {
        // MarkPrice accepts any positive price; rounding it to the tick grid ((price + tick / 2) / tick) overflows for
        // prices near long.MaxValue and the mark in ticks turns negative.
        var h = new LogicHarness().WithMarket(2);
        h.Expect(Cmd.MarkPrice(LogicHarness.Instrument, LogicHarness.Px(10_000)), EventType.Accepted);
        h.Place(1, Side.Sell, 10_000, 10);
        h.Place(2, Side.Buy, 10_000, 10);

        var events = h.Send(Cmd.MarkPrice(LogicHarness.Instrument, long.MaxValue)); // the harness checks every invariant

        if (events[0].Type == EventType.Accepted) Assert.That(h.Logic.Instruments.MarkTicks[LogicHarness.Instrument], Is.GreaterThan(0));
    }

    [Test]
    public void ShouldRefuseToRemoveLongMinValueFromAnIsolatedPosition()
    {
        // The removal check compares -amount with what may leave the position; -long.MinValue overflows to itself, so
        // the check passes, the isolated margin becomes hugely negative (the position is left below maintenance) and
        // the wallet is credited long.MinValue negated, which wraps.
        var h = new LogicHarness().WithMarket(2);
        h.Expect(Cmd.MarkPrice(LogicHarness.Instrument, LogicHarness.Px(10_000)), EventType.Accepted);
        h.Expect(Cmd.SetMarginMode(1, LogicHarness.Instrument, MarginMode.Isolated), EventType.Accepted);
        h.Place(2, Side.Sell, 10_000, 10);
        h.Place(1, Side.Buy, 10_000, 10);

        var events = h.Send(Cmd.AdjustIsolatedMargin(1, LogicHarness.Instrument, long.MinValue));

        Assert.That(events[0].Type, Is.EqualTo(EventType.Rejected));
        Assert.That(events[0].RejectCode, Is.AnyOf(RejectCode.IsolatedMarginRemovalTooLarge, RejectCode.InvalidAmount));
    }
}
