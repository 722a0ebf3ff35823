using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Commands;
using Engine.Events;

namespace Engine.Tests.Commands;

/// <summary>
/// The command struct is the journal record and the event struct is hashed: their sizes, offsets and every
/// persisted enum value are frozen here. A failure means a format change: bump the journal version instead.
/// </summary>
public class PersistedFormatTests
{
    [Test]
    public void ShouldKeepCommandAt64BytesWithFrozenOffsets()
    {
        Assert.That(Unsafe.SizeOf<Command>(), Is.EqualTo(64));
        Assert.That(Command.Size, Is.EqualTo(64));
        var expected = new (string Field, int Offset)[]
        {
            ("Type", 0), ("OrderType", 1), ("TierIndex", 1), ("Side", 2), ("BandBps", 2), ("TimeInForce", 3),
            ("Flags", 4), ("MarginMode", 4), ("SelfTrade", 5), ("LadderLog2", 5), ("Leverage", 6), ("MaxLeverage", 6),
            ("SessionId", 8), ("AccountId", 12), ("MakerFeePpm", 12), ("ReceiveTime", 16), ("InstrumentId", 24),
            ("AssetId", 24), ("TakerFeePpm", 28), ("Depth", 28), ("MmrPpm", 28), ("HaircutPpm", 28),
            ("InstrumentFilter", 28), ("ClientOrderId", 32), ("RequestId", 32), ("Price", 40), ("TickSize", 40),
            ("NotionalCap", 40), ("Amount", 40), ("Quantity", 48), ("LotSize", 48), ("OrderId", 56),
            ("MaxOrderQuantity", 56),
        };
        foreach (var (field, offset) in expected)
            Assert.That((int)Marshal.OffsetOf<Command>(field), Is.EqualTo(offset), field);
        Assert.That(typeof(Command).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Length, Is.EqualTo(expected.Length), "every field is pinned");
    }

    [Test]
    public void ShouldKeepOutputEventAt96BytesWithFrozenOffsets()
    {
        Assert.That(Unsafe.SizeOf<OutputEvent>(), Is.EqualTo(96));
        var expected = new (string Field, int Offset)[]
        {
            ("Type", 0), ("Side", 1), ("Code", 2), ("Flags", 4), ("CommandType", 5), ("SessionId", 8), ("AccountId", 12),
            ("InputSequence", 16), ("InstrumentId", 24), ("Count", 28), ("ClientOrderId", 32), ("Price", 40),
            ("Quantity", 48), ("OrderId", 56), ("LeavesQuantity", 64), ("Fee", 72), ("MatchId", 80), ("Time", 88),
            ("Equity", 40), ("Collateral", 48), ("OrderMargin", 56), ("Available", 64), ("Maintenance", 72),
            ("InitialMargin", 80),
        };
        foreach (var (field, offset) in expected)
            Assert.That((int)Marshal.OffsetOf<OutputEvent>(field), Is.EqualTo(offset), field);
        Assert.That(typeof(OutputEvent).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Length, Is.EqualTo(expected.Length));
    }

    private static void AssertValues<TEnum>(params (TEnum Value, int Number)[] golden) where TEnum : struct, Enum
    {
        foreach (var (value, number) in golden)
            Assert.That(Convert.ToInt32(value), Is.EqualTo(number), $"{typeof(TEnum).Name}.{value}");
        Assert.That(Enum.GetValues<TEnum>(), Has.Length.EqualTo(golden.Length), $"every {typeof(TEnum).Name} value is pinned");
    }

