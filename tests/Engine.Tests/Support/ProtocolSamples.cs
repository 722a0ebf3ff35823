using Engine.Commands;
using Engine.Gateway.Protocol;

namespace Engine.Tests.Support;

/// <summary>One request message of every type with a distinct, non-trivial value in every field (negative,
/// high-bit and multi-byte values, so that a swapped, truncated or misplaced field shows).</summary>
public static class ProtocolSamples
{
    public static readonly PlaceOrderMessage PlaceOrder = new()
    {
        AccountId = 0x0102_0304, InstrumentId = 0x0506_0708, ClientOrderId = -0x1122_3344_5566_7788, Price = 0x0918_4E72_A000,
        Quantity = 0x7F00_0000_0000_0001, Side = Side.Sell, OrderType = OrderType.Market, TimeInForce = TimeInForce.FillOrKill,
        Flags = OrderFlags.PostOnly | OrderFlags.ReduceOnly, SelfTrade = SelfTradeMode.CancelBoth,
    };

    public static readonly CancelOrderMessage CancelOrder = new() { AccountId = -2, RequestId = long.MinValue + 3, OrderId = (7L << 32) | 65_537 };

    public static readonly ReplaceOrderMessage ReplaceOrder = new()
    {
        AccountId = 123_456_789, RequestId = 0x0A0B_0C0D_0E0F_1011, OrderId = long.MaxValue - 5, Price = -1, Quantity = 0x1234_5678_9ABC,
    };

    public static readonly MassCancelMessage MassCancel = new() { AccountId = 10, InstrumentId = int.MaxValue, RequestId = 99, OneInstrument = -7 };

    public static readonly MarkPriceMessage MarkPrice = new() { InstrumentId = 2, RequestId = -99, Price = 300_012_345_678 };

    public static readonly AssetPriceMessage AssetPrice = new() { AssetId = 0x7F7F_7F7F, RequestId = 0x0102, Price = 99_990_000 };

    public static readonly AddInstrumentMessage AddInstrument = new()
    {
        InstrumentId = 255, MakerFeePpm = -200, RequestId = 0x0011_2233_4455_6677, TickSize = 10_000_000, LotSize = 100_000,
        MaxOrderQuantity = 10_000_000_000, TakerFeePpm = 500, BandBps = 0xFEDC, MaxLeverage = 0xBA98, LadderLog2 = 0xE7,
    };

    public static readonly AddInstrumentTierMessage AddInstrumentTier = new()
    {
        InstrumentId = 1, MmrPpm = 4_000, RequestId = -0x0102_0304_0506, NotionalCap = 50_000_000_000, MaxLeverage = 0x8001, TierIndex = 0xFF,
    };

    public static readonly AddAssetMessage AddAsset = new() { AssetId = 7, HaircutPpm = 999_999, RequestId = 3, Price = long.MaxValue };

    public static readonly CreateAccountMessage CreateAccount = new() { AccountId = (1 << 22) - 1, RequestId = 0x7766_5544_3322_1100 };

    public static readonly DepositMessage Deposit = new() { AccountId = 3, AssetId = 1, RequestId = -4, Amount = 100_000_000_000 };

    public static readonly WithdrawMessage Withdraw = new() { AccountId = 0x0B0C_0D0E, AssetId = -1, RequestId = 5, Amount = long.MinValue };

    public static readonly SetLeverageMessage SetLeverage = new() { AccountId = 1, InstrumentId = 2, RequestId = 6, Leverage = 0xFFFE };

    public static readonly SetMarginModeMessage SetMarginMode = new() { AccountId = 4, InstrumentId = 5, RequestId = 7, Mode = (MarginMode)0xA5 };

    public static readonly AdjustIsolatedMarginMessage AdjustIsolatedMargin = new() { AccountId = 8, InstrumentId = 9, RequestId = 10, Amount = -12_345_678 };

    public static readonly QueryAccountMessage QueryAccount = new() { AccountId = 0x0102_0304, RequestId = 11 };

    public static readonly QueryBookMessage QueryBook = new() { InstrumentId = 0x0A0B_0C0D, Depth = -1, RequestId = 12 };

    public static readonly SnapshotMessage Snapshot = new() { RequestId = -0x0F0E_0D0C_0B0A_0908 };

    /// <summary>How many request types there are (one sample each).</summary>
    public const int RequestCount = 18;

    /// <summary>The message type of sample <c>i</c>, in the order of <see cref="TryWriteRequest"/>.</summary>
    public static readonly MessageType[] RequestTypes =
    [
        MessageType.PlaceOrder, MessageType.CancelOrder, MessageType.ReplaceOrder, MessageType.MassCancel, MessageType.MarkPrice,
        MessageType.AssetPrice, MessageType.AddInstrument, MessageType.AddInstrumentTier, MessageType.AddAsset, MessageType.CreateAccount,
        MessageType.Deposit, MessageType.Withdraw, MessageType.SetLeverage, MessageType.SetMarginMode, MessageType.AdjustIsolatedMargin,
        MessageType.QueryAccount, MessageType.QueryBook, MessageType.Snapshot,
    ];

    /// <summary>Writes the request frame of sample <paramref name="index"/> (0 to <see cref="RequestCount"/>-1). No allocation.</summary>
    public static bool TryWriteRequest(int index, Span<byte> destination, uint sequence, out int written) => index switch
    {
        0 => FrameWriter.TryWriteRequest(destination, in PlaceOrder, sequence, out written),
        1 => FrameWriter.TryWriteRequest(destination, in CancelOrder, sequence, out written),
        2 => FrameWriter.TryWriteRequest(destination, in ReplaceOrder, sequence, out written),
        3 => FrameWriter.TryWriteRequest(destination, in MassCancel, sequence, out written),
        4 => FrameWriter.TryWriteRequest(destination, in MarkPrice, sequence, out written),
        5 => FrameWriter.TryWriteRequest(destination, in AssetPrice, sequence, out written),
        6 => FrameWriter.TryWriteRequest(destination, in AddInstrument, sequence, out written),
        7 => FrameWriter.TryWriteRequest(destination, in AddInstrumentTier, sequence, out written),
        8 => FrameWriter.TryWriteRequest(destination, in AddAsset, sequence, out written),
        9 => FrameWriter.TryWriteRequest(destination, in CreateAccount, sequence, out written),
        10 => FrameWriter.TryWriteRequest(destination, in Deposit, sequence, out written),
        11 => FrameWriter.TryWriteRequest(destination, in Withdraw, sequence, out written),
        12 => FrameWriter.TryWriteRequest(destination, in SetLeverage, sequence, out written),
        13 => FrameWriter.TryWriteRequest(destination, in SetMarginMode, sequence, out written),
        14 => FrameWriter.TryWriteRequest(destination, in AdjustIsolatedMargin, sequence, out written),
        15 => FrameWriter.TryWriteRequest(destination, in QueryAccount, sequence, out written),
        16 => FrameWriter.TryWriteRequest(destination, in QueryBook, sequence, out written),
        17 => FrameWriter.TryWriteRequest(destination, in Snapshot, sequence, out written),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>The whole frame of sample <paramref name="index"/> as a new array.</summary>
    public static byte[] RequestFrame(int index, uint sequence = 1)
    {
        var buffer = new byte[FrameHeader.MaxFrameLength];
        if (!TryWriteRequest(index, buffer, sequence, out var written)) throw new InvalidOperationException($"sample {index} did not fit");
        return buffer.AsSpan(0, written).ToArray();
    }
}
