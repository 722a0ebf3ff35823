using Engine.Commands;
using Engine.Events;
using static Engine.Tests.Risk.RiskHarness;

namespace Engine.Tests.Risk;

/// <summary>
/// The claims of the seed article as scenarios: isolated margin caps a position's loss at its own collateral;
/// cross margin pools collateral so one leg's profit defends another, at the price of account-wide liquidation.
/// Every command runs with all invariants checked (conservation, aggregates, health).
/// </summary>
public class SeedClaimTests
{
    private const int MarketMaker = 20;
    private RiskHarness _r = null!;

    [SetUp]
    public void SetUp()
    {
        _r = new RiskHarness();
        _r.H.Expect(Cmd.Deposit(Engine.Logic.ExchangeLogic.InsuranceAccount, 0, Usd(1_000_000m)), EventType.Accepted);
        _r.Account(MarketMaker, 10_000_000m, MarginMode.Cross, 10);
    }

    private static List<OutputEvent> Steps(List<OutputEvent> events, LiquidationStep step) =>
        events.FindAll(e => e.Type == EventType.Liquidation && e.LiquidationStep == step);

    [Test]
    public void ShouldLiquidateIsolatedPositionWithoutTouchingTheRestOfTheAccount()
    {
        _r.Account(10, 50_000m, MarginMode.Isolated, 10, Btc);
        _r.H.Expect(Cmd.SetLeverage(10, Eth, 10), EventType.Accepted);
        _r.Trade(10, MarketMaker, Btc, 100_000m, 1m);                       // isolated long 1 BTC, Miso 10,000
        _r.Trade(10, MarketMaker, Eth, 3_000m, 1m);                         // cross long 1 ETH
        var walletBefore = _r.UsdBalance(10);
        Assert.That(ToUsd(walletBefore), Is.EqualTo(50_000m - 10_000m - 50m - 1.5m), "Miso and taker fees left the wallet");
        _r.H.Expect(Cmd.Limit(MarketMaker, Btc, Side.Buy, Price(90_100m), Qty(1m)), EventType.Accepted);
        var fund = _r.UsdBalance(0);

        _r.Mark(Btc, 95_000m);
        Assert.That(_r.PositionLots(10, Btc), Is.EqualTo(1000), "above the liquidation price nothing happens");
        var events = _r.Mark(Btc, 90_400m);                                  // below 90,402.01

        Assert.That(Steps(events, LiquidationStep.IsolatedStarted), Has.Count.EqualTo(1));
        var fill = events.Find(e => e.Type == EventType.Fill && e.AccountId == 10);
        Assert.That(fill.Flags, Is.EqualTo(EventFlags.Liquidation));
        Assert.That(ToPrice(fill.Price), Is.EqualTo(90_100m), "closed through the book at the bid, better than bankruptcy (90,000)");
        Assert.That(_r.PositionLots(10, Btc), Is.EqualTo(0));
        Assert.That(_r.UsdBalance(10), Is.EqualTo(walletBefore), "the wallet is untouched: the loss stopped at Miso");
        Assert.That(_r.PositionLots(10, Eth), Is.EqualTo(1000), "the cross ETH position is untouched");
        Assert.That(ToUsd(_r.UsdBalance(0) - fund), Is.EqualTo(100m), "what was left of Miso (90,100 − 90,000) goes to the fund");
        Assert.That(ToUsd(Steps(events, LiquidationStep.FundTransfer)[0].Maintenance), Is.EqualTo(100m));
        Assert.That(Steps(events, LiquidationStep.Completed), Has.Count.EqualTo(1));
    }

    /// <summary>Same portfolio, two accounts: I isolated on both legs, X cross. Long 1 BTC at 100,000, short 30 ETH at 3,000.</summary>
    private void SamePortfolio()
    {
        _r.Account(11, 25_000m, MarginMode.Isolated, 10);
        _r.Account(12, 25_000m, MarginMode.Cross, 10);
        foreach (var a in new[] { 11, 12 })
        {
            _r.Trade(a, MarketMaker, Btc, 100_000m, 1m);
            _r.Trade(MarketMaker, a, Eth, 3_000m, 30m);
        }
    }

