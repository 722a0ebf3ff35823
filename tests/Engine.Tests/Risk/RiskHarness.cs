using Engine.Commands;
using Engine.Events;
using Engine.Tests.Support;

namespace Engine.Tests.Risk;

/// <summary>Two perpetuals with Binance-style brackets, funded accounts, and readers for the account query rows.</summary>
public sealed class RiskHarness
{
    public const int Btc = 1;
    public const int Eth = 2;
    public const long BtcTick = FixedPoint.PriceScale / 10;   // 0.1 USD
    public const long EthTick = FixedPoint.PriceScale / 100;  // 0.01 USD
    public const long Lot = FixedPoint.QuantityScale / 1000;  // 0.001 of the underlying
    public const int MakerFeePpm = 200;
    public const int TakerFeePpm = 500;

    public RiskHarness()
    {
        H = new LogicHarness();
        // BTCUSDT-like brackets: (notional cap, maintenance rate, max leverage); cum 0 / 50 / 1,300 follow
        H.Expect(Cmd.AddInstrument(Btc, BtcTick, Lot, 1_000 * FixedPoint.QuantityScale, MakerFeePpm, TakerFeePpm, 5_000, 125), EventType.Accepted);
        H.Expect(Cmd.AddTier(Btc, 0, Usd(50_000), 4_000, 125), EventType.Accepted);
        H.Expect(Cmd.AddTier(Btc, 1, Usd(250_000), 5_000, 100), EventType.Accepted);
        H.Expect(Cmd.AddTier(Btc, 2, Usd(3_000_000), 10_000, 50), EventType.Accepted);
        H.Expect(Cmd.AddInstrument(Eth, EthTick, Lot, 10_000 * FixedPoint.QuantityScale, MakerFeePpm, TakerFeePpm, 5_000, 100), EventType.Accepted);
        H.Expect(Cmd.AddTier(Eth, 0, Usd(1_000_000), 5_000, 100), EventType.Accepted);
        H.Expect(Cmd.MarkPrice(Btc, Price(100_000m)), EventType.Accepted);
        H.Expect(Cmd.MarkPrice(Eth, Price(3_000m)), EventType.Accepted);
    }

    public LogicHarness H { get; }

    public static long Usd(decimal usd) => (long)(usd * FixedPoint.MoneyScale);

    public static long Price(decimal usd) => (long)(usd * FixedPoint.PriceScale);

    public static long Qty(decimal units) => (long)(units * FixedPoint.QuantityScale);

    public static decimal ToUsd(long money) => money / (decimal)FixedPoint.MoneyScale;

    public static decimal ToPrice(long raw) => raw / (decimal)FixedPoint.PriceScale;

    public void Account(int id, decimal usd, MarginMode mode = MarginMode.Cross, ushort leverage = 10, params int[] instruments)
    {
        H.Expect(Cmd.CreateAccount(id), EventType.Accepted);
        if (usd > 0) H.Expect(Cmd.Deposit(id, 0, Usd(usd)), EventType.Accepted);
        foreach (var i in instruments.Length == 0 ? new[] { Btc, Eth } : instruments)
        {
            H.Expect(Cmd.SetMarginMode(id, i, mode), EventType.Accepted);
            H.Expect(Cmd.SetLeverage(id, i, leverage), EventType.Accepted);
        }
    }

    /// <summary>Account <paramref name="buyer"/> buys from <paramref name="seller"/> (resting) at a price.</summary>
    public List<OutputEvent> Trade(int buyer, int seller, int instrument, decimal price, decimal quantity)
    {
        H.Expect(Cmd.Limit(seller, instrument, Side.Sell, Price(price), Qty(quantity)), EventType.Accepted);
        return H.Expect(Cmd.Limit(buyer, instrument, Side.Buy, Price(price), Qty(quantity)), EventType.Accepted);
    }

    public List<OutputEvent> Mark(int instrument, decimal price) => H.Expect(Cmd.MarkPrice(instrument, Price(price)), EventType.Accepted);

    public List<OutputEvent> Query(int account) => H.Expect(Cmd.QueryAccount(account), EventType.Accepted);

    public OutputEvent Risk(int account) => Query(account).Find(e => e.Type == EventType.AccountRisk);

    public (OutputEvent Position, OutputEvent Prices)? Position(int account, int instrument)
    {
        var rows = Query(account);
        var i = rows.FindIndex(e => e.Type == EventType.Position && e.InstrumentId == instrument);
        return i < 0 ? null : (rows[i], rows[i + 1]);
    }

    public long PositionLots(int account, int instrument)
    {
        var row = H.Logic.Positions.Find(account, instrument);
        return row == 0 ? 0 : H.Logic.Positions.Lots[row];
    }

    public long UsdBalance(int account) => H.Logic.Accounts.Balance[account * H.Logic.Accounts.AssetCapacity];
}
