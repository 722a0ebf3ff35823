using Engine.Commands;
using Engine.Events;
using Engine.Tests.Support;
using static Engine.Tests.Risk.RiskHarness;

namespace Engine.Tests.Risk;

/// <summary>
/// dYdX v4's documented margin formulas: initial requirement |S·P·I|, maintenance |S·P·M| at the oracle price,
/// cross-margined; an account is liquidated when its total account value falls below Σ maintenance. A single
/// tier with rate M (and no maintenance amount) is exactly that model.
/// </summary>
public class DydxMarginTests
{
    [Test]
    public void ShouldMatchDydxRequirementsAndLiquidationPoint()
    {
        var h = new LogicHarness();
        const int eth = 3;
        const decimal imf = 0.05m, mmf = 0.03m;  // 20x max leverage, 3% maintenance
        h.Expect(Cmd.AddInstrument(eth, FixedPoint.PriceScale / 100, FixedPoint.QuantityScale / 1000, 1_000 * FixedPoint.QuantityScale,
            0, 0, 5_000, 20), EventType.Accepted);
        h.Expect(Cmd.AddTier(eth, 0, Usd(1_000_000_000m), (int)(mmf * 1_000_000), 20), EventType.Accepted);
        h.Expect(Cmd.MarkPrice(eth, Price(2_000m)), EventType.Accepted);
        foreach (var (account, usd) in new[] { (1, 1_000m), (2, 1_000_000m) })
        {
            h.Expect(Cmd.CreateAccount(account), EventType.Accepted);
            h.Expect(Cmd.Deposit(account, 0, Usd(usd)), EventType.Accepted);
            h.Expect(Cmd.SetLeverage(account, eth, 20), EventType.Accepted);
        }
        h.Expect(Cmd.Limit(2, eth, Side.Sell, Price(2_000m), Qty(10m)), EventType.Accepted);
        h.Expect(Cmd.Limit(1, eth, Side.Buy, Price(2_000m), Qty(10m)), EventType.Accepted);   // S = 10, P = 2,000

        var rows = h.Expect(Cmd.QueryAccount(1), EventType.Accepted);
        var risk = rows.Find(e => e.Type == EventType.AccountRisk);
        Assert.That(ToUsd(risk.InitialMargin), Is.EqualTo(Math.Abs(10m * 2_000m * imf)), "initial requirement |S·P·I|");
        Assert.That(ToUsd(risk.Maintenance), Is.EqualTo(Math.Abs(10m * 2_000m * mmf)), "maintenance requirement |S·P·M|");

        // liquidated when 1,000 + S·(P − 2,000) < |S·P·M|, i.e. P < 19,000 / 9.7
        var boundary = (10m * 2_000m - 1_000m) / (10m * (1 - mmf));
        var prices = rows.Find(e => e.Type == EventType.PositionPrices);
        Assert.That(ToPrice(prices.Price), Is.EqualTo(Math.Ceiling(boundary * 1e8m) / 1e8m));
        h.Expect(Cmd.Limit(2, eth, Side.Buy, Price(1_900m), Qty(10m)), EventType.Accepted);
        h.Expect(Cmd.MarkPrice(eth, Price(Math.Ceiling(boundary * 100) / 100)), EventType.Accepted);
        Assert.That(h.Logic.Positions.Lots[h.Logic.Positions.Find(1, eth)], Is.EqualTo(10_000), "above the boundary: kept");
        var events = h.Expect(Cmd.MarkPrice(eth, Price(Math.Floor(boundary * 100) / 100)), EventType.Accepted);
        Assert.That(events.Exists(e => e.Type == EventType.Liquidation && e.LiquidationStep == LiquidationStep.CrossStarted), Is.True,
            "below it: liquidated");
    }
}