    [Test]
    public void ShouldKeepLosingLegAliveUnderCrossWhileIsolatedLosesIt()
    {
        SamePortfolio();
        // BTC falls 12% and ETH 13.3%: the short ETH leg gains what the long BTC leg loses
        _r.Mark(Btc, 88_000m);
        _r.Mark(Eth, 2_600m);

        Assert.That(_r.PositionLots(11, Btc), Is.EqualTo(0), "isolated: the BTC leg is liquidated on its own collateral");
        Assert.That(_r.PositionLots(11, Eth), Is.EqualTo(-30_000), "isolated: the ETH leg is untouched");
        Assert.That(_r.PositionLots(12, Btc), Is.EqualTo(1000), "cross: the ETH profit keeps the BTC leg alive");
        Assert.That(_r.PositionLots(12, Eth), Is.EqualTo(-30_000));
        var risk = _r.Risk(12);
        Assert.That(ToUsd(risk.Equity), Is.EqualTo(25_000m - 50m - 18m), "equity: losses and gains offset exactly (taker fee on BTC, maker fee on ETH)");
        Assert.That(risk.Equity, Is.GreaterThan(risk.Maintenance));
    }

    [Test]
    public void ShouldLoseOneLegUnderIsolatedButEverythingUnderCross()
    {
        SamePortfolio();
        var isolatedWallet = _r.UsdBalance(11);
        var events = _r.Mark(Btc, 75_000m);                                   // BTC −25%, more than the account holds

        Assert.That(_r.PositionLots(11, Btc), Is.EqualTo(0), "isolated: the BTC leg is gone");
        Assert.That(_r.PositionLots(11, Eth), Is.EqualTo(-30_000), "isolated: the ETH leg survives");
        Assert.That(_r.UsdBalance(11), Is.EqualTo(isolatedWallet), "isolated: the loss stopped at the BTC leg's Miso");
        Assert.That(_r.PositionLots(12, Btc), Is.EqualTo(0), "cross: the account is liquidated as a whole");
        Assert.That(_r.PositionLots(12, Eth), Is.EqualTo(0), "cross: the healthy ETH leg goes too");
        Assert.That(Steps(events, LiquidationStep.CrossStarted).ConvertAll(e => e.AccountId), Is.EqualTo(new[] { 12 }));
        Assert.That(_r.UsdBalance(12), Is.GreaterThanOrEqualTo(0), "a debt beyond collateral is paid by the fund");
    }

    [Test]
    public void ShouldLiquidateCrossAccountWhenItsStablecoinCollateralDepegs()
    {
        _r.H.Expect(Cmd.AddAsset(1, Price(1m), haircutPpm: 0), EventType.Accepted);
        _r.Account(30, 0m, MarginMode.Cross, 20);
        _r.H.Expect(Cmd.Deposit(30, 1, Usd(20_000m)), EventType.Accepted);  // 20,000 USDT
        _r.Account(31, 20_000m, MarginMode.Cross, 20);                      // the same book in USD
        _r.Trade(30, MarketMaker, Btc, 100_000m, 3m);
        _r.Trade(31, MarketMaker, Btc, 100_000m, 3m);
        _r.Mark(Btc, 95_000m);                                               // −15,000 on both
        Assert.That(_r.PositionLots(30, Btc), Is.EqualTo(3000));

        var events = _r.H.Expect(Cmd.AssetPrice(1, Price(0.85m)), EventType.Accepted);
        Assert.That(Steps(events, LiquidationStep.CrossStarted), Is.Empty, "at 0.85 equity 1,850 still covers maintenance 1,550");
        events = _r.H.Expect(Cmd.AssetPrice(1, Price(0.80m)), EventType.Accepted);

        Assert.That(Steps(events, LiquidationStep.CrossStarted).ConvertAll(e => e.AccountId), Is.EqualTo(new[] { 30 }),
            "only the USDT holder is re-margined and liquidated");
        Assert.That(_r.PositionLots(30, Btc), Is.Not.EqualTo(3000));
        Assert.That(_r.PositionLots(31, Btc), Is.EqualTo(3000), "the USD account with the same position is untouched");
    }