    [Test]
    public void ShouldKeepPersistedEnumValues()
    {
        AssertValues((CommandType.None, 0), (CommandType.PlaceOrder, 1), (CommandType.CancelOrder, 2),
            (CommandType.ReplaceOrder, 3), (CommandType.MassCancel, 4), (CommandType.MarkPrice, 20),
            (CommandType.AssetPrice, 21), (CommandType.AddInstrument, 40), (CommandType.AddInstrumentTier, 41),
            (CommandType.AddAsset, 42), (CommandType.CreateAccount, 43), (CommandType.Deposit, 44),
            (CommandType.Withdraw, 45), (CommandType.SetLeverage, 46), (CommandType.SetMarginMode, 47),
            (CommandType.AdjustIsolatedMargin, 48), (CommandType.QueryAccount, 60), (CommandType.QueryBook, 61),
            (CommandType.Snapshot, 80));
        AssertValues((Side.Buy, 1), (Side.Sell, 2));
        AssertValues((OrderType.Limit, 1), (OrderType.Market, 2));
        AssertValues((TimeInForce.GoodTillCancel, 1), (TimeInForce.ImmediateOrCancel, 2), (TimeInForce.FillOrKill, 3));
        AssertValues((OrderFlags.None, 0), (OrderFlags.PostOnly, 1), (OrderFlags.ReduceOnly, 2));
        AssertValues((SelfTradeMode.CancelResting, 0), (SelfTradeMode.CancelTaker, 1), (SelfTradeMode.CancelBoth, 2));
        AssertValues((MarginMode.Cross, 0), (MarginMode.Isolated, 1));
        AssertValues((EventType.None, 0), (EventType.Accepted, 1), (EventType.Rejected, 2), (EventType.Fill, 10),
            (EventType.Canceled, 11), (EventType.Replaced, 12), (EventType.Liquidation, 13), (EventType.BookLevel, 30),
            (EventType.OpenOrder, 31), (EventType.AccountRisk, 32), (EventType.Balance, 33), (EventType.Position, 34),
            (EventType.PositionPrices, 35));
        AssertValues((LiquidationStep.None, 0), (LiquidationStep.IsolatedStarted, 1), (LiquidationStep.CrossStarted, 2),
            (LiquidationStep.Order, 3), (LiquidationStep.Takeover, 4), (LiquidationStep.AutoDeleverage, 5),
            (LiquidationStep.FundTransfer, 6), (LiquidationStep.Completed, 7));
        AssertValues((CancelReason.None, 0), (CancelReason.UserRequest, 1), (CancelReason.ImmediateOrCancel, 2),
            (CancelReason.FillOrKill, 3), (CancelReason.SelfTradeResting, 4), (CancelReason.SelfTradeTaker, 5),
            (CancelReason.MassCancel, 6), (CancelReason.Liquidation, 7), (CancelReason.ReduceOnly, 8));
        AssertValues((EventFlags.None, 0), (EventFlags.Maker, 1), (EventFlags.Liquidation, 2), (EventFlags.PriorityKept, 4));
    }

    [Test]
    public void ShouldKeepRejectCodesGroupedAndFrozen()
    {
        AssertValues((RejectCode.None, 0),
            (RejectCode.UnknownCommand, 100), (RejectCode.InvalidField, 101), (RejectCode.NotLoggedIn, 102),
            (RejectCode.NotAuthorized, 103),
            (RejectCode.InsufficientMargin, 200), (RejectCode.ReduceOnlyWouldIncrease, 201),
            (RejectCode.LeverageOutOfRange, 202), (RejectCode.PositionOrOrdersOpen, 203),
            (RejectCode.InsufficientBalance, 204), (RejectCode.IsolatedMarginRemovalTooLarge, 205),
            (RejectCode.NoIsolatedPosition, 206), (RejectCode.InvalidAmount, 207),
            (RejectCode.UnknownInstrument, 300), (RejectCode.UnknownOrder, 301), (RejectCode.NotOrderOwner, 302),
            (RejectCode.PriceOffTick, 303), (RejectCode.PriceOutsideBand, 304), (RejectCode.QuantityNotPositive, 305),
            (RejectCode.QuantityOffLot, 306), (RejectCode.QuantityTooLarge, 307), (RejectCode.PostOnlyWouldTake, 308),
            (RejectCode.InvalidOrderType, 309), (RejectCode.InvalidSide, 310), (RejectCode.InvalidTimeInForce, 311),
            (RejectCode.NoReferencePrice, 312), (RejectCode.InvalidFlags, 313), (RejectCode.PriceNotPositive, 314),
            (RejectCode.NothingToReplace, 315), (RejectCode.InvalidSelfTradeMode, 316),
            (RejectCode.OrderCapacityExceeded, 317), (RejectCode.PriceTooLarge, 318),
            (RejectCode.UnknownAccount, 400), (RejectCode.AccountExists, 401), (RejectCode.InstrumentExists, 402),
            (RejectCode.InvalidInstrumentSpec, 403), (RejectCode.UnknownAsset, 404), (RejectCode.AssetExists, 405),
            (RejectCode.IdOutOfRange, 406), (RejectCode.InvalidTier, 407), (RejectCode.InvalidAssetSpec, 408),
            (RejectCode.MalformedFrame, 900), (RejectCode.UnsupportedVersion, 901), (RejectCode.Unavailable, 902));
    }
}
