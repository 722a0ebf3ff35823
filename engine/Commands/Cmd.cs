namespace Engine.Commands;

/// <summary>Builds well-formed <see cref="Command"/> values, one method per command type.</summary>
/// <remarks>Returns structs by value: no allocation. Prices and quantities are raw (see <see cref="FixedPoint"/>).</remarks>
public static class Cmd
{
    /// <summary>A limit order.</summary>
    public static Command Limit(int account, int instrument, Side side, long price, long quantity, long clientOrderId = 0,
        TimeInForce tif = TimeInForce.GoodTillCancel, OrderFlags flags = OrderFlags.None, SelfTradeMode stp = SelfTradeMode.CancelResting) =>
        new()
        {
            Type = CommandType.PlaceOrder, OrderType = OrderType.Limit, AccountId = account, InstrumentId = instrument,
            Side = side, Price = price, Quantity = quantity, ClientOrderId = clientOrderId, TimeInForce = tif, Flags = flags,
            SelfTrade = stp,
        };

    /// <summary>A market order (IOC, or FOK with <paramref name="tif"/>), bounded by the instrument's price band.</summary>
    public static Command Market(int account, int instrument, Side side, long quantity, long clientOrderId = 0,
        TimeInForce tif = TimeInForce.ImmediateOrCancel, OrderFlags flags = OrderFlags.None, SelfTradeMode stp = SelfTradeMode.CancelResting) =>
        new()
        {
            Type = CommandType.PlaceOrder, OrderType = OrderType.Market, AccountId = account, InstrumentId = instrument,
            Side = side, Quantity = quantity, ClientOrderId = clientOrderId, TimeInForce = tif, Flags = flags, SelfTrade = stp,
        };

    /// <summary>Cancel one order.</summary>
    public static Command Cancel(int account, long orderId, long requestId = 0) =>
        new() { Type = CommandType.CancelOrder, AccountId = account, OrderId = orderId, RequestId = requestId };

    /// <summary>Replace price (0 keeps it) and/or open quantity (0 keeps it).</summary>
    public static Command Replace(int account, long orderId, long newPrice, long newQuantity, long requestId = 0) =>
        new()
        {
            Type = CommandType.ReplaceOrder, AccountId = account, OrderId = orderId, Price = newPrice, Quantity = newQuantity,
            RequestId = requestId,
        };

    /// <summary>Cancel all open orders of an account, or only those in <paramref name="instrument"/> when given.</summary>
    public static Command MassCancel(int account, int? instrument = null, long requestId = 0) =>
        new()
        {
            Type = CommandType.MassCancel, AccountId = account, InstrumentId = instrument ?? 0,
            InstrumentFilter = instrument.HasValue ? 1 : 0, RequestId = requestId,
        };

    /// <summary>Mark price of an instrument.</summary>
    public static Command MarkPrice(int instrument, long price) =>
        new() { Type = CommandType.MarkPrice, InstrumentId = instrument, Price = price };

    /// <summary>Price of a collateral asset.</summary>
    public static Command AssetPrice(int asset, long price) =>
        new() { Type = CommandType.AssetPrice, AssetId = asset, Price = price };

    /// <summary>Define an instrument.</summary>
    public static Command AddInstrument(int instrument, long tickSize, long lotSize, long maxOrderQuantity,
        int makerFeePpm, int takerFeePpm, ushort bandBps, ushort maxLeverage, byte ladderLog2 = 0) =>
        new()
        {
            Type = CommandType.AddInstrument, InstrumentId = instrument, TickSize = tickSize, LotSize = lotSize,
            MaxOrderQuantity = maxOrderQuantity, MakerFeePpm = makerFeePpm, TakerFeePpm = takerFeePpm, BandBps = bandBps,
            MaxLeverage = maxLeverage, LadderLog2 = ladderLog2,
        };

    /// <summary>Append maintenance tier <paramref name="tierIndex"/> to an instrument.</summary>
    public static Command AddTier(int instrument, byte tierIndex, long notionalCap, int mmrPpm, ushort maxLeverage) =>
        new()
        {
            Type = CommandType.AddInstrumentTier, InstrumentId = instrument, TierIndex = tierIndex, NotionalCap = notionalCap,
            MmrPpm = mmrPpm, MaxLeverage = maxLeverage,
        };

    /// <summary>Define a collateral asset.</summary>
    public static Command AddAsset(int asset, long price, int haircutPpm) =>
        new() { Type = CommandType.AddAsset, AssetId = asset, Price = price, HaircutPpm = haircutPpm };

    /// <summary>Create an account.</summary>
    public static Command CreateAccount(int account) => new() { Type = CommandType.CreateAccount, AccountId = account };

    /// <summary>Credit an account.</summary>
    public static Command Deposit(int account, int asset, long amount) =>
        new() { Type = CommandType.Deposit, AccountId = account, AssetId = asset, Amount = amount };

    /// <summary>Debit an account.</summary>
    public static Command Withdraw(int account, int asset, long amount) =>
        new() { Type = CommandType.Withdraw, AccountId = account, AssetId = asset, Amount = amount };

    /// <summary>Set leverage on an instrument.</summary>
    public static Command SetLeverage(int account, int instrument, ushort leverage) =>
        new() { Type = CommandType.SetLeverage, AccountId = account, InstrumentId = instrument, Leverage = leverage };

    /// <summary>Set margin mode on an instrument.</summary>
    public static Command SetMarginMode(int account, int instrument, MarginMode mode) =>
        new() { Type = CommandType.SetMarginMode, AccountId = account, InstrumentId = instrument, MarginMode = mode };

    /// <summary>Add (positive) or remove (negative) isolated margin.</summary>
    public static Command AdjustIsolatedMargin(int account, int instrument, long amount) =>
        new() { Type = CommandType.AdjustIsolatedMargin, AccountId = account, InstrumentId = instrument, Amount = amount };

    /// <summary>Query an account.</summary>
    public static Command QueryAccount(int account, long requestId = 0) =>
        new() { Type = CommandType.QueryAccount, AccountId = account, RequestId = requestId };

    /// <summary>Query a book's depth (levels per side; 0 = 10).</summary>
    public static Command QueryBook(int instrument, int depth = 0, long requestId = 0) =>
        new() { Type = CommandType.QueryBook, InstrumentId = instrument, Depth = depth, RequestId = requestId };

    /// <summary>Request a snapshot.</summary>
    public static Command Snapshot(long requestId = 0) => new() { Type = CommandType.Snapshot, RequestId = requestId };
}