    [Test]
    public void ShouldMoveTheLiquidationPriceAwayWhenMarginIsAdded()
    {
        _r.Account(10, 50_000m, MarginMode.Isolated, 10, Btc);
        _r.Trade(10, MarketMaker, Btc, 100_000m, 1m);
        var before = _r.Position(10, Btc)!.Value.Prices.Price;
        _r.H.Expect(Cmd.AdjustIsolatedMargin(10, Btc, Usd(5_000m)), EventType.Accepted);
        var after = _r.Position(10, Btc)!.Value.Prices.Price;

        Assert.That(ToPrice(before), Is.EqualTo(Ceil8(Binance.LiquidationPrice(10_000m, 0, 0, 50m, 1, 1m, 100_000m, 0.005m))));
        Assert.That(ToPrice(after), Is.EqualTo(Ceil8(Binance.LiquidationPrice(15_000m, 0, 0, 50m, 1, 1m, 100_000m, 0.005m))));
        Assert.That(after, Is.LessThan(before));

        // removal: at most min(Miso, Miso + U − IM); at mark 100,000 that is 15,000 − 10,000 = 5,000
        _r.H.ExpectReject(Cmd.AdjustIsolatedMargin(10, Btc, -Usd(5_000.000001m)), RejectCode.IsolatedMarginRemovalTooLarge);
        _r.Mark(Btc, 110_000m);  // unrealized profit never leaves an isolated position: the limit stays Miso-bound
        _r.H.ExpectReject(Cmd.AdjustIsolatedMargin(10, Btc, -Usd(15_000m)), RejectCode.IsolatedMarginRemovalTooLarge);
        _r.H.Expect(Cmd.AdjustIsolatedMargin(10, Btc, -Usd(5_000m)), EventType.Accepted);
    }

    [Test]
    public void ShouldApplyTheHigherTierWhenAPositionCrossesIntoIt()
    {
        _r.Account(10, 1_000_000m, MarginMode.Cross, 20, Btc);
        _r.Trade(10, MarketMaker, Btc, 100_000m, 2m);                        // 200,000: tier 2 (0.5%, cum 50)
        var p = _r.Position(10, Btc)!.Value.Position;
        Assert.That(ToUsd(p.Maintenance), Is.EqualTo(200_000m * 0.005m - 50m));
        _r.Trade(10, MarketMaker, Btc, 100_000m, 1m);                        // 300,000: tier 3 (1%, cum 1,300)
        p = _r.Position(10, Btc)!.Value.Position;
        Assert.That(ToUsd(p.Maintenance), Is.EqualTo(300_000m * 0.01m - 1_300m));
        // continuity at the edge: 250,000 in tier 2 and tier 3 give the same maintenance
        Assert.That(250_000m * 0.005m - 50m, Is.EqualTo(250_000m * 0.01m - 1_300m));
        _r.Mark(Btc, 83_000m);                                               // 249,000: back in tier 2
        p = _r.Position(10, Btc)!.Value.Position;
        Assert.That(ToUsd(p.Maintenance), Is.EqualTo(249_000m * 0.005m - 50m));

        // leverage above the tier's cap is refused once the order would take the position into the tier
        _r.Account(40, 1_000_000m, MarginMode.Cross, 100, Btc);
        _r.H.ExpectReject(Cmd.Limit(40, Btc, Side.Buy, Price(100_000m), Qty(3m)), RejectCode.LeverageOutOfRange);
        _r.H.Expect(Cmd.Limit(40, Btc, Side.Buy, Price(80_000m), Qty(2m)), EventType.Accepted);
    }

    private static decimal Ceil8(decimal price) => Math.Ceiling(price * 100_000_000m) / 100_000_000m;
}

/// <summary>Binance's published USDⓈ-M one-way liquidation price formula, in decimal, independent of the engine.</summary>
public static class Binance
{
    /// <summary>LP = (WB − TMM1 + UPNL1 + cumB − Side·Q·EP) / (Q·MMR − Side·Q).</summary>
    public static decimal LiquidationPrice(decimal wb, decimal tmm1, decimal upnl1, decimal cum, int side, decimal q, decimal ep, decimal mmr) =>
        (wb - tmm1 + upnl1 + cum - side * q * ep) / (q * mmr - side * q);
}
