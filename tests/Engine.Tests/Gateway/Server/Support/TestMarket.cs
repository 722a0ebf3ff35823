using Engine.Commands;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Gateway.Server.Support;

/// <summary>The market of the embedded default configuration: instruments, accounts, keys, and order builders.</summary>
public static class TestMarket
{
    public const int Btc = 1;
    public const int Eth = 2;

    public const int InsuranceFund = 0;
    public const int Alice = 1;
    public const int Bob = 2;
    public const int Carol = 3;
    public const int Maker = 10;

    public const string AdminKey = "admin-key";
    public const string FeedKey = "feed-key";
    public const string AliceKey = "alice-key";
    public const string BobKey = "bob-key";
    public const string CarolKey = "carol-key";
    public const string MakerKey = "maker-key";
    public const string DeskKey = "desk-key";

    /// <summary>BTC-PERP mark at start: 100,000 USD; band 5%; tick 0.1; lot 0.001.</summary>
    public const decimal BtcMark = 100_000m;

    /// <summary>Raw price of a USD amount per unit.</summary>
    public static long Px(decimal usd) => (long)(usd * FixedPoint.PriceScale);

    /// <summary>Raw quantity of a number of units.</summary>
    public static long Qty(decimal units) => (long)(units * FixedPoint.QuantityScale);

    /// <summary>Money units of a USD amount.</summary>
    public static long Money(decimal usd) => (long)(usd * FixedPoint.MoneyScale);

    /// <summary>A good-till-cancel limit order.</summary>
    public static PlaceOrderMessage Limit(int account, Side side, decimal price, decimal quantity, long clientOrderId, int instrument = Btc,
        TimeInForce tif = TimeInForce.GoodTillCancel) =>
        new()
        {
            AccountId = account, InstrumentId = instrument, ClientOrderId = clientOrderId, Price = Px(price), Quantity = Qty(quantity),
            Side = side, OrderType = OrderType.Limit, TimeInForce = tif,
        };

    public static QueryBookMessage BookQuery(long requestId, int instrument = Btc, int depth = 0) =>
        new() { InstrumentId = instrument, Depth = depth, RequestId = requestId };

    public static QueryAccountMessage AccountQuery(int account, long requestId) => new() { AccountId = account, RequestId = requestId };

    public static CancelOrderMessage Cancel(int account, long orderId, long requestId) =>
        new() { AccountId = account, OrderId = orderId, RequestId = requestId };
}
