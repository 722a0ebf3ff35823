using Engine.Commands;
using Engine.Events;
using Engine.Logic;
using static Engine.Tests.Risk.RiskHarness;

namespace Engine.Tests.Risk;

public class LiquidationTests
{
    private const int MarketMaker = 20;
    private RiskHarness _r = null!;

    [SetUp]
    public void SetUp()
    {
        _r = new RiskHarness();
        _r.Account(MarketMaker, 10_000_000m, MarginMode.Cross, 10);
    }

    private static List<OutputEvent> Steps(List<OutputEvent> events, LiquidationStep step) =>
        events.FindAll(e => e.Type == EventType.Liquidation && e.LiquidationStep == step);

    private static decimal Ceil8(decimal price) => Math.Ceiling(price * 100_000_000m) / 100_000_000m;

    [Test]
    public void ShouldReportCrossLiquidationPriceByBinancesFormula()
    {
        _r.Account(12, 25_000m, MarginMode.Cross, 10);
        _r.Trade(12, MarketMaker, Btc, 100_000m, 1m);   // taker: fee 50
        _r.Trade(MarketMaker, 12, Eth, 3_000m, 30m);    // maker: fee 18
        _r.Mark(Eth, 2_900m);                            // ETH short gains 3,000

        var (_, prices) = _r.Position(12, Btc)!.Value;
        // WB = 24,932; other contracts: ETH maintenance 87,000 × 0.5% = 435, ETH uPnL +3,000; BTC at the answer is in tier 2
        var expected = Binance.LiquidationPrice(24_932m, 435m, 3_000m, 50m, side: 1, q: 1m, ep: 100_000m, mmr: 0.005m);
        Assert.That(ToPrice(prices.Price), Is.EqualTo(Ceil8(expected)));

        _r.Mark(Btc, Math.Ceiling(expected * 10) / 10 + 0.1m);
        Assert.That(_r.PositionLots(12, Btc), Is.EqualTo(1000), "one tick above: alive");
        _r.H.Expect(Cmd.Limit(MarketMaker, Btc, Side.Buy, Price(70_000m), Qty(1m)), EventType.Accepted);
        var events = _r.Mark(Btc, Math.Floor(expected * 10) / 10);
        Assert.That(Steps(events, LiquidationStep.CrossStarted), Has.Count.EqualTo(1), "at the reported price: liquidated");
    }

    [Test]
    public void ShouldLetTheInsuranceFundTakeOverWhatTheBookDoesNotTake()
    {
        _r.H.Expect(Cmd.Deposit(ExchangeLogic.InsuranceAccount, 0, Usd(1_000_000m)), EventType.Accepted);
        _r.Account(10, 50_000m, MarginMode.Isolated, 10, Btc);
        _r.Trade(10, MarketMaker, Btc, 100_000m, 1m);
        var events = _r.Mark(Btc, 89_000m);             // no bid anywhere: the book takes nothing

        var takeover = Steps(events, LiquidationStep.Takeover);
        Assert.That(takeover, Has.Count.EqualTo(1));
        Assert.That(ToPrice(takeover[0].Price), Is.EqualTo(90_000m), "at the bankruptcy price: entry − Miso per unit");
        Assert.That(_r.PositionLots(10, Btc), Is.EqualTo(0));
        Assert.That(_r.PositionLots(ExchangeLogic.InsuranceAccount, Btc), Is.EqualTo(1000), "the fund now holds the position");
        Assert.That(Steps(events, LiquidationStep.AutoDeleverage), Is.Empty);
    }

    [Test]
    public void ShouldAutoDeleverageTheMostProfitableLeveragedShortWhenTheFundCannotPay()
    {
        // the fund is empty; two shorts face the liquidated long: the market maker at 10x and account 21 at 5x
        _r.Account(21, 1_000_000m, MarginMode.Cross, 5);
        _r.Account(11, 1_000_000m, MarginMode.Cross, 10);
        _r.Account(10, 50_000m, MarginMode.Isolated, 10, Btc);
        _r.Trade(11, 21, Btc, 100_000m, 1m);
        _r.Trade(10, MarketMaker, Btc, 100_000m, 1m);
        var events = _r.Mark(Btc, 89_000m);

        var adl = Steps(events, LiquidationStep.AutoDeleverage);
        Assert.That(adl.ConvertAll(e => e.AccountId), Is.EqualTo(new[] { MarketMaker }), "same profit, higher leverage ranks first");
        Assert.That(ToPrice(adl[0].Price), Is.EqualTo(90_000m));
        Assert.That(_r.PositionLots(MarketMaker, Btc), Is.EqualTo(0), "the market maker's short was closed against the long");
        Assert.That(_r.PositionLots(21, Btc), Is.EqualTo(-1000), "the lower-ranked short is untouched");
        Assert.That(_r.PositionLots(10, Btc), Is.EqualTo(0));
    }

    [Test]
    public void ShouldReduceALargeCrossPositionStepByStepUntilHealthy()
    {
        _r.Account(50, 40_000m, MarginMode.Cross, 20, Btc);
        _r.Trade(50, MarketMaker, Btc, 100_000m, 5m);   // 500,000 notional: tier 3
        _r.H.Expect(Cmd.Limit(MarketMaker, Btc, Side.Buy, Price(92_500m), Qty(5m)), EventType.Accepted);
        _r.Mark(Btc, 93_000m);
        Assert.That(_r.PositionLots(50, Btc), Is.EqualTo(5000), "equity 4,750 above maintenance 3,350");

        var events = _r.Mark(Btc, 92_500m);             // equity 2,250 below maintenance 3,325

        Assert.That(Steps(events, LiquidationStep.CrossStarted), Has.Count.EqualTo(1));
        var left = _r.PositionLots(50, Btc);
        Assert.That(left, Is.GreaterThan(0).And.LessThan(5000), "partially liquidated, not closed");
        var risk = _r.Risk(50);
        Assert.That(risk.Equity, Is.GreaterThan(risk.Maintenance), "healthy again");
        // the step closed what the shortfall needed (more than a fifth): ceil(5,000 × 1,075.000001 / 3,325) lots
        Assert.That(left, Is.EqualTo(5000 - 1617));
    }
}
