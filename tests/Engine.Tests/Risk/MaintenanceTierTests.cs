using Engine.Commands;
using Engine.Events;
using Engine.Risk;
using Engine.State;
using Engine.Tests.Support;

namespace Engine.Tests.Risk;

public class MaintenanceTierTests
{
    // Binance BTCUSDT brackets as published: (notional cap USD, maintenance rate %, maintenance amount USD, max leverage)
    private static readonly (long Cap, decimal RatePct, long Cum, ushort MaxLeverage)[] _binanceBtc =
    [
        (50_000, 0.4m, 0, 125),
        (250_000, 0.5m, 50, 100),
        (1_000_000, 1.0m, 1_300, 50),
        (10_000_000, 2.5m, 16_300, 20),
        (20_000_000, 5.0m, 266_300, 10),
        (50_000_000, 10.0m, 1_266_300, 5),
        (100_000_000, 12.5m, 2_516_300, 4),
        (200_000_000, 15.0m, 5_016_300, 3),
        (300_000_000, 25.0m, 25_016_300, 2),
        (500_000_000, 50.0m, 100_016_300, 1),
    ];

    [Test]
    public void ShouldDeriveTheBinanceBtcMaintenanceAmountsFromTheBrackets()
    {
        var h = new LogicHarness();
        h.Expect(Cmd.AddInstrument(1, FixedPoint.PriceScale / 10, FixedPoint.QuantityScale / 1000, 10_000 * FixedPoint.QuantityScale,
            200, 500, 5_000, 125), EventType.Accepted);
        for (var t = 0; t < _binanceBtc.Length; t++)
        {
            var (cap, rate, _, lev) = _binanceBtc[t];
            h.Expect(Cmd.AddTier(1, (byte)t, cap * FixedPoint.MoneyScale, (int)(rate * 10_000), lev), EventType.Accepted);
        }
        var instruments = h.Logic.Instruments;
        for (var t = 0; t < _binanceBtc.Length; t++)
        {
            Assert.That(instruments.TierCum[1 * InstrumentTable.MaxTiers + t], Is.EqualTo(_binanceBtc[t].Cum * FixedPoint.MoneyScale),
                $"maintenance amount of bracket {t + 1}");
        }
        // and maintenance is continuous at every cap
        foreach (var (cap, _, _, _) in _binanceBtc[..^1])
        {
            var at = cap * FixedPoint.MoneyScale;
            Assert.That(MarginMath.Maintenance(instruments, 1, at + 1) - MarginMath.Maintenance(instruments, 1, at), Is.InRange(0, 1),
                $"no jump at {cap}");
        }
    }

    [Test]
    public void ShouldRefuseTiersThatBreakTheBracketRules()
    {
        var h = new LogicHarness();
        h.Expect(Cmd.AddInstrument(1, FixedPoint.PriceScale / 10, FixedPoint.QuantityScale / 1000, FixedPoint.QuantityScale, 0, 0, 100, 100),
            EventType.Accepted);
        h.ExpectReject(Cmd.AddTier(1, 1, 1_000, 4_000, 100), RejectCode.InvalidTier);                        // not the next index
        h.ExpectReject(Cmd.AddTier(1, 0, 1_000, 4_000, 101), RejectCode.InvalidTier);                        // above the instrument's cap
        h.ExpectReject(Cmd.AddTier(1, 0, 1_000, 20_000, 100), RejectCode.InvalidTier);                       // mmr × leverage ≥ 1
        h.Expect(Cmd.AddTier(1, 0, 1_000, 4_000, 100), EventType.Accepted);
        h.ExpectReject(Cmd.AddTier(1, 1, 1_000, 5_000, 50), RejectCode.InvalidTier);                         // cap must rise
        h.ExpectReject(Cmd.AddTier(1, 1, 2_000, 3_000, 50), RejectCode.InvalidTier);                         // rate must not fall
        h.ExpectReject(Cmd.AddTier(1, 1, 2_000, 5_000, 120), RejectCode.InvalidTier);                        // leverage must not rise
        h.ExpectReject(Cmd.AddTier(9, 0, 2_000, 5_000, 50), RejectCode.UnknownInstrument);
    }
}
